import type { PermissionGroupDeclaration } from '@conductor/core';

/** The webhooks plugin's per-server keys. */
export const webhookPermissions: PermissionGroupDeclaration[] = [
  {
    group: 'webhook',
    label: { en: 'Webhooks', de: 'Webhooks' },
    keys: [
      { action: 'read', label: { en: 'See webhooks and their delivery log', de: 'Webhooks und ihr Zustellprotokoll sehen' } },
      {
        action: 'manage',
        label: { en: 'Create, change and delete webhooks', de: 'Webhooks anlegen, ändern und löschen' },
        implies: ['webhook.read'],
      },
    ],
  },
];
