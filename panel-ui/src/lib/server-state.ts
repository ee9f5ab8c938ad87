import type { NodeStatus, Server, ServerState } from './types.js';

/** A node the panel's checks found not answering: what the panel knows of its servers is the last known state. */
export const nodeIsDown = (status: NodeStatus | undefined) => status === 'down' || status === 'lost';

/** What a server's state badge says: suspension and an unreachable node come before the last known state. */
export function badgeState(server: Pick<Server, 'suspended' | 'nodeStatus'>, state: ServerState): string {
  if (server.suspended) return 'suspended';
  return nodeIsDown(server.nodeStatus) ? 'unreachable' : state;
}
