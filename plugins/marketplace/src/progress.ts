import type { Namespace } from 'socket.io';

export const MARKETPLACE_SOCKET = { watch: 'marketplace:watch', unwatch: 'marketplace:unwatch', progress: 'marketplace:progress' } as const;

export interface ProgressUpdate {
  phase: 'resolving' | 'downloading' | 'placing' | 'restarting' | 'done';
  done: number;
  total: number;
  file?: string;
}

export const room = (serverId: string) => `marketplace:${serverId}`;

/** Pushes an install's steps to the people watching that server on the /marketplace namespace. */
export class InstallProgress {
  private namespace: Namespace | null = null;

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  send(serverId: string, update: ProgressUpdate): void {
    this.namespace?.to(room(serverId)).emit(MARKETPLACE_SOCKET.progress, { serverId, ...update });
  }
}
