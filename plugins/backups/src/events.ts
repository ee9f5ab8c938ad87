import { z } from 'zod';
import { defineEvents, type EventDataOf } from '@conductor/core';

const origin = z.enum(['manual', 'schedule', 'bulk', 'before_delete', 'before_install', 'archive']).describe('What asked for the backup');
const target = z.string().describe("The backup target id, or `local` for the node's own disk");

/** The backups plugin's events. */
export const backupEvents = defineEvents({
  'backup.created': {
    description: 'A backup finished and its archive is verified',
    data: z.strictObject({ backupId: z.string(), name: z.string(), sizeBytes: z.number().int(), sha256: z.string(), target, origin }),
  },
  'backup.failed': {
    description: 'A backup failed; nothing of it is kept',
    data: z.strictObject({
      backupId: z.string(),
      name: z.string(),
      code: z.string().describe('The error code, such as backup_target_full'),
      reason: z.string(),
      target,
      origin,
    }),
  },
  'backup.deleted': {
    description: 'A backup and its archive were deleted (by hand or by rotation)',
    data: z.strictObject({ backupId: z.string(), name: z.string(), origin }),
  },
  'backup.restored': {
    description: 'A backup was restored into a server (its own or, for admins, another)',
    data: z.strictObject({
      backupId: z.string(),
      name: z.string(),
      sourceServerId: z.string().describe('The server the backup was made of'),
      target,
    }),
  },
  'backup.restore_failed': {
    description: 'A restore failed; the server keeps its files',
    data: z.strictObject({ backupId: z.string(), sourceServerId: z.string(), reason: z.string() }),
  },
});

declare module '@conductor/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventTypes extends EventDataOf<typeof backupEvents> {}
}
