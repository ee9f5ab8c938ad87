/**
 * Hook kinds, after Strapi's hooks.ts and tapable:
 * - series:    every tap runs, one after the other;
 * - parallel:  every tap runs at once; the call waits for all;
 * - waterfall: each tap receives the previous tap's result and returns the next value;
 * - bail:      taps run in order until one returns something other than undefined.
 */
export type HookKind = 'series' | 'parallel' | 'waterfall' | 'bail';

export interface SeriesHook<A extends unknown[]> {
  kind: 'series';
  args: A;
}
export interface ParallelHook<A extends unknown[]> {
  kind: 'parallel';
  args: A;
}
export interface WaterfallHook<T, Extra extends unknown[] = []> {
  kind: 'waterfall';
  args: [T, ...Extra];
  value: T;
}
export interface BailHook<A extends unknown[], R> {
  kind: 'bail';
  args: A;
  result: R;
}

export type AnyHook = SeriesHook<unknown[]> | ParallelHook<unknown[]> | WaterfallHook<unknown, unknown[]> | BailHook<unknown[], unknown>;

/**
 * The registry of hook names and their shapes. The owner of a hook declares it by augmenting this
 * interface next to where it calls the hook:
 *
 *   declare module '@conductor/core' { interface HookTypes { 'server.beforeStart': BailHook<[StartRequest], Refusal> } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HookTypes {}

export type HookName = keyof HookTypes & string;
type HookOf<K extends HookName> = HookTypes[K] extends AnyHook ? HookTypes[K] : never;

type Awaitable<T> = T | Promise<T>;

export type TapFn<H> =
  H extends WaterfallHook<infer T, infer E>
    ? (value: T, ...extra: E) => Awaitable<T>
    : H extends BailHook<infer A, infer R>
      ? (...args: A) => Awaitable<R | undefined | void>
      : H extends SeriesHook<infer A>
        ? (...args: A) => Awaitable<void>
        : H extends ParallelHook<infer A>
          ? (...args: A) => Awaitable<void>
          : never;

export type CallResult<H> = H extends WaterfallHook<infer T, unknown[]> ? T : H extends BailHook<unknown[], infer R> ? R | undefined : void;

export interface TapOptions {
  /** Unique within the hook; other taps order themselves against it. */
  name: string;
  /** Run before these taps (by name). */
  before?: string | string[];
  /** Run after these taps (by name). */
  after?: string | string[];
  /** Coarse ordering: lower stages first; before/after refine within the whole list. */
  stage?: number;
}

interface Tap {
  name: string;
  owner: string;
  before: string[];
  after: string[];
  stage: number;
  seq: number;
  fn: (...args: unknown[]) => unknown;
}

interface HookEntry {
  name: string;
  kind: HookKind;
  owner: string;
  taps: Tap[];
  ordered: Tap[] | null;
}

export class HookError extends Error {
  override name = 'HookError';
}

export class HookBus {
  private readonly hooks = new Map<string, HookEntry>();
  private seq = 0;

  /** Declares a hook. Only its owner calls this, once, during register. */
  define<K extends HookName>(name: K, kind: HookOf<K>['kind'], owner = 'core'): void {
    const existing = this.hooks.get(name);
    if (existing) throw new HookError(`hook "${name}" is already declared by ${existing.owner}`);
    this.hooks.set(name, { name, kind, owner, taps: [], ordered: null });
  }

  has(name: string): boolean {
    return this.hooks.has(name);
  }

  tap<K extends HookName>(name: K, options: string | TapOptions, fn: TapFn<HookOf<K>>, owner = 'core'): () => void {
    const entry = this.hooks.get(name);
    if (!entry) throw new HookError(`hook "${name}" is not declared; the plugin that owns it must be a dependency of ${owner}`);
    const opts = typeof options === 'string' ? { name: options } : options;
    if (entry.taps.some((t) => t.name === opts.name)) throw new HookError(`hook "${name}" already has a tap named "${opts.name}"`);
    const tap: Tap = {
      name: opts.name,
      owner,
      before: toList(opts.before),
      after: toList(opts.after),
      stage: opts.stage ?? 0,
      seq: this.seq++,
      fn: fn as (...args: unknown[]) => unknown,
    };
    entry.taps.push(tap);
    entry.ordered = null;
    return () => {
      entry.taps = entry.taps.filter((t) => t !== tap);
      entry.ordered = null;
    };
  }

