import { z } from 'zod';

export const teamsConfigSchema = z.object({
  /** The per-server keys the built-in member role holds on the team's servers (unknown keys are ignored). */
  memberPermissions: z
    .array(z.string().max(100))
    .max(100)
    .default(['file.read', 'players.read', 'activity.read', 'backup.read', 'schedule.read']),
  /** How long an invite link works. */
  inviteTtlDays: z.number().int().min(1).max(90).default(7),
});
export type TeamsConfig = z.output<typeof teamsConfigSchema>;
