/**
 * A sleeping server's move to another node before its wake (its files from one agent to another
 * through the panel), measured by sleep-frees-memory.test.ts on one shared 2-core machine:
 * 64 MiB in 3.4-4.2 s and 512 MiB in 28.7-38.0 s, so about 17 MiB/s and under a second of fixed
 * cost (rounded up to 1 s). The fleet simulator prices moves with the same figures.
 */
export const MEASURED_MOVE_OVERHEAD_SECONDS = 1;
export const MEASURED_COPY_MB_PER_SECOND = 17;

/** Seconds a move of this many bytes of files is expected to take. */
export function moveSecondsFor(bytes: number): number {
  return Math.ceil(MEASURED_MOVE_OVERHEAD_SECONDS + bytes / 1_048_576 / MEASURED_COPY_MB_PER_SECOND);
}
