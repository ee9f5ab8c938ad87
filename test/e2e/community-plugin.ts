import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLE_PLUGIN = path.join(ROOT, 'examples', 'hello-plugin');

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
}

/**
 * A panel install with the example community plugin installed as an npm package: `npm pack` in
 * examples/hello-plugin (its prepack builds the UI bundle), then `npm install` of the tarball into
 * a fresh install root. The plugin's peer dependencies, @conductor/core and zod, are the panel's
 * own packages, which an install has: they are linked in from this repository, so the plugin
 * shares the panel's modules as it would in a real install, and npm fetches nothing.
 */
export function installExamplePlugin(): { root: string; remove(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'conductor-install-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    run('npm', ['pack', '--pack-destination', root, '--silent'], EXAMPLE_PLUGIN);
    const tarball = readdirSync(root).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack made no tarball');
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'conductor-install', private: true }));
    run('npm', ['install', '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund', `./${tarball}`], root);
    mkdirSync(path.join(root, 'node_modules', '@conductor'), { recursive: true });
    symlinkSync(path.join(ROOT, 'core'), path.join(root, 'node_modules', '@conductor', 'core'), 'dir');
    symlinkSync(realpathSync(path.join(ROOT, 'node_modules', 'zod')), path.join(root, 'node_modules', 'zod'), 'dir');
    return { root, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
