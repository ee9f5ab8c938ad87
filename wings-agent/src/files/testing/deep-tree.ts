import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, writeFileSync } from 'node:fs';

const OPEN_DIR = constants.O_RDONLY | constants.O_DIRECTORY;

/**
 * What a game can do inside its container and the file API cannot: a chain of folders `levels`
 * deep (`name/name/…`), past PATH_MAX if it likes, with `bottom` files in the last one. Made
 * through descriptors, since no absolute path reaches that far.
 */
export function makeChain(parent: string, name: string, levels: number, bottom: Record<string, Buffer | string> = {}): void {
  let fd = openSync(parent, OPEN_DIR);
  try {
    for (let i = 0; i < levels; i++) {
      const next = `/proc/self/fd/${fd}/${name}`;
      mkdirSync(next);
      const child = openSync(next, OPEN_DIR);
      closeSync(fd);
      fd = child;
    }
    for (const [file, data] of Object.entries(bottom)) writeFileSync(`/proc/self/fd/${fd}/${file}`, data);
  } finally {
    closeSync(fd);
  }
}

/** rm -rf: GNU rm removes trees deeper than PATH_MAX, which fs.rm cannot. */
export function removeDeep(path: string): void {
  execFileSync('rm', ['-rf', '--', path]);
}
