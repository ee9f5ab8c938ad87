import { pluginSocket } from '@conductor/panel-sdk';
import type { Progress, ProgressMessage } from './types.js';

/** Watches one server's installs on the panel's `/marketplace` namespace; returns a function that stops. */
export function watchInstalls(serverId: string, onProgress: (p: Progress) => void): () => void {
  const socket = pluginSocket('/marketplace');
  socket.on('connect', () => socket.emit('marketplace:watch', { serverId }));
  socket.on('marketplace:progress', (p: ProgressMessage) => {
    if (p.serverId === serverId) onProgress(p);
  });
  return () => socket.close();
}
