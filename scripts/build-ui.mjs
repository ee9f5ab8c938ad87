#!/usr/bin/env node
// Builds the panel UI (panel-ui/dist) and each first-party plugin's UI bundle
// (plugins/<name>/ui → plugins/<name>/ui-dist) when it is missing or older than its sources, so
// `npm start` on a fresh clone serves the UI without a separate build step. `--force` always
// builds. The two are independent: a plugin bundle imports the panel's shared modules at run time.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ui = path.join(root, 'panel-ui');
const force = process.argv.includes('--force');

function newest(entry) {
  const s = statSync(entry);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

function builtAt(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const stale = (output, sources) => force || builtAt(output) < Math.max(...sources.map(newest));

/** Vite is a development dependency: a built release (`npm ci --omit=dev`) never loads it. */
async function build(options) {
  let vite;
  try {
    vite = await import('vite');
  } catch {
    console.error(
      'The UI is not built and vite is missing: run `npm ci` (with the development dependencies) once, or install a built release.',
    );
    process.exit(1);
  }
  await vite.build(options);
}

/** The host: the app, plus the entries of the modules it shares with plugin bundles. */
if (
  stale(
    path.join(ui, 'dist', 'index.html'),
    ['src', 'build', 'index.html', 'vite.config.ts', 'package.json'].map((p) => path.join(ui, p)),
  )
) {
  console.error('Building the panel UI (panel-ui/dist)…');
  await build({ root: ui, configFile: path.join(ui, 'vite.config.ts'), logLevel: 'warn' });
}

/** First-party plugins build their UI the way a community plugin does (docs/plugins.md, "UI"). */
const pluginConfig = [path.join(ui, 'vite.plugin-ui.config.ts'), path.join(ui, 'build', 'shared-modules.ts')];
for (const name of readdirSync(path.join(root, 'plugins')).sort()) {
  const dir = path.join(root, 'plugins', name);
  if (!existsSync(path.join(dir, 'ui', 'index.ts'))) continue;
  if (!stale(path.join(dir, 'ui-dist', 'index.js'), [path.join(dir, 'ui'), ...pluginConfig])) continue;
  console.error(`Building the ${name} plugin's UI (plugins/${name}/ui-dist)…`);
  await build({ root: dir, configFile: pluginConfig[0], logLevel: 'warn' });
}
