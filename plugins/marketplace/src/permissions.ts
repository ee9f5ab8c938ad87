import type { PermissionGroupDeclaration } from '@conductor/core';

/** Per-server keys: seeing what is installed, and changing it. */
export const marketplacePermissions: PermissionGroupDeclaration[] = [
  {
    group: 'marketplace',
    label: { en: 'Plugins and mods', de: 'Plugins und Mods' },
    keys: [
      { action: 'read', label: { en: 'See installed plugins and mods', de: 'Installierte Plugins und Mods sehen' } },
      {
        action: 'install',
        label: { en: 'Install, update and remove plugins and mods', de: 'Plugins und Mods installieren, aktualisieren und entfernen' },
        implies: ['marketplace.read'],
      },
    ],
  },
];
