import { inject, provide, ref, type InjectionKey, type Ref } from 'vue';
import { get } from '../api/client.js';
import type { ServerAccess } from './types.js';

/** What the signed-in person may do on one server: every key for its owner and admins, else their grant. */
export type { ServerAccess } from './types.js';

export function loadServerAccess(serverId: string): Promise<ServerAccess> {
  return get<ServerAccess>(`/api/auth/servers/${encodeURIComponent(serverId)}/permissions`);
}

/** The panel's own check, for hiding what the API would refuse: `group.*` covers the group. */
export function allows(access: ServerAccess | null, key: string | undefined): boolean {
  if (!key) return true;
  if (!access) return false;
  if (access.owner) return true;
  return access.permissions.includes(key) || access.permissions.includes(`${key.slice(0, key.indexOf('.'))}.*`);
}

const KEY: InjectionKey<Ref<ServerAccess | null>> = Symbol('server-access');

/** The server page provides the caller's access; its tabs (plugin tabs too) read it with useServerAccess(). */
export function provideServerAccess(access: Ref<ServerAccess | null>): void {
  provide(KEY, access);
}

export function useServerAccess(): { access: Ref<ServerAccess | null>; can: (key: string) => boolean } {
  const access = inject(KEY, ref(null));
  return { access, can: (key) => allows(access.value, key) };
}
