import { z } from 'zod';

/** The built-in roles; a member may instead hold one of the team's custom roles (by its id). */
export const BUILT_IN_ROLES = ['owner', 'admin', 'member'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

/** A role as the API names it: a built-in name, or a custom role's id. */
export const roleName = z.union([
  z.enum(BUILT_IN_ROLES),
  z.uuid({ error: "expected owner, admin, member or the id of one of the team's roles" }),
]);

/** What a member may do to the team itself; per-server keys are separate (see TeamAccess). */
export type TeamAbility = 'read' | 'manage' | 'own';

const RANK: Record<TeamAbility, number> = { read: 0, manage: 1, own: 2 };

/** Owners do everything; admins manage members, invites, roles and servers; everyone else reads. */
export function abilityOf(role: string): TeamAbility {
  return role === 'owner' ? 'own' : role === 'admin' ? 'manage' : 'read';
}

export function allows(role: string, needed: TeamAbility): boolean {
  return RANK[abilityOf(role)] >= RANK[needed];
}
