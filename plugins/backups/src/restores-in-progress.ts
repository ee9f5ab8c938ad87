import { conflict, type Cradle, type Executor, type Transaction } from '@conductor/core';
import type { Clock } from './clock.js';

type Deps = Pick<Cradle, 'db' | 'serverLocks'> & { backupClock: Clock };

/** How often the panel running a restore renews its row, and when a row nobody renews lapses. */
const HEARTBEAT_MS = 30_000;
const LAPSED_AFTER_MS = 2 * 60_000;

/**
 * Servers whose files a restore is swapping, in the database so every panel on it sees them. A
 * backup started meanwhile would archive a half-swapped folder, so backups and restores both look
 * here.
 */
export class RestoresInProgress {
  constructor(private readonly deps: Deps) {}

  async has(serverId: string, executor: Executor = this.deps.db): Promise<boolean> {
    return Boolean(
      await executor('backup_restores').where({ server_id: serverId }).where('heartbeat_at', '>', this.lapsedBefore()).first(),
    );
  }

  /**
   * Books the server for the length of `work`, under the server's lock so two panels cannot both
   * pass: refused with restore_in_progress when another restore holds it, and by `check` (which
   * sees the same transaction) for anything else that must not run alongside.
   */
  async during<T>(
    serverId: string,
    work: () => Promise<T>,
    options: { backupId?: string; check?: (trx: Transaction) => Promise<void> } = {},
  ): Promise<T> {
    await this.deps.db.transaction(async (trx) => {
      await this.deps.serverLocks.hold(serverId, trx);
      if (await this.has(serverId, trx)) throw conflict('restore_in_progress', 'A restore of this server is already running');
      await options.check?.(trx);
      await trx('backup_restores').where({ server_id: serverId }).delete(); // a lapsed row of a stopped panel
      await trx('backup_restores').insert({
        server_id: serverId,
        backup_id: options.backupId ?? '',
        heartbeat_at: this.deps.backupClock.now(),
      });
    });
    const heartbeat = setInterval(() => {
      this.deps
        .db('backup_restores')
        .where({ server_id: serverId })
        .update({ heartbeat_at: this.deps.backupClock.now() })
        .catch(() => undefined); // the next beat tries again; a lapse only lets the next restore in early
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      return await work();
    } finally {
      clearInterval(heartbeat);
      await this.deps.db('backup_restores').where({ server_id: serverId }).delete();
    }
  }

  private lapsedBefore(): Date {
    return new Date(this.deps.backupClock.now().getTime() - LAPSED_AFTER_MS);
  }
}
