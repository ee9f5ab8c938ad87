import { createAuthorizer, dropRevokedViewers, type Cradle } from '@conductor/core';
import type { Namespace } from 'socket.io';
import type { BackupUpdate } from './schema.js';

/** socket.io events of the `/backups` namespace. */
export const BACKUPS_SOCKET = {
  /** client → panel: { serverId }, acknowledged with { ok: true } once joined. */
  watch: 'backups:watch',
  unwatch: 'backups:unwatch',
  /** panel → client: BackupUpdate */
  update: 'backups:update',
} as const;

export type { BackupUpdate } from './schema.js';

/** Streams backup progress to the panel pages watching a server; nothing is kept. */
export class BackupProgressRelay {
  private namespace: Namespace | null = null;

  constructor(private readonly deps: Pick<Cradle, 'hooks'>) {}

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  publish(update: BackupUpdate): void {
    this.namespace?.to(room(update.serverId)).emit(BACKUPS_SOCKET.update, update);
  }

  /** A user whose keys on the server changed stops getting its updates unless they still hold backup.read. */
  async dropRevoked(serverId: string, userId: string): Promise<number> {
    if (!this.namespace) return 0;
    return dropRevokedViewers(this.namespace, {
      room: room(serverId),
      serverId,
      userId,
      permission: 'backup.read',
      event: BACKUPS_SOCKET.watch,
      authorize: createAuthorizer(this.deps.hooks),
    });
  }
}

export const room = (serverId: string) => `backups:${serverId}`;
