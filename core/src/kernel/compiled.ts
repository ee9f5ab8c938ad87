import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether this process runs the compiled release (each package's dist/, built by
 * scripts/build-server.mjs) or the TypeScript sources through tsx (development, tests).
 */
export const RUNS_COMPILED = import.meta.url.endsWith('.js');

/**
 * `node` flags of a compiled process (npm start and the installer's units say the same):
 * `@conductor/*` imports resolve to dist/ (the packages' `exports` name this condition), and the
 * young generation stays at 4 MB (two 2 MB semi-spaces). Unbounded, V8 grows it to 64 MB or more
 * while the panel starts and keeps it, half of an idle panel's memory; at 2 MB instead of 8 an
 * idle agent holds about 12 MB less and a panel about 8 MB (bench/footprint.ts). A small young
 * generation means more, shorter scavenges under load. `--max-old-space-size` is not used: it
 * caps the heap (a crash when reached), it does not make an idle process smaller.
 */
export const COMPILED_FLAGS = ['--conditions=conductor-compiled', '--max-semi-space-size=2'];

/** `<package>/src/a/b.ts` → `<package>/dist/a/b.js`: the build keeps each package's layout. */
export function compiledTwin(file: string): string {
  const parts = file.split(path.sep);
  const src = parts.lastIndexOf('src');
  if (src < 0 || !file.endsWith('.ts')) return file;
  return [...parts.slice(0, src), 'dist', ...parts.slice(src + 1)].join(path.sep).replace(/\.ts$/, '.js');
}

/**
 * What runs a first-party TypeScript entry: in a compiled panel its compiled twin when built (a
 * community plugin shipping .ts is left to Node), else the source itself.
 */
export function runnableEntry(file: string): string {
  if (!RUNS_COMPILED) return file;
  const twin = compiledTwin(file);
  return existsSync(twin) ? twin : file;
}

/** `node` arguments that start a package's entry (`wings-agent/src/main.ts`) the way this process runs. */
export function nodeArgsFor(sourceEntry: string): string[] {
  return RUNS_COMPILED ? [...COMPILED_FLAGS, compiledTwin(sourceEntry)] : ['--import', 'tsx', sourceEntry];
}
