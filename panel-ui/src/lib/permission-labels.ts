import { i18n } from '../i18n/index.js';

/** `file.read-content` → `subusers.keys.file.readContent` (message paths avoid dashes). */
function path(key: string): string {
  const [group, action = ''] = key.split('.');
  return `subusers.keys.${group}.${action.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}`;
}

/** A readable label for a permission key; a key a plugin added without a translation shows as itself. */
export function permissionLabel(key: string): string {
  const { t, te } = i18n.global;
  if (key.endsWith('.*')) return `${groupLabel(key.slice(0, -2))}: ${t('subusers.all')}`;
  return te(path(key)) ? t(path(key)) : key;
}

export function groupLabel(group: string): string {
  const { t, te } = i18n.global;
  return te(`subusers.groups.${group}`) ? t(`subusers.groups.${group}`) : group;
}

/** Keys grouped by their prefix, in the API's order. */
export function groupKeys(keys: readonly string[]): Array<{ group: string; keys: string[] }> {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const group = key.slice(0, key.indexOf('.'));
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  return [...groups].map(([group, list]) => ({ group, keys: list }));
}
