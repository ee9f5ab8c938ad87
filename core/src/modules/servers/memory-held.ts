import type { ServerPhase } from '../../protocol/edge.js';

/** How a scaled cluster frees sleepers' memory (`memory_freed_asleep`); absent: never. */
export interface SleepFreesMemory {
  /** Minutes a server must have slept before its memory stops counting on its node. */
  afterMinutes: number;
}

/**
 * Whether a server's memory counts toward its node. The one rule for core's accounting
 * (`ServerRepository.committed`, so placement and a wake's room check) and the fleet simulator.
 * An archived server slept for days before it was archived, so it is always past the grace; a
 * sleeper with no recorded phase time is treated likewise.
 */
export function holdsMemory(
  server: { phase: ServerPhase; phaseSinceMs: number | null },
  freed: SleepFreesMemory | undefined,
  nowMs: number,
): boolean {
  if (!freed || (server.phase !== 'sleep' && server.phase !== 'archived')) return true;
  if (server.phase === 'archived' || server.phaseSinceMs === null) return false;
  return nowMs - server.phaseSinceMs < freed.afterMinutes * 60_000;
}
