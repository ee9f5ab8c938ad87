import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, SDK, linkFromRepo, pack, run } from './plugin-packages.js';

export const EXAMPLE_PLUGIN = path.join(ROOT, 'examples', 'hello-plugin');

/**
 * A panel install with the example community plugin installed as an npm package: `npm pack` in
 * examples/hello-plugin (its prepack builds the UI bundle) and in sdk/ (its prepack builds dist/),
 * then `npm install` of both tarballs into a fresh install root. The SDK's peer dependencies,
 * @conductor/core and zod, are the panel's own packages, which an install has: they are linked in
 * from this repository, so the plugin shares the panel's modules as it would in a real install,
 * and npm fetches nothing.
 */
export function installExamplePlugin(): { root: string; remove(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'conductor-install-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    const sdk = pack(SDK, root);
    const tarball = pack(EXAMPLE_PLUGIN, root);
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'conductor-install', private: true }));
    run('npm', ['install', '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund', `./${sdk}`, `./${tarball}`], root);
    linkFromRepo(root, ['@conductor/core', 'zod']);
    return { root, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
