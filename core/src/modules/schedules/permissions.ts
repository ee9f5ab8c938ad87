import type { PermissionGroupDeclaration } from '../../kernel/permissions.js';

/** Schedules are one key to see and one to change: a schedule can run any of its task types, so finer keys would not protect more. */
export const schedulePermissions: PermissionGroupDeclaration[] = [
  {
    group: 'schedule',
    label: { en: 'Schedules', de: 'Zeitpläne' },
    keys: [
      { action: 'read', label: { en: 'See schedules and their runs', de: 'Zeitpläne und ihre Läufe sehen' } },
      {
        action: 'manage',
        label: { en: 'Create, change, run and cancel schedules', de: 'Zeitpläne anlegen, ändern, ausführen und abbrechen' },
        implies: ['schedule.read'],
      },
    ],
  },
];
