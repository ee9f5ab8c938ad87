import { get } from '../api/client.js';

/** What the signed-in person may do on one server: the keys the panel says they hold. */
export interface ServerAccess {
  owner: boolean;
  permissions: readonly string[];
}

/** Everything: what the page assumes when the panel cannot say (its routes still refuse). */
export const FULL_ACCESS: ServerAccess = { owner: true, permissions: [] };

export async function loadServerAccess(serverId: string): Promise<ServerAccess> {
  try {
    return await get<ServerAccess>(`/api/auth/servers/${encodeURIComponent(serverId)}/permissions`);
  } catch {
    return FULL_ACCESS;
  }
}

/** Whether the person holds a key (`file.update`); owners and admins hold them all. */
export function can(access: ServerAccess, key: string): boolean {
  return access.owner || access.permissions.includes(key);
}
