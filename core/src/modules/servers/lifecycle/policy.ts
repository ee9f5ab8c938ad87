import { z } from 'zod';

/** When a server sleeps and how it shows while asleep. */
export const sleepPolicy = z.object({
  /** Sleep at all; on by default, because an empty server that runs is what costs a hoster money. */
  enabled: z.boolean(),
  /** Minutes with no players before the server is saved, stopped and put to sleep. */
  emptyMinutes: z.number().int().min(0).max(10_080),
  /** A server that was just started stays up at least this long, players or not. */
  minOnlineMinutes: z.number().int().min(0).max(10_080),
  /** A status ping alone wakes it (off: only a login does). */
  wakeOnPing: z.boolean(),
  /** Second MOTD line the edge proxy shows while it sleeps. */
  sleepingLine: z
    .string()
    .max(256)
    .regex(/^[^\r\n\0]*$/, { error: 'must be a single line' }),
  /** Days asleep before the files go to the remote backup target and leave the node; null: never. */
  archiveAfterDays: z.number().int().min(1).max(3650).nullable(),
  /**
   * The edge proxy sends a PROXY protocol v2 header to the game, so it sees players' own
   * addresses; the game must expect it (Paper's proxy-protocol setting), and the agent's own
   * pings then send one too. Off by default.
   */
  proxyProtocol: z.boolean(),
});
export type SleepPolicy = z.output<typeof sleepPolicy>;

export const DEFAULT_SLEEP_POLICY: SleepPolicy = {
  enabled: true,
  emptyMinutes: 5,
  minOnlineMinutes: 10,
  wakeOnPing: false,
  sleepingLine: '§7sleeping §8— §ajoin to wake it',
  archiveAfterDays: 14,
  proxyProtocol: false,
};

/**
 * The sleep worker's rule, pure so the fleet simulator runs the same one: empty for the policy's
 * minutes and up for its minimum (a server with no start time counts as just started).
 */
export function dueToSleep(
  policy: Pick<SleepPolicy, 'enabled' | 'emptyMinutes' | 'minOnlineMinutes'>,
  server: { emptySinceMs: number | null; runningSinceMs: number | null },
  nowMs: number,
): boolean {
  if (!policy.enabled || server.emptySinceMs === null) return false;
  const upFor = server.runningSinceMs === null ? 0 : nowMs - server.runningSinceMs;
  return nowMs - server.emptySinceMs >= policy.emptyMinutes * 60_000 && upFor >= policy.minOnlineMinutes * 60_000;
}

/** Body of `PUT /api/servers/:id/sleep-policy`: any subset; the rest keeps its value. */
export const sleepPolicyPatch = sleepPolicy.partial().strict();

/** An empty running server on a full node, as a wake weighs putting it to sleep early. */
export interface IdleServer {
  id: string;
  memoryMb: number;
  emptySinceMs: number;
  /** Its own sleep policy lets it sleep at all. */
  sleepEnabled: boolean;
}

/**
 * The empty running servers a wake puts to sleep early so that it fits on its own node: a move
 * would keep its players waiting for the copy, while nobody is on these (a join to one later
 * wakes it in the start time). Longest empty first, only those whose policy lets them sleep, until
 * `needMb` is freed; none when all of them together cannot free it. Pure, so the fleet simulator
 * runs the same rule.
 */
export function idleToMakeRoom(idle: IdleServer[], needMb: number): string[] {
  const chosen: string[] = [];
  let freedMb = 0;
  for (const s of [...idle].filter((i) => i.sleepEnabled).sort((a, b) => a.emptySinceMs - b.emptySinceMs)) {
    if (freedMb >= needMb) break;
    chosen.push(s.id);
    freedMb += s.memoryMb;
  }
  return freedMb >= needMb ? chosen : [];
}
