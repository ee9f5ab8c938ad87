import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SDK = path.join(ROOT, 'sdk');

export function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** `npm pack` of a package folder (its prepack builds what it ships) into dest; the tarball's file name. */
export function pack(folder: string, dest: string): string {
  const before = new Set(readdirSync(dest));
  run('npm', ['pack', '--pack-destination', dest, '--silent'], folder);
  const tarball = readdirSync(dest).find((f) => f.endsWith('.tgz') && !before.has(f));
  if (!tarball) throw new Error(`npm pack made no tarball in ${folder}`);
  return tarball;
}

/**
 * Links packages an install already has (the panel's own, or a plugin author's from npm) into
 * root/node_modules from this repository, so npm fetches nothing.
 */
export function linkFromRepo(root: string, names: string[]): void {
  for (const name of names) {
    const target = path.join(root, 'node_modules', name);
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync(realpathSync(path.join(ROOT, 'node_modules', name)), target, 'dir');
  }
}

/**
 * A panel install with packed packages installed from their tarballs (in root): `npm install` as an
 * operator would, with the panel's own @conductor/core and zod linked in from this repository (an
 * install has them), so plugins share the panel's modules and npm fetches nothing.
 */
export function installTarballs(root: string, tarballs: string[]): void {
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'conductor-install', private: true }));
  run('npm', ['install', '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund', ...tarballs.map((t) => `./${t}`)], root);
  linkFromRepo(root, ['@conductor/core', 'zod']);
}
