import type { PermissionGroupDeclaration } from '@conductor/core';

/** The backups plugin's per-server keys. */
export const backupPermissions: PermissionGroupDeclaration[] = [
  {
    group: 'backup',
    label: { en: 'Backups', de: 'Backups' },
    keys: [
      { action: 'read', label: { en: 'See backups', de: 'Backups sehen' } },
      { action: 'create', label: { en: 'Make backups', de: 'Backups anlegen' }, implies: ['backup.read'] },
      { action: 'restore', label: { en: 'Restore backups', de: 'Backups wiederherstellen' }, implies: ['backup.read'] },
      { action: 'delete', label: { en: 'Delete backups', de: 'Backups löschen' }, implies: ['backup.read'] },
      { action: 'download', label: { en: 'Download backups', de: 'Backups herunterladen' }, implies: ['backup.read'] },
    ],
  },
  // Schedule keys (schedule.read, schedule.manage) are core's schedules module's now.
];
