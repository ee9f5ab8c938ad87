import { z } from 'zod';
import { AppError } from '../../kernel/errors.js';
import { readCommandAnswer } from '../../minecraft/command-answers.js';
import { parsePlayerList, type PlayerListFile } from '../../minecraft/player-lists.js';
import type { NodeService } from '../nodes/service.js';
import type { AgentFiles } from '../nodes/agent-files.js';
import type { ServerView } from './schema.js';
import type { ServerService } from './service.js';

const playerName = z.string().regex(/^[A-Za-z0-9_]{1,16}$/, { error: 'expected a Minecraft name (1-16 letters, digits, _)' });
const reason = z
  .string()
  .max(200)
  .regex(/^[^\r\n]*$/)
  .default('Banned by an operator');

export const playerAction = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.enum(['whitelist.add', 'whitelist.remove', 'op', 'deop', 'pardon', 'kick']),
    name: playerName,
    uuid: z.uuid().optional(),
  }),
  z.strictObject({ action: z.literal('ban'), name: playerName, uuid: z.uuid().optional(), reason }),
  z.strictObject({ action: z.enum(['ban-ip', 'pardon-ip']), ip: z.union([z.ipv4(), z.ipv6()]), reason }),
]);
export type PlayerAction = z.output<typeof playerAction>;

/** How long the game has to answer a command; vanilla answers within a tick or two. */
export const REPLY_WITHIN_MS = 5000;

/** The console command a running server applies (and persists) itself. */
export function playerCommand(a: PlayerAction): string {
  switch (a.action) {
    case 'whitelist.add':
      return `whitelist add ${a.name}`;
    case 'whitelist.remove':
      return `whitelist remove ${a.name}`;
    case 'ban':
      return `ban ${a.name} ${a.reason}`;
    case 'ban-ip':
      return `ban-ip ${a.ip} ${a.reason}`;
    case 'pardon-ip':
      return `pardon-ip ${a.ip}`;
    default:
      return `${a.action} ${a.name}`;
  }
}

// Where a running vanilla server writes each change (at once), and whether the entry should be there after it.
const LIST_AFTER: Partial<Record<PlayerAction['action'], { file: PlayerListFile; present: boolean }>> = {
  'whitelist.add': { file: 'whitelist.json', present: true },
  'whitelist.remove': { file: 'whitelist.json', present: false },
  op: { file: 'ops.json', present: true },
  deop: { file: 'ops.json', present: false },
  ban: { file: 'banned-players.json', present: true },
  pardon: { file: 'banned-players.json', present: false },
  'ban-ip': { file: 'banned-ips.json', present: true },
  'pardon-ip': { file: 'banned-ips.json', present: false },
};

/** Whether the server's list file shows the change (the game writes it as it applies the command). */
async function listShowsChange(files: AgentFiles, a: PlayerAction, target: string): Promise<boolean> {
  const expected = LIST_AFTER[a.action];
  if (!expected) return false;
  const text = await files.read(expected.file).catch(() => null);
  if (text === null) return !expected.present;
  let entries: Array<{ name?: string; ip?: string }>;
  try {
    entries = parsePlayerList(expected.file, text) as Array<{ name?: string; ip?: string }>;
  } catch {
    return false;
  }
  const listed = entries.some((e) => e.name?.toLowerCase() === target.toLowerCase() || e.ip === target);
  return listed === expected.present;
}

/**
 * Tells a running server by console command and reports what the game made of it: its answer,
 * or, when it printed nothing we understand, whether its list file shows the change. A refusal
 * is an error with the game's words, never a success.
 */
export async function applyByCommand(
  deps: { serverService: ServerService; nodeService: NodeService },
  server: ServerView,
  a: PlayerAction,
): Promise<{ applied: 'command'; answer?: string }> {
  const command = playerCommand(a);
  const target = 'name' in a ? a.name : a.ip;
  const lines = await deps.serverService.commandWithReply(server.id, command, REPLY_WITHIN_MS);
  const answer = readCommandAnswer(a.action, target, lines);
  switch (answer?.outcome) {
    case 'done':
    case 'unchanged':
      return { applied: 'command', answer: answer.message };
    case 'unknown_command':
      throw new AppError(
        502,
        'command_unsupported',
        `The game server does not know the command "${command.split(' ')[0]}" (it answered: ${answer.message}). Stop the server to edit the list in its files instead.`,
        { answer: answer.message },
      );
    case 'refused':
      throw new AppError(409, 'game_refused', `The game server refused "${command}": ${answer.message}`, { answer: answer.message });
    default:
      if (await listShowsChange(await deps.nodeService.serverFiles(server), a, target)) return { applied: 'command' };
      throw new AppError(
        504,
        'no_answer',
        `The game server did not confirm "${command}" within ${REPLY_WITHIN_MS / 1000} s, and its list file does not show the change; look at its console.`,
      );
  }
}
