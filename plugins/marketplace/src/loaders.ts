import { GAME_LOADERS, type GameLoader } from '@conductor/core';

/** Loaders a server can run that Modrinth lists server-side projects for. */
export const PLUGIN_LOADERS = ['paper', 'spigot', 'bukkit', 'purpur', 'folia', 'velocity', 'bungeecord'] as const;
export const MOD_LOADERS = ['fabric', 'forge', 'neoforge', 'quilt'] as const;
export const SERVER_LOADERS = [...PLUGIN_LOADERS, ...MOD_LOADERS, 'datapack'] as const;
export type Loader = (typeof SERVER_LOADERS)[number];
/** What a server itself runs, as its template declares it (a loader, or plain vanilla: datapacks only). */
export const SERVER_KINDS = GAME_LOADERS;
export type ServerKind = GameLoader;

/**
 * Which projects' loaders run on a server of this kind: Purpur runs Paper plugins, Paper runs
 * Spigot and Bukkit ones, Spigot runs Bukkit ones, Quilt runs Fabric mods; Folia, NeoForge and
 * the proxies only their own.
 */
const RUNS: Record<ServerKind, readonly Loader[]> = {
  purpur: ['purpur', 'paper', 'spigot', 'bukkit'],
  paper: ['paper', 'spigot', 'bukkit'],
  spigot: ['spigot', 'bukkit'],
  bukkit: ['bukkit'],
  folia: ['folia'],
  velocity: ['velocity'],
  bungeecord: ['bungeecord'],
  quilt: ['quilt', 'fabric'],
  fabric: ['fabric'],
  forge: ['forge'],
  neoforge: ['neoforge'],
  vanilla: [],
};

const PROXIES: readonly ServerKind[] = ['velocity', 'bungeecord'];

/** Loaders whose projects a server of this kind can load; game servers also take datapacks. */
export function loadersRunningOn(kind: ServerKind, withDatapacks = true): Loader[] {
  return [...RUNS[kind], ...(withDatapacks && !PROXIES.includes(kind) ? (['datapack'] as const) : [])];
}

/** The folder a version's file goes into on a server of this kind. */
export function folderFor(kind: ServerKind, versionLoaders: string[]): string {
  const own = RUNS[kind];
  if (versionLoaders.some((l) => own.includes(l as Loader))) return (MOD_LOADERS as readonly string[]).includes(kind) ? 'mods' : 'plugins';
  return 'world/datapacks';
}

export function isServerKind(value: string): value is ServerKind {
  return (SERVER_KINDS as readonly string[]).includes(value);
}
