import { AppError } from '@conductor/core';

/** One change to a server's plugins at a time (in this panel): a second is refused, not queued. */
export class ServerLocks {
  private readonly held = new Set<string>();

  async run<T>(serverId: string, work: () => Promise<T>): Promise<T> {
    if (this.held.has(serverId)) throw new AppError(409, 'marketplace_busy', 'Another install, update or removal is running on this server; try again when it is done');
    this.held.add(serverId);
    try {
      return await work();
    } finally {
      this.held.delete(serverId);
    }
  }
}
