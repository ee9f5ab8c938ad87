import { randomUUID } from 'node:crypto';
import { AppError, type Database } from '@conductor/core';

/** A holder that has not let go for this long died with its panel; the server is free again. */
const STALE_MS = 30 * 60_000;

/**
 * One change to a server's plugins at a time: a row per server in the database, so panels
 * sharing it agree. A second change is refused, not queued.
 */
export class InstallLocks {
  constructor(private readonly deps: { db: Database }) {}

  async run<T>(serverId: string, work: () => Promise<T>): Promise<T> {
    const { db } = this.deps;
    const holder = randomUUID();
    const now = new Date();
    await db('marketplace_server_locks')
      .where('server_id', serverId)
      .andWhere('taken_at', '<', new Date(now.getTime() - STALE_MS))
      .delete();
    await db('marketplace_server_locks').insert({ server_id: serverId, holder, taken_at: now }).onConflict('server_id').ignore();
    const mine = (await db('marketplace_server_locks').where({ server_id: serverId, holder }).first()) !== undefined;
    if (!mine)
      throw new AppError(
        409,
        'marketplace_busy',
        'Another install, update or removal is running on this server; try again when it is done',
      );
    try {
      return await work();
    } finally {
      await db('marketplace_server_locks').where({ server_id: serverId, holder }).delete();
    }
  }
}
