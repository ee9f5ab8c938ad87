/**
 * What a Minecraft server's console answer to a player-list command means. The patterns are the
 * game's own English messages (vanilla, and Paper/Spigot, which use vanilla's commands) and
 * flying-squid's, matched on the message after the logger's `[...]: ` prefix. Chat lines
 * (`<name> …`) never count, so a player cannot fake an answer by typing it.
 */
export type PlayerCommand = 'whitelist.add' | 'whitelist.remove' | 'op' | 'deop' | 'ban' | 'pardon' | 'ban-ip' | 'pardon-ip' | 'kick';

export type AnswerOutcome =
  /** The game did it. */
  | 'done'
  /** Nothing to do: the list already was as asked (vanilla's "Nothing changed…"). */
  | 'unchanged'
  /** The game knows the command but refused it (no such player, bad address, …). */
  | 'refused'
  /** The game does not know the command at all. */
  | 'unknown_command';

export interface CommandAnswer {
  outcome: AnswerOutcome;
  /** The game's words, without the logger's prefix. */
  message: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const DONE: Record<PlayerCommand, (target: string) => string> = {
  'whitelist.add': (t) => `^Added ${t} to the whitelist`,
  'whitelist.remove': (t) => `^Removed ${t} from the whitelist`,
  op: (t) => `^(Made ${t} a server operator|Opped ${t}\\b)`,
  deop: (t) => `^(Made ${t} no longer a server operator|Deopped ${t}\\b)`,
  ban: (t) => `^(Banned ${t}\\b|${t} was banned\\b)`,
  pardon: (t) => `^(Unbanned ${t}\\b|${t} is unbanned\\b)`,
  'ban-ip': (t) => `^(Banned IP ${t}\\b|IP ${t} was banned\\b)`,
  'pardon-ip': (t) => `^(Unbanned IP ${t}\\b|IP ${t} was pardoned\\b)`,
  kick: (t) => `^(Kicked ${t}\\b|\\S+ kicked ${t}\\b)`,
};
const UNKNOWN = /^(Unknown or incomplete command|Unknown command|Command not found)/i;
const UNCHANGED =
  /^(Nothing changed\b|Player is already whitelisted|Player is not whitelisted)|\b(is opped already|isn't opped|is banned!|is not banned)$/i;
const REFUSED =
  /^(That player does not exist|No player was found|Invalid IP address|Could not find player|Incorrect argument|IP is not correct|Usage: |Bad syntax)|\b(is not on this server|is not a valid player)!$/i;
const CHAT = /^(<|\[Not Secure\] <)/;

function split(line: string): { level: string; message: string } {
  const end = line.indexOf(']: ');
  if (end === -1) return { level: '', message: line.trim() };
  return { level: line.slice(0, end), message: line.slice(end + 3).trim() };
}

/** The first line that says what became of the command, or null when none does. */
export function readCommandAnswer(command: PlayerCommand, target: string, lines: string[]): CommandAnswer | null {
  const done = new RegExp(DONE[command](escape(target)), 'i');
  for (const line of lines) {
    const { level, message } = split(line);
    if (!message || CHAT.test(message)) continue;
    if (UNKNOWN.test(message)) return { outcome: 'unknown_command', message };
    if (done.test(message)) return { outcome: 'done', message };
    if (UNCHANGED.test(message)) return { outcome: 'unchanged', message };
    // An error-level line right after the command is the game's refusal, whatever its words.
    if (REFUSED.test(message) || /[/[]ERROR$/.test(level)) return { outcome: 'refused', message };
  }
  return null;
}
