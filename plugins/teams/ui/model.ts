/** The teams API's shapes, from the plugin's own zod schemas (type-only: erased from the bundle). */
export type { TeamView as Team, MemberView as Member, RoleView as TeamRole, InviteView as Invite, InvitePreview } from '../src/schemas.js';

export const BUILT_IN_ROLES = ['owner', 'admin', 'member'] as const;

/** Owners and admins manage the team; everyone else reads it. */
export const manages = (role: string) => role === 'owner' || role === 'admin';

const CURRENT = 'conductor.team';

/** The team the switcher last chose, kept per browser. */
export const currentTeam = {
  get: (): string | null => localStorage.getItem(CURRENT),
  set: (id: string): void => localStorage.setItem(CURRENT, id),
};
