import { i18n } from '../i18n/index.js';
import { formatDateTimeSeconds } from './format.js';
import type { NodeStatus, Server, ServerState } from './types.js';

/** A node the panel's checks found not answering: what the panel knows of its servers is the last known state. */
export const nodeIsDown = (status: NodeStatus | undefined) => status === 'down' || status === 'lost';

/**
 * What a server's state badge says: suspension and an unreachable node come before the last known
 * state, and a stopped server that crashed or failed to install or start says which.
 */
export function badgeState(server: Pick<Server, 'suspended' | 'nodeStatus' | 'failure'>, state: ServerState): string {
  if (server.suspended) return 'suspended';
  if (nodeIsDown(server.nodeStatus)) return 'unreachable';
  return state === 'offline' && server.failure ? server.failure.kind : state;
}

/** "Last exit: code 137 (out of memory), unexpected, at …" for the server page. */
export function describeLastExit(exit: NonNullable<Server['lastExit']>): string {
  const { t } = i18n.global;
  const how = exit.oomKilled ? t('failure.lastExitOom') : exit.expected ? t('failure.lastExitAsked') : t('failure.lastExitUnasked');
  return t('failure.lastExit', { code: exit.code, how, time: formatDateTimeSeconds(exit.at) });
}
