/**
 * A generated history of server events (the test's input) and an independent recomputation of
 * what it should cost: exact fractions per owner, summed without the plugin's code.
 */
export interface HistoryEvent {
  type: string;
  serverId: string;
  at: number;
  data: Record<string, unknown>;
}

export interface Prices {
  /** micro-cents per GB-hour while active and running */
  active: Record<string, number>;
  /** micro-cents per GB-month */
  sleep: number;
  /** micro-cents per GB of archive per month */
  archived: number;
}

/** A small seeded generator (mulberry32), so a failing history can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;

/** Servers with random starts, stops, crashes, sleeps, wakes, archives and memory changes. */
export function generateHistory(options: {
  servers: number;
  days: number;
  startMs: number;
  owners: string[];
  templates: string[];
  seed: number;
}): HistoryEvent[] {
  const rnd = random(options.seed);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  const events: HistoryEvent[] = [];
  const end = options.startMs + options.days * DAY;
  for (let i = 0; i < options.servers; i++) {
    const serverId = `hist-${options.seed}-${i}`;
    let at = options.startMs + Math.floor(rnd() * 5 * DAY);
    let running = false;
    let phase = 'active';
    let memory = pick([512, 1024, 1536, 2048, 3072]);
    // As the servers module writes it: the new memory and the one before.
    const resize = (memoryMb: number) => {
      events.push({ type: 'server.memory_changed', serverId, at, data: { memoryMb, from: memory } });
      memory = memoryMb;
    };
    events.push({
      type: 'server.created',
      serverId,
      at,
      data: { ownerId: pick(options.owners), templateId: pick(options.templates), memoryMb: memory },
    });
    for (;;) {
      // Gaps from a few seconds to two days, with odd milliseconds so nothing falls on a round hour.
      at += 1 + Math.floor(rnd() ** 3 * 2 * DAY);
      if (at >= end) break;
      const roll = rnd();
      if (phase === 'archived') {
        if (roll < 0.5) {
          events.push({ type: 'server.phase_changed', serverId, at, data: { from: 'archived', to: 'active', reason: 'restored' } });
          phase = 'active';
        }
      } else if (phase === 'sleep') {
        if (roll < 0.6) {
          events.push({ type: 'server.phase_changed', serverId, at, data: { from: 'sleep', to: 'active', reason: 'player_joined' } });
          events.push({ type: 'server.started', serverId, at: at + 1500, data: {} });
          phase = 'active';
          running = true;
          at += 1500;
        } else if (roll < 0.75) {
          events.push({
            type: 'server.phase_changed',
            serverId,
            at,
            data: { from: 'sleep', to: 'archived', reason: 'idle', archiveMb: 200 + Math.floor(rnd() * 4000) },
          });
          phase = 'archived';
        }
      } else if (running) {
        if (roll < 0.5) {
          events.push(
            roll < 0.4
              ? { type: 'server.stopped', serverId, at, data: {} }
              : { type: 'server.crashed', serverId, at, data: { exitCode: 1 } },
          );
          running = false;
        } else if (roll < 0.7) {
          events.push({ type: 'server.stopped', serverId, at, data: {} });
          events.push({ type: 'server.phase_changed', serverId, at: at + 10, data: { from: 'active', to: 'sleep', reason: 'empty' } });
          running = false;
          phase = 'sleep';
          at += 10;
        } else if (roll < 0.8) resize(pick([1024, 2048, 4096]));
      } else if (roll < 0.7) {
        events.push({ type: 'server.started', serverId, at, data: {} });
        running = true;
      } else if (roll < 0.8) resize(pick([768, 1024, 2048]));
      else if (roll < 0.85 && i % 7 === 0) {
        events.push({ type: 'server.deleted', serverId, at, data: {} });
        break;
      }
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

/** An exact fraction (BigInt numerator and denominator). */
class Fraction {
  constructor(
    readonly n: bigint,
    readonly d: bigint,
  ) {}
  plus(o: Fraction): Fraction {
    const n = this.n * o.d + o.n * this.d;
    const d = this.d * o.d;
    const g = gcd(n < 0n ? -n : n, d);
    return new Fraction(n / g, d / g);
  }
  floor(): bigint {
    return this.n / this.d;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}

/**
 * What each owner owes up to `endMs`, in whole cents (rounded down once, over everything): the
 * active price per GB-hour while active and running, the sleep price per GB-month (30 days) while
 * asleep, the archive price per GB-month of archive size while archived.
 */
export function expectedCents(
  events: HistoryEvent[],
  prices: Prices,
  endMs: number,
  only?: { phase: string; allOwners: true },
): Map<string, bigint> {
  const hourMs = 3_600_000n;
  const monthMs = 30n * 24n * hourMs;
  const owed = new Map<string, Fraction>();
  const servers = new Map<
    string,
    { owner: string; template: string; memory: number; archive: number; running: boolean; phase: string; since: number; gone: boolean }
  >();
  const close = (s: NonNullable<ReturnType<typeof servers.get>>, until: number) => {
    const ms = BigInt(until - s.since);
    let cost: Fraction | null = null;
    // cents = price(micro-cents) / 1e6 × GB × hours (or months)
    if (s.phase === 'active' && s.running)
      cost = new Fraction(BigInt(prices.active[s.template]!) * BigInt(s.memory) * ms, 1_000_000n * 1024n * hourMs);
    else if (s.phase === 'sleep') cost = new Fraction(BigInt(prices.sleep) * BigInt(s.memory) * ms, 1_000_000n * 1024n * monthMs);
    else if (s.phase === 'archived') cost = new Fraction(BigInt(prices.archived) * BigInt(s.archive) * ms, 1_000_000n * 1024n * monthMs);
    if (only && s.phase !== only.phase) cost = null;
    const key = only?.allOwners ? '*' : s.owner;
    if (cost) owed.set(key, (owed.get(key) ?? new Fraction(0n, 1n)).plus(cost));
    s.since = until;
  };
  for (const e of events) {
    if (e.at > endMs) break;
    if (e.type === 'server.created') {
      servers.set(e.serverId, {
        owner: e.data.ownerId as string,
        template: e.data.templateId as string,
        memory: e.data.memoryMb as number,
        archive: 0,
        running: false,
        phase: 'active',
        since: e.at,
        gone: false,
      });
      continue;
    }
    const s = servers.get(e.serverId)!;
    if (s.gone) continue;
    close(s, e.at);
    if (e.type === 'server.started') s.running = true;
    if (e.type === 'server.stopped' || e.type === 'server.crashed') s.running = false;
    if (e.type === 'server.phase_changed') {
      s.phase = e.data.to as string;
      if (typeof e.data.archiveMb === 'number') s.archive = e.data.archiveMb;
    }
    if (e.type === 'server.memory_changed') s.memory = e.data.memoryMb as number;
    if (e.type === 'server.deleted') s.gone = true;
  }
  for (const s of servers.values()) if (!s.gone) close(s, endMs);
  return new Map([...owed].map(([owner, f]) => [owner, f.floor()]));
}
