import { z } from 'zod';

/**
 * The JSON lists a vanilla (and Paper/Spigot) server keeps beside server.properties, with the
 * exact field names and formats the server writes: dates as "yyyy-MM-dd HH:mm:ss Z" and bans
 * that never end as "forever". Unknown fields are kept (passthrough) so a mod's extra field
 * survives a rewrite.
 */

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const playerName = z.string().min(1).max(16);
/** Minecraft's ban date format, e.g. "2024-05-01 13:37:00 +0000". */
const banDate = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);

export const whitelistEntry = z.looseObject({ uuid, name: playerName });
export const opEntry = z.looseObject({
  uuid,
  name: playerName,
  level: z.number().int().min(0).max(4),
  bypassesPlayerLimit: z.boolean(),
});
const banFields = {
  created: banDate,
  source: z.string(),
  expires: z.union([z.literal('forever'), banDate]),
  reason: z.string(),
};
export const bannedPlayerEntry = z.looseObject({ uuid, name: playerName, ...banFields });
export const bannedIpEntry = z.looseObject({ ip: z.union([z.ipv4(), z.ipv6()]), ...banFields });

export type WhitelistEntry = z.output<typeof whitelistEntry>;
export type OpEntry = z.output<typeof opEntry>;
export type BannedPlayerEntry = z.output<typeof bannedPlayerEntry>;
export type BannedIpEntry = z.output<typeof bannedIpEntry>;

export const playerLists = {
  'whitelist.json': z.array(whitelistEntry),
  'ops.json': z.array(opEntry),
  'banned-players.json': z.array(bannedPlayerEntry),
  'banned-ips.json': z.array(bannedIpEntry),
} as const;
export type PlayerListFile = keyof typeof playerLists;

/** Parses one of the lists; an empty file counts as an empty list (a fresh server writes none). */
export function parsePlayerList<F extends PlayerListFile>(file: F, text: string): z.output<(typeof playerLists)[F]> {
  const json: unknown = text.trim() === '' ? [] : JSON.parse(text);
  return playerLists[file].parse(json) as z.output<(typeof playerLists)[F]>;
}

/** Gson's pretty printing, as the server writes these files. */
export function serializePlayerList<F extends PlayerListFile>(file: F, entries: z.input<(typeof playerLists)[F]>): string {
  return `${JSON.stringify(playerLists[file].parse(entries), null, 2)}\n`;
}

/** The server's own date format for `created` and `expires`. */
export function formatBanDate(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/** Adds or replaces an entry matched by uuid (players) or ip (IP bans), keeping the rest in order. */
export function upsert<T extends { uuid: string } | { ip: string }>(entries: T[], entry: T): T[] {
  const keyOf = (e: T) => ('uuid' in e ? e.uuid.toLowerCase() : e.ip);
  const index = entries.findIndex((e) => keyOf(e) === keyOf(entry));
  return index === -1 ? [...entries, entry] : entries.map((e, i) => (i === index ? entry : e));
}

/** Removes entries by uuid, player name (case-insensitive, as the server matches) or ip. */
export function removeEntry<T extends { uuid?: string; name?: string; ip?: string }>(entries: T[], key: string): T[] {
  const k = key.toLowerCase();
  return entries.filter((e) => e.uuid?.toLowerCase() !== k && e.name?.toLowerCase() !== k && e.ip !== key);
}
