import type { ActivityLog, Executor, Principal } from '@conductor/core';
import { teamOwnerId } from './access.js';

/** The team's own activity log lives in core's log under the team's subject (no server has such an id). */
export function recordTeamActivity(
  log: ActivityLog,
  trx: Executor,
  teamId: string,
  actor: Principal,
  action: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  return log.record({ serverId: teamOwnerId(teamId), actor, action, data }, trx);
}
