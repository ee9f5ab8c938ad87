import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../kernel/event-types.js';

const nodeName = z.string().describe("The node's name when it happened");

/**
 * What a node's agent reports about its servers and players (wings-agent's journal). The agent is
 * another program, possibly of another version, so these are loose: known fields are typed, others
 * pass. `agentSeq` is the agent's sequence number, added when the panel stores the event.
 */
const fromAgent = <S extends z.ZodRawShape>(shape: S) => z.looseObject({ ...shape, agentSeq: z.number().int().optional() });
const exitCode = z.number().int().nullable().optional().describe("The game process's exit code");
const player = fromAgent({
  name: z.string().optional().describe("The player's name"),
  confirmedByPing: z.boolean().optional().describe('A status ping saw the change too'),
  online: z.number().int().optional().describe('Players online afterwards'),
});

/** The nodes module's events: nodes themselves, and what their agents report (ingested by this module). */
export const nodeEvents = defineEvents({
  'node.created': {
    description: 'An admin added a node (or the panel set up its local node)',
    data: z.strictObject({ name: nodeName, local: z.boolean() }),
  },
  'node.updated': {
    description: "An admin changed a node's settings",
    data: z.strictObject({ fields: z.array(z.string()).describe('The settings changed') }),
  },
  'node.deleted': { description: 'An admin removed a node', data: z.strictObject({ name: nodeName }) },
  'node.token_rotated': { description: 'An admin gave a node a new token; the old one stops working', data: z.strictObject({}) },
  'node.up': { description: 'A node answers again', data: z.strictObject({ name: nodeName, reason: z.string().optional() }) },
  'node.down': {
    description: 'A node stopped answering its health check',
    data: z.strictObject({ name: nodeName, reason: z.string().optional().describe('Why the check failed') }),
  },
  'node.lost': {
    description:
      'A node has not answered its health checks for longer than the panel allows (nodes.lostAfterSeconds): self-healing acts on it',
    data: z.strictObject({
      name: nodeName,
      lastSeenAt: z.string().describe('When it last answered'),
      silentSeconds: z.number().int(),
      reason: z.string().describe('Why the last check failed'),
    }),
  },
  'server.installing': { description: "The agent started a server's install container", data: fromAgent({}) },
  'server.installed': { description: "A server's install finished", data: fromAgent({ durationMs: z.number().optional() }) },
  'server.install_failed': {
    description: "A server's install failed",
    data: fromAgent({ reason: z.string().optional(), exitCode, error: z.string().optional() }),
  },
  'server.starting': { description: 'A server is starting', data: fromAgent({}) },
  'server.started': { description: 'A server is up and accepts players', data: fromAgent({ startupMs: z.number().optional() }) },
  'server.stopping': {
    description: 'A server is stopping',
    data: fromAgent({ kill: z.boolean().optional().describe('It was killed rather than stopped') }),
  },
  'server.stopped': {
    description: 'A server stopped',
    data: fromAgent({ reason: z.string().optional(), error: z.string().optional(), exitCode }),
  },
  'server.crashed': {
    description: 'A server exited without being asked to',
    data: fromAgent({ exitCode, oomKilled: z.boolean().optional(), whileAgentAway: z.boolean().optional() }),
  },
  'server.restarted': { description: 'The agent restarted a server after it exited', data: fromAgent({ afterExitCode: exitCode }) },
  'player.joined': { description: 'A player joined a server', data: player },
  'player.left': { description: 'A player left a server', data: player },
});

declare module '../../kernel/event-types.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventTypes extends EventDataOf<typeof nodeEvents> {}
}
