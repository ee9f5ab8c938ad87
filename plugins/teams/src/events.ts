import { z } from 'zod';
import { defineEvents, type EventDataOf } from '@conductor/core';

const teamId = z.string().describe('The team');
const userId = z.string().describe('The account concerned');
const role = z.string().describe('owner, admin, member or a custom role id');

/** The teams plugin's events; each names its team (events carry a server id only for server moves). */
export const teamEvents = defineEvents({
  'team.created': { description: 'A team was created; its creator is its first owner', data: z.strictObject({ teamId, name: z.string() }) },
  'team.renamed': { description: 'A team got a new name', data: z.strictObject({ teamId, name: z.string() }) },
  'team.deleted': { description: 'A team without servers was deleted', data: z.strictObject({ teamId }) },
  'team.member_added': { description: 'An account joined a team', data: z.strictObject({ teamId, userId, role }) },
  'team.member_role_changed': { description: "A member's role changed", data: z.strictObject({ teamId, userId, from: role, to: role }) },
  'team.member_removed': {
    description: 'A member was removed from a team, or left it',
    data: z.strictObject({ teamId, userId, left: z.boolean().describe('The member left on their own') }),
  },
  'team.ownership_transferred': {
    description: 'An owner handed the team to another member (and became an admin)',
    data: z.strictObject({ teamId, from: userId, to: userId }),
  },
  'team.role_created': {
    description: 'A team got a custom role',
    data: z.strictObject({ teamId, roleId: z.string(), name: z.string(), permissions: z.array(z.string()) }),
  },
  'team.role_updated': {
    description: "A custom role's name or keys changed",
    data: z.strictObject({ teamId, roleId: z.string(), name: z.string(), permissions: z.array(z.string()) }),
  },
  'team.role_deleted': { description: 'A custom role nobody held was deleted', data: z.strictObject({ teamId, roleId: z.string() }) },
  'team.server_added': {
    description: 'A server now belongs to a team (created for it, or moved in)',
    data: z.strictObject({ teamId, created: z.boolean() }),
  },
  'team.server_removed': {
    description: 'A server left its team and was given to one of its members',
    data: z.strictObject({ teamId, ownerId: userId }),
  },
  'team.invite_sent': {
    description: 'An invite to a team was mailed',
    data: z.strictObject({ teamId, inviteId: z.string(), email: z.string(), role }),
  },
  'team.invite_accepted': {
    description: 'The invited account accepted an invite',
    data: z.strictObject({ teamId, inviteId: z.string(), email: z.string() }),
  },
  'team.invite_declined': {
    description: 'An invite was declined',
    data: z.strictObject({ teamId, inviteId: z.string(), email: z.string() }),
  },
  'team.invite_revoked': {
    description: 'An invite was withdrawn before it was answered',
    data: z.strictObject({ teamId, inviteId: z.string(), email: z.string() }),
  },
});

declare module '@conductor/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventTypes extends EventDataOf<typeof teamEvents> {}
}
