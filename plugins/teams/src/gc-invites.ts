import type { InviteRepository } from './invites-repo.js';

type GcItem = { kind: string; nodeId: string; id: string; detail: string; reaped: boolean };

/** The same kind as core's expired tokens, so the report reads as one list. */
const KIND = 'expired_token';
const PREFIX = 'team_invite:';

/** Garbage collection's view of team invites: pending ones past their expiry (answered ones are the team's history). */
export async function expiredInvites(repo: InviteRepository, items: GcItem[], now: Date): Promise<GcItem[]> {
  return [
    ...items,
    ...(await repo.expiredPending(now)).map((i) => ({
      kind: KIND,
      nodeId: 'panel',
      id: `${PREFIX}${i.id}`,
      detail: `team invite to team ${i.teamId}, expired ${i.expiresAt}`,
      reaped: false,
    })),
  ];
}

export async function reapExpiredInvite(repo: InviteRepository, item: GcItem, now: Date): Promise<{ reaped: true } | undefined> {
  if (item.kind !== KIND || !item.id.startsWith(PREFIX)) return undefined;
  if (!(await repo.removeExpired(item.id.slice(PREFIX.length), now))) throw new Error(`${item.id} is no longer an expired invite`);
  return { reaped: true };
}
