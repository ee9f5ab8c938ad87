import { createAuthorizer, dropRevokedViewers, type Cradle } from '@conductor/core';
import type { Namespace } from 'socket.io';
import type { ProgressMessage, ProgressUpdate } from './views.js';

export const MARKETPLACE_SOCKET = { watch: 'marketplace:watch', unwatch: 'marketplace:unwatch', progress: 'marketplace:progress' } as const;

export type { ProgressUpdate } from './views.js';

export const room = (serverId: string) => `marketplace:${serverId}`;

/** Pushes an install's steps to the people watching that server on the /marketplace namespace. */
export class InstallProgress {
  private namespace: Namespace | null = null;

  constructor(private readonly deps: Pick<Cradle, 'hooks'>) {}

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** A user whose keys on the server changed stops getting its progress unless they still hold marketplace.read. */
  async dropRevoked(serverId: string, userId: string): Promise<number> {
    if (!this.namespace) return 0;
    return dropRevokedViewers(this.namespace, {
      room: room(serverId),
      serverId,
      userId,
      permission: 'marketplace.read',
      event: MARKETPLACE_SOCKET.watch,
      authorize: createAuthorizer(this.deps.hooks),
    });
  }

  send(serverId: string, update: ProgressUpdate): void {
    const message: ProgressMessage = { serverId, ...update };
    this.namespace?.to(room(serverId)).emit(MARKETPLACE_SOCKET.progress, message);
  }
}
