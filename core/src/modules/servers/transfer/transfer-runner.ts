import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { TransferRepository } from './transfer-repository.js';

/**
 * This panel process as the runner of transfers and drains: its id on their rows, the heartbeat
 * that says it still runs them, and the signal that it is going away. A panel that stops leaves
 * its rows running and quiet, and another panel (or itself, restarted) winds them up once their
 * heartbeat is older than `staleMs`.
 */
export class TransferRunner {
  readonly id = randomUUID();
  readonly staleMs: number;
  private readonly leaving = new AbortController();
  private readonly deps: { transferRepository: TransferRepository; logger: Logger };
  private timer: NodeJS.Timeout | null = null;

  constructor(deps: TransferRunner['deps'] & { transferStaleMs: number }) {
    this.deps = deps;
    this.staleMs = deps.transferStaleMs;
  }

  /** Aborted when the panel stops. */
  get signal(): AbortSignal {
    return this.leaving.signal;
  }

  /**
   * Beats a few times per stale period, so one slow beat does not make live work look abandoned,
   * and at least every second: the beat is also how a cancel asked through another panel arrives.
   */
  start(onCancelRequested: (serverId: string) => void): void {
    this.timer = setInterval(
      () => {
        this.deps.transferRepository.beat(this.id).then(
          (cancelled) => cancelled.forEach(onCancelRequested),
          (err: unknown) => this.deps.logger.warn({ err }, 'could not record the transfers heartbeat'),
        );
      },
      Math.min(this.staleMs / 4, 1_000),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.leaving.abort(new Error('The panel is stopping'));
  }
}
