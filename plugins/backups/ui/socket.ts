import { pluginSocket } from '@conductor/panel-sdk';
import type { BackupUpdate } from './types.js';

/** Watches one server's backups on the panel's `/backups` namespace; returns a function that stops. */
export function watchBackups(serverId: string, onUpdate: (u: BackupUpdate) => void): () => void {
  const socket = pluginSocket('/backups');
  const watch = () => socket.emit('backups:watch', { serverId });
  socket.on('connect', watch);
  socket.on('backups:update', (u: BackupUpdate) => {
    if (u.serverId === serverId) onUpdate(u);
  });
  return () => socket.close();
}
