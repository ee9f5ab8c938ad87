/**
 * Demand as the simulator replays it: the servers, and each player's session (the minute they
 * join and the minute they leave), sorted by the join. The last week is the one measured; the
 * weeks before it are history for the forecast.
 */
export interface Trace {
  minutes: number;
  servers: Array<{ memoryMb: number }>;
  sessions: { server: Int32Array; start: Int32Array; end: Int32Array };
}

export const WEEK_MINUTES = 7 * 24 * 60;

/** A CSV line the reader refuses, with where and why. */
export class TraceError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`trace line ${line}: ${message}`);
  }
}

const HEADER = 'minute,server,memory_mb,players';

/**
 * Reads `minute,server,memory_mb,players` (players online on a server in a minute; a minute not
 * listed has none). A rise of k players is k joins; a fall ends the sessions that began first.
 */
export function readTraceCsv(text: string): Trace {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== HEADER) throw new TraceError(1, `expected the header "${HEADER}"`);
  const ids = new Map<string, number>();
  const servers: Trace['servers'] = [];
  const counts: Array<Map<number, number>> = [];
  let minutes = 0;
  for (const [i, line] of lines.slice(1).entries()) {
    const cells = line.split(',');
    if (cells.length !== 4) throw new TraceError(i + 2, 'expected four cells');
    const [minute, memoryMb, players] = [cells[0], cells[2], cells[3]].map(Number) as [number, number, number];
    const name = cells[1]!.trim();
    if (!Number.isInteger(minute) || minute < 0) throw new TraceError(i + 2, 'minute must be a whole number from 0');
    if (!Number.isInteger(memoryMb) || memoryMb <= 0) throw new TraceError(i + 2, 'memory_mb must be a whole number above 0');
    if (!Number.isInteger(players) || players < 0) throw new TraceError(i + 2, 'players must be a whole number from 0');
    if (!name) throw new TraceError(i + 2, 'server must not be empty');
    let index = ids.get(name);
    if (index === undefined) {
      index = servers.length;
      ids.set(name, index);
      servers.push({ memoryMb });
      counts.push(new Map());
    } else if (servers[index]!.memoryMb !== memoryMb) throw new TraceError(i + 2, `server ${name} changed its memory_mb`);
    counts[index]!.set(minute, players);
    minutes = Math.max(minutes, minute + 1);
  }
  const sessions: Array<[number, number, number]> = [];
  for (const [server, byMinute] of counts.entries()) {
    const open: number[] = [];
    for (let minute = 0; minute <= minutes; minute++) {
      const want = minute === minutes ? 0 : (byMinute.get(minute) ?? 0);
      while (open.length < want) open.push(minute);
      while (open.length > want) sessions.push([server, open.shift()!, minute]);
    }
  }
  return { minutes, servers, sessions: packSessions(sessions) };
}

/** Sessions as typed arrays sorted by their join minute (stable: ties keep their order). */
export function packSessions(list: Array<[server: number, start: number, end: number]>): Trace['sessions'] {
  list.sort((a, b) => a[1] - b[1]);
  return {
    server: Int32Array.from(list, (s) => s[0]),
    start: Int32Array.from(list, (s) => s[1]),
    end: Int32Array.from(list, (s) => s[2]),
  };
}
