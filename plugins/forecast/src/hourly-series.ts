/** An hourly demand series: one point per UTC hour, oldest first. */
export interface HourlyPoint {
  /** The hour's start, ISO. */
  at: string;
  value: number;
  /** No stored data covered this hour: the value was filled in (see fillGaps). */
  filled: boolean;
}

export const HOUR_MS = 3_600_000;
export const WEEK_HOURS = 168;

export const floorHour = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** A server's running intervals and memory over time, as the event log tells them. */
export interface ServerEvent {
  type: string;
  serverId: string;
  atMs: number;
  memoryMb?: number;
}

export interface AwakeHour {
  /** The most servers running at once within the hour. */
  servers: number;
  /** The most memory (MB) promised to running servers at once within the hour. */
  memoryMb: number;
}

const STARTS = new Set(['server.started']);
const ENDS = new Set(['server.stopped', 'server.crashed', 'server.deleted']);

/**
 * Sweeps the events (sorted by time here) and keeps, for each hour in [fromMs, toMs), the peak of
 * concurrently running servers and of their memory: capacity has to hold the peak, not the mean.
 * `memoryOf` gives a server's memory where no event set it (servers created before the log).
 */
export function awakeByHour(events: ServerEvent[], fromMs: number, toMs: number, memoryOf: (serverId: string) => number): AwakeHour[] {
  const hours = Math.max(0, Math.round((toMs - fromMs) / HOUR_MS));
  const out: AwakeHour[] = Array.from({ length: hours }, () => ({ servers: 0, memoryMb: 0 }));
  const running = new Set<string>();
  const memory = new Map<string, number>();
  let servers = 0;
  let memoryMb = 0;
  const mem = (id: string) => memory.get(id) ?? memoryOf(id);
  const note = (atMs: number) => {
    const i = Math.floor((atMs - fromMs) / HOUR_MS);
    if (i < 0 || i >= hours) return;
    const hour = out[i]!;
    hour.servers = Math.max(hour.servers, servers);
    hour.memoryMb = Math.max(hour.memoryMb, memoryMb);
  };
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  let next = 0;
  for (let i = 0; i < hours; i++) {
    const hourEnd = fromMs + (i + 1) * HOUR_MS;
    note(fromMs + i * HOUR_MS); // what carried over from the hour before
    for (; next < sorted.length && sorted[next]!.atMs < hourEnd; next++) {
      const e = sorted[next]!;
      if (e.memoryMb !== undefined) {
        if (running.has(e.serverId)) memoryMb += e.memoryMb - mem(e.serverId);
        memory.set(e.serverId, e.memoryMb);
      }
      if (STARTS.has(e.type) && !running.has(e.serverId)) {
        running.add(e.serverId);
        servers += 1;
        memoryMb += mem(e.serverId);
      } else if (ENDS.has(e.type) && running.has(e.serverId)) {
        running.delete(e.serverId);
        servers -= 1;
        memoryMb -= mem(e.serverId);
      }
      note(e.atMs);
    }
  }
  return out;
}

/**
 * Fills unknown hours (null) so the models get a complete series, and marks them: the same hour a
 * week before if that is known, else a week after, else a straight line between the known
 * neighbours. Leading unknown hours are dropped (the series starts at its first known hour).
 */
export function fillGaps(fromMs: number, values: Array<number | null>): HourlyPoint[] {
  const first = values.findIndex((v) => v !== null);
  if (first < 0) return [];
  const known = values.slice(first);
  const out: HourlyPoint[] = known.map((v, i) => ({
    at: new Date(fromMs + (first + i) * HOUR_MS).toISOString(),
    value: v ?? 0,
    filled: v === null,
  }));
  for (let i = 0; i < known.length; i++) {
    if (known[i] !== null) continue;
    const weekBefore = known[i - WEEK_HOURS];
    const weekAfter = known[i + WEEK_HOURS];
    if (weekBefore !== undefined && weekBefore !== null) out[i]!.value = weekBefore;
    else if (weekAfter !== undefined && weekAfter !== null) out[i]!.value = weekAfter;
    else out[i]!.value = between(known, i);
  }
  return out;
}

function between(values: Array<number | null>, i: number): number {
  let before = i - 1;
  while (before >= 0 && values[before] === null) before--;
  let after = i + 1;
  while (after < values.length && values[after] === null) after++;
  const a = before >= 0 ? values[before]! : null;
  const b = after < values.length ? values[after]! : null;
  if (a === null) return b ?? 0;
  if (b === null) return a;
  return a + ((b - a) * (i - before)) / (after - before);
}
