import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, SDK, installTarballs, pack } from './plugin-packages.js';

export const EXAMPLE_PLUGIN = path.join(ROOT, 'examples', 'hello-plugin');

/**
 * A panel install with the example community plugin installed as an npm package: `npm pack` in
 * examples/hello-plugin (its prepack builds the UI bundle) and in sdk/ (its prepack builds dist/),
 * then both installed into a fresh install root (installTarballs).
 */
export function installExamplePlugin(): { root: string; remove(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'conductor-install-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    installTarballs(root, [pack(SDK, root), pack(EXAMPLE_PLUGIN, root)]);
    return { root, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
