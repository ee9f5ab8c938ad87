/** The teams API's shapes, as the pages use them. */
export interface Team {
  id: string;
  name: string;
  createdAt: string;
  role: string;
}

export interface Member {
  userId: string;
  email: string | null;
  role: string;
  joinedAt: string;
}

export interface TeamRole {
  id: string;
  name: string;
  permissions: string[];
}

export interface Invite {
  id: string;
  email: string;
  role: string;
  expiresAt: string;
}

export const BUILT_IN_ROLES = ['owner', 'admin', 'member'] as const;

/** Owners and admins manage the team; everyone else reads it. */
export const manages = (role: string) => role === 'owner' || role === 'admin';

const CURRENT = 'conductor.team';

/** The team the switcher last chose, kept per browser. */
export const currentTeam = {
  get: (): string | null => localStorage.getItem(CURRENT),
  set: (id: string): void => localStorage.setItem(CURRENT, id),
};
