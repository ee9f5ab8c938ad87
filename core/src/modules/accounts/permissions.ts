/**
 * Per-server permission keys, after Pterodactyl's. Owners and admins hold all of them; a subuser
 * holds what the owner granted. Features add keys here as they need them.
 */
export const PERMISSIONS = {
  control: ['console', 'start', 'stop', 'restart'],
  file: ['read', 'read-content', 'create', 'update', 'delete', 'archive', 'sftp'],
  backup: ['create', 'read', 'restore', 'delete', 'download'],
  schedule: ['create', 'read', 'update', 'delete'],
  settings: ['rename', 'reinstall', 'startup'],
  user: ['create', 'read', 'update', 'delete'],
  database: ['create', 'read', 'update', 'delete'],
  allocation: ['read', 'create', 'update', 'delete'],
  activity: ['read'],
  players: ['read', 'manage'],
  webhook: ['read', 'manage'],
} as const;

/**
 * Not grantable: held by everyone with any key on a server, so a subuser who may only read files
 * can still open the server (its name, state, address), as the server list already shows it.
 */
export const SERVER_VIEW = 'server.view';

export const PERMISSION_KEYS: string[] = Object.entries(PERMISSIONS).flatMap(([group, actions]) => actions.map((a) => `${group}.${a}`));

const GRANTABLE = new Set([...PERMISSION_KEYS, ...Object.keys(PERMISSIONS).map((g) => `${g}.*`)]);

export function isGrantable(key: string): boolean {
  return GRANTABLE.has(key);
}

/** Whether a set of granted keys (which may hold `group.*`) covers one key. */
export function holds(granted: readonly string[], key: string): boolean {
  const group = key.slice(0, key.indexOf('.'));
  return granted.includes(key) || granted.includes(`${group}.*`);
}
