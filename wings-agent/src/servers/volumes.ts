import { chownSync, mkdirSync, readdirSync, lstatSync, lchownSync, rmSync } from 'node:fs';
import path from 'node:path';

export function parseOwner(user: string): { uid: number; gid: number } {
  const [uid, gid] = user.split(':').map(Number);
  return { uid: uid!, gid: gid! };
}

/** The folder a server's files live in (bind-mounted at /data), owned by the user its game runs as. */
export function ensureVolume(volumePath: string, owner: { uid: number; gid: number }): void {
  mkdirSync(volumePath, { recursive: true, mode: 0o750 });
  chownIfRoot(volumePath, owner);
}

/** After an install container (which runs as root) wrote files, hand them to the game's user. */
export function chownTree(root: string, owner: { uid: number; gid: number }): void {
  if (process.getuid?.() !== 0) return;
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    lchownSync(dir, owner.uid, owner.gid);
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      // lstat/lchown: a symlink made by the install script is changed itself, never its target.
      if (lstatSync(full).isDirectory()) stack.push(full);
      else lchownSync(full, owner.uid, owner.gid);
    }
  }
}

export function removeVolume(volumePath: string): void {
  rmSync(volumePath, { recursive: true, force: true });
}

function chownIfRoot(p: string, owner: { uid: number; gid: number }): void {
  // Only root can give files away; an unprivileged development agent keeps its own ownership.
  if (process.getuid?.() === 0) chownSync(p, owner.uid, owner.gid);
}