  /** Removes every tap a plugin made: used when the plugin is disabled after a failure. */
  removeTapsOf(owner: string): void {
    for (const entry of this.hooks.values()) {
      const before = entry.taps.length;
      entry.taps = entry.taps.filter((t) => t.owner !== owner);
      if (entry.taps.length !== before) entry.ordered = null;
    }
  }

  /** The taps of a hook in the order they run, for diagnostics and the admin API. */
  taps(name: string): string[] {
    const entry = this.hooks.get(name);
    return entry ? this.order(entry).map((t) => t.name) : [];
  }

  list(): Array<{ name: string; kind: HookKind; owner: string; taps: string[] }> {
    return [...this.hooks.values()].map((e) => ({ name: e.name, kind: e.kind, owner: e.owner, taps: this.order(e).map((t) => t.name) }));
  }

  /** Orders every hook now, so a cycle in before/after fails boot instead of the first call. */
  validate(): void {
    for (const entry of this.hooks.values()) this.order(entry);
  }

  async call<K extends HookName>(name: K, ...args: HookOf<K>['args']): Promise<CallResult<HookOf<K>>> {
    const entry = this.hooks.get(name);
    if (!entry) throw new HookError(`hook "${name}" is not declared`);
    const taps = this.order(entry);
    switch (entry.kind) {
      case 'series':
        for (const tap of taps) await tap.fn(...args);
        return undefined as CallResult<HookOf<K>>;
      case 'parallel':
        await Promise.all(taps.map((tap) => tap.fn(...args)));
        return undefined as CallResult<HookOf<K>>;
      case 'waterfall': {
        const [first, ...extra] = args as unknown[];
        let value = first;
        for (const tap of taps) value = await tap.fn(value, ...extra);
        return value as CallResult<HookOf<K>>;
      }
      case 'bail':
        for (const tap of taps) {
          const result = await tap.fn(...args);
          if (result !== undefined) return result as CallResult<HookOf<K>>;
        }
        return undefined as CallResult<HookOf<K>>;
    }
  }

  private order(entry: HookEntry): Tap[] {
    if (entry.ordered) return entry.ordered;
    entry.ordered = orderTaps(entry.name, entry.taps);
    return entry.ordered;
  }
}

function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * Topological order over before/after constraints; among taps that are free to go, the lowest
 * stage then the earliest registration goes first, so unconstrained taps keep a stable order.
 */
function orderTaps(hook: string, taps: Tap[]): Tap[] {
  const byName = new Map(taps.map((t) => [t.name, t]));
  const mustPrecede = new Map<Tap, Set<Tap>>(taps.map((t) => [t, new Set<Tap>()]));
  for (const tap of taps) {
    for (const later of tap.before) {
      const other = byName.get(later);
      if (other) mustPrecede.get(other)!.add(tap);
    }
    for (const earlier of tap.after) {
      const other = byName.get(earlier);
      if (other) mustPrecede.get(tap)!.add(other);
    }
  }
  const result: Tap[] = [];
  const placed = new Set<Tap>();
  while (result.length < taps.length) {
    const ready = taps
      .filter((t) => !placed.has(t) && [...mustPrecede.get(t)!].every((p) => placed.has(p)))
      .sort((a, b) => a.stage - b.stage || a.seq - b.seq);
    if (ready.length === 0) {
      const stuck = taps.filter((t) => !placed.has(t)).map((t) => t.name);
      throw new HookError(`taps of hook "${hook}" order themselves in a cycle: ${stuck.join(', ')}`);
    }
    placed.add(ready[0]!);
    result.push(ready[0]!);
  }
  return result;
}
