#!/usr/bin/env node
// Compiles the server's TypeScript (core, wings-agent, each first-party plugin) to JavaScript,
// each package's src/ to dist/ with the same layout, so production runs plain `node` (no tsx in
// memory, no compiling at start). A package is built when its dist/ is missing or older than its
// sources; `--force` always builds, `--check` only says (exit 1) whether something is stale.
//
// esbuild strips the types file by file: the project already uses `verbatimModuleSyntax` (type-only
// imports are explicit), so no file needs another to compile, and the whole server builds in about a
// second instead of the minute tsc needs on a small machine. Types are checked by `npm run typecheck`.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const checkOnly = process.argv.includes('--check');
const STAMP = '.built';

/** Tests and their data stay out of a release. */
const skipped = (name) => name === 'tests' || name === 'fixtures' || name.includes('.test.');

function packages() {
  const plugins = readdirSync(path.join(root, 'plugins'))
    .sort()
    .map((name) => path.join('plugins', name))
    .filter((dir) => existsSync(path.join(root, dir, 'src', 'index.ts')));
  // A packed release ships dist/ without src/: nothing to build there.
  return ['core', 'wings-agent', ...plugins].filter((dir) => existsSync(path.join(root, dir, 'src')));
}

/** Newest change under a folder, the folders' own times included (a deleted file changes its folder). */
function newest(entry) {
  const s = statSync(entry);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

function builtAt(dir) {
  try {
    return statSync(path.join(dir, 'dist', STAMP)).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const stale = (dir) => force || builtAt(dir) < Math.max(newest(path.join(dir, 'src')), newest(path.join(dir, 'package.json')));

/** The files to compile, and the other files (JSON templates, …) copied next to them. */
function sources(src, rel = '', found = { code: [], assets: [] }) {
  for (const entry of readdirSync(path.join(src, rel), { withFileTypes: true })) {
    if (skipped(entry.name)) continue;
    const file = path.join(rel, entry.name);
    if (entry.isDirectory()) sources(src, file, found);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.code.push(file);
    else found.assets.push(file);
  }
  return found;
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch {
    console.error(
      'The server is not built and esbuild is missing: run `npm ci` (with the development dependencies) once, or install a built release.',
    );
    process.exit(1);
  }
}

const todo = packages()
  .map((dir) => path.join(root, dir))
  .filter(stale);
if (checkOnly) process.exit(todo.length ? 1 : 0);
if (todo.length) {
  const esbuild = await loadEsbuild();
  for (const dir of todo) {
    const src = path.join(dir, 'src');
    const dist = path.join(dir, 'dist');
    console.error(`Compiling ${path.relative(root, src)} → ${path.relative(root, dist)}…`);
    rmSync(dist, { recursive: true, force: true });
    const { code, assets } = sources(src);
    await esbuild.build({
      entryPoints: code.map((file) => path.join(src, file)),
      outdir: dist,
      outbase: src,
      bundle: false,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    for (const file of assets) {
      mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
      cpSync(path.join(src, file), path.join(dist, file));
    }
    writeFileSync(path.join(dist, STAMP), '');
  }
}
