import { ref } from 'vue';
import type { PermissionGroupView } from '@api/kernel/permissions.js';
import { get } from '../api/client.js';
import { i18n } from '../i18n/index.js';

/** As `GET /api/auth/permission-keys` answers: each active plugin declares its groups and labels (the kernel's schema). */
export type PermissionGroup = PermissionGroupView;
type Label = PermissionGroup['label'];

const groups = ref<PermissionGroup[]>([]);
let loading: Promise<PermissionGroup[]> | null = null;

/** The catalogue of keys, asked once per page load (plugins only change with a panel restart). */
export function loadPermissionGroups(): Promise<PermissionGroup[]> {
  loading ??= get<{ groups: PermissionGroup[] }>('/api/auth/permission-keys').then(
    (answer) => (groups.value = answer.groups),
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

function inLocale(label: Label): string {
  return i18n.global.locale.value === 'de' ? label.de : label.en;
}

export function groupLabel(group: string): string {
  const found = groups.value.find((g) => g.group === group);
  return found ? inLocale(found.label) : group;
}

/** A readable label for a permission key in the person's language; an unknown key shows as itself. */
export function permissionLabel(key: string): string {
  const { t } = i18n.global;
  if (key.endsWith('.*')) return `${groupLabel(key.slice(0, -2))}: ${t('subusers.all')}`;
  for (const g of groups.value) {
    const found = g.keys.find((k) => k.key === key);
    if (found) return inLocale(found.label);
  }
  return key;
}
