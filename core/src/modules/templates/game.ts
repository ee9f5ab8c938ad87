import type { Template } from './schema.js';

/** What a server can be running, as far as plugins and mods are concerned. */
export const GAME_LOADERS = [
  'vanilla',
  'paper',
  'spigot',
  'bukkit',
  'purpur',
  'folia',
  'velocity',
  'bungeecord',
  'fabric',
  'forge',
  'neoforge',
  'quilt',
] as const;
export type GameLoader = (typeof GAME_LOADERS)[number];

export interface ServerGame {
  loader: GameLoader;
  /** Null when the template does not say (a proxy) or the server's value is not a version (`latest`). */
  minecraftVersion: string | null;
}

const VERSION = /^[0-9]+\.[0-9]+(\.[0-9]+)?(-[0-9A-Za-z.-]+)?$/;

/** The template's `game`, with `{{VARIABLE}}`s filled from the server's variables (or their defaults). */
export function serverGame(template: Template, variables: Record<string, string>): ServerGame | null {
  if (!template.game) return null;
  const defaults = Object.fromEntries(template.variables.map((v) => [v.env, v.default]));
  const version = template.game.minecraftVersion?.replace(
    /\{\{\s*([A-Z0-9_]+)\s*\}\}/g,
    (_, name: string) => variables[name] ?? defaults[name] ?? '',
  );
  return { loader: template.game.loader, minecraftVersion: version && VERSION.test(version) ? version : null };
}
