import type { PermissionGroupDeclaration } from '../../kernel/permissions.js';

/** The accounts module's per-server keys: who else may use a server. */
export const accountPermissions: PermissionGroupDeclaration[] = [
  {
    group: 'user',
    label: { en: 'Users', de: 'Benutzer' },
    keys: [
      { action: 'read', label: { en: 'See users', de: 'Benutzer sehen' } },
      { action: 'create', label: { en: 'Add users', de: 'Benutzer hinzufügen' }, implies: ['user.read'] },
      { action: 'update', label: { en: 'Change users’ permissions', de: 'Rechte von Benutzern ändern' }, implies: ['user.read'] },
      { action: 'delete', label: { en: 'Remove users', de: 'Benutzer entfernen' }, implies: ['user.read'] },
    ],
  },
];
