#!/usr/bin/env node
// Builds panel-ui/dist when it is missing or older than its sources, so `npm start` on a fresh
// clone serves the UI without a separate build step. `--force` always builds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ui = path.join(root, 'panel-ui');
const built = path.join(ui, 'dist', 'index.html');

function newest(entry) {
  const s = statSync(entry);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

function builtAt() {
  try {
    return statSync(built).mtimeMs;
  } catch {
    return 0;
  }
}

// Plugin UIs (plugins/<name>/ui) are bundled in too: a change there needs a build as well.
const pluginUis = readdirSync(path.join(root, 'plugins'))
  .map((name) => path.join(root, 'plugins', name, 'ui'))
  .filter((dir) => existsSync(dir));
const sources = [...['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => path.join(ui, p)), ...pluginUis];
const stale = process.argv.includes('--force') || builtAt() < Math.max(...sources.map(newest));
if (stale) {
  console.error('Building the panel UI (panel-ui/dist)…');
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ui, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
