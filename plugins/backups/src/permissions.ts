import type { PermissionGroupDeclaration } from '@conductor/core';

/** The backups plugin's per-server keys: backups, and their schedules. */
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
  {
    group: 'schedule',
    label: { en: 'Backup schedules', de: 'Backup-Zeitpläne' },
    keys: [
      { action: 'read', label: { en: 'See schedules', de: 'Zeitpläne sehen' } },
      { action: 'create', label: { en: 'Create schedules', de: 'Zeitpläne anlegen' }, implies: ['schedule.read'] },
      { action: 'update', label: { en: 'Change schedules', de: 'Zeitpläne ändern' }, implies: ['schedule.read'] },
      { action: 'delete', label: { en: 'Delete schedules', de: 'Zeitpläne löschen' }, implies: ['schedule.read'] },
    ],
  },
];
