import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runnableEntry } from './compiled.js';
import { assertApiCompatible, assertPluginShape, type PluginDefinition } from './plugin.js';

export interface LoadedPlugin {
  definition: PluginDefinition;
  source: string;
}

export interface PluginLoadFailure {
  /** Best guess at the name: the package or folder name. */
  name: string;
  source: string;
  error: string;
}

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  conductor?: { plugin?: string };
}

async function readPackageJson(dir: string): Promise<PackageJson | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return null;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function importPlugin(entry: string, source: string): Promise<PluginDefinition> {
  const mod = (await import(pathToFileURL(entry).href)) as { default?: unknown; plugin?: unknown };
  const candidate = mod.default ?? mod.plugin;
  assertPluginShape(candidate, source);
  assertApiCompatible(candidate.manifest, source, true);
  return candidate;
}

/** A folder is a plugin when its package.json names an entry under `conductor.plugin`. */
async function entryOf(dir: string, allowIndex: boolean): Promise<string | null> {
  const pkg = await readPackageJson(dir);
  if (pkg?.conductor?.plugin) return runnableEntry(path.resolve(dir, pkg.conductor.plugin));
  if (!allowIndex) return null;
  for (const name of ['index.js', 'index.mjs', 'index.ts']) {
    try {
      await stat(path.join(dir, name));
      return path.join(dir, name);
    } catch {
      /* try the next */
    }
  }
  return null;
}

export interface DiscoveryOptions {
  /** The install root: holds package.json, plugins/ and node_modules/. */
  appRoot: string;
  /** Community plugins dropped into a folder, each in its own subfolder. */
  pluginsDir?: string;
}

/**
 * Finds plugins in three places: first-party folders under plugins/, npm packages the install
 * depends on whose package.json declares `conductor.plugin`, and subfolders of the plugins
 * directory. A plugin that fails to load is reported, never fatal.
 */
export async function discoverPlugins(options: DiscoveryOptions): Promise<{ loaded: LoadedPlugin[]; failed: PluginLoadFailure[] }> {
  const candidates: Array<{ name: string; dir: string; source: string; allowIndex: boolean }> = [];

  const firstParty = path.join(options.appRoot, 'plugins');
  for (const name of (await isDirectory(firstParty)) ? (await readdir(firstParty)).sort() : []) {
    const dir = path.join(firstParty, name);
    if (await isDirectory(dir)) candidates.push({ name, dir, source: `plugins/${name}`, allowIndex: false });
  }

  const rootPkg = await readPackageJson(options.appRoot);
  for (const dep of Object.keys(rootPkg?.dependencies ?? {}).sort()) {
    const dir = path.join(options.appRoot, 'node_modules', dep);
    if (await isDirectory(dir)) candidates.push({ name: dep, dir, source: `npm:${dep}`, allowIndex: false });
  }

  if (options.pluginsDir && (await isDirectory(options.pluginsDir))) {
    for (const name of (await readdir(options.pluginsDir)).sort()) {
      const dir = path.join(options.pluginsDir, name);
      if (await isDirectory(dir)) candidates.push({ name, dir, source: `dir:${dir}`, allowIndex: true });
    }
  }

  const loaded: LoadedPlugin[] = [];
  const failed: PluginLoadFailure[] = [];
  for (const c of candidates) {
    const entry = await entryOf(c.dir, c.allowIndex);
    if (!entry) continue;
    try {
      loaded.push({ definition: await importPlugin(entry, c.source), source: c.source });
    } catch (err) {
      failed.push({ name: c.name, source: c.source, error: (err as Error).message });
    }
  }
  return { loaded, failed };
}
