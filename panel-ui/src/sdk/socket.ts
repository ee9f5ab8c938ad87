import { io, type Socket } from 'socket.io-client';

/**
 * A socket.io connection to a plugin's namespace (`/<plugin name>`, see `sockets` in
 * docs/plugins.md), signed in with the person's session cookie like the rest of the panel.
 * Each call opens its own connection; close it when the component unmounts.
 */
export function pluginSocket(namespace: string): Socket {
  return io(namespace.startsWith('/') ? namespace : `/${namespace}`, { withCredentials: true });
}
