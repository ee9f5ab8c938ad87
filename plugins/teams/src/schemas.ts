import { z } from 'zod';
import { roleName } from './roles.js';

export const teamParams = z.object({ teamId: z.uuid({ error: 'expected a team id' }) });
export const memberParams = teamParams.extend({ userId: z.string().min(1).max(64) });
export const roleParams = teamParams.extend({ roleId: z.uuid({ error: 'expected a role id' }) });
export const teamServerParams = teamParams.extend({ serverId: z.string().min(1).max(64) });

const name = z.string().trim().min(1).max(100);
export const teamBody = z.strictObject({ name });
export const roleChangeBody = z.strictObject({ role: roleName });
export const transferBody = z.strictObject({
  userId: z.string().min(1).max(64).describe('The member who becomes an owner; you become an admin'),
});
const permissions = z
  .array(z.string().max(100))
  .min(1)
  .max(100)
  .describe('Per-server permission keys such as control.console or file.* (GET /api/auth/permission-keys)');
export const roleBody = z.strictObject({ name: z.string().trim().min(1).max(64), permissions });
export const rolePatch = z
  .strictObject({ name: roleBody.shape.name.optional(), permissions: permissions.optional() })
  .refine((b) => Object.keys(b).length > 0, { error: 'nothing to change' });
export const serverRelease = z.strictObject({
  ownerId: z.string().min(1).max(64).optional().describe('The member who gets the server; you when left out'),
});

export const teamView = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  role: z.string().describe('Your role: owner, admin, member or a custom role id'),
});
export const memberView = z.object({ userId: z.string(), email: z.string().nullable(), role: z.string(), joinedAt: z.string() });
export const roleView = z.object({ id: z.string(), name: z.string(), permissions: z.array(z.string()), createdAt: z.string() });
export type TeamView = z.output<typeof teamView>;
export type MemberView = z.output<typeof memberView>;
export type RoleView = z.output<typeof roleView>;

export const inviteView = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  invitedBy: z.string(),
  status: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type InviteView = z.output<typeof inviteView>;
/** What the invite link shows before anyone signs in. */
export const invitePreview = z.object({
  teamName: z.string(),
  email: z.string(),
  role: z.string(),
  expiresAt: z.string(),
  accountExists: z.boolean(),
});
export type InvitePreview = z.output<typeof invitePreview>;
export const activityQuery = z.strictObject({
  before: z.coerce.number().int().positive().optional().describe('Cursor: the smallest id of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
