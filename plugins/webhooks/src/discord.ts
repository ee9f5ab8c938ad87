import type { PayloadContext } from './payload-context.js';

/** Discord's documented embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
  embeds: 10,
} as const;

const COLOURS: Record<string, number> = {
  'server.started': 0x2ecc71,
  'server.stopped': 0x95a5a6,
  'server.crashed': 0xe74c3c,
  'player.joined': 0x3498db,
  'player.left': 0x607d8b,
  'backup.created': 0x9b59b6,
  'backup.failed': 0xe67e22,
  'schedule.failed': 0xe67e22,
  'webhook.test': 0x5865f2,
};
const DEFAULT_COLOUR = 0x5865f2;

const TITLES: Record<string, (c: PayloadContext) => string> = {
  'server.started': (c) => `${c.serverName ?? 'Server'} started`,
  'server.stopped': (c) => `${c.serverName ?? 'Server'} stopped`,
  'server.crashed': (c) => `${c.serverName ?? 'Server'} crashed`,
  'player.joined': (c) => `${str(c.event.data.name) ?? 'A player'} joined ${c.serverName ?? 'the server'}`,
  'player.left': (c) => `${str(c.event.data.name) ?? 'A player'} left ${c.serverName ?? 'the server'}`,
  'backup.created': (c) => `Backup of ${c.serverName ?? 'the server'} created`,
  'backup.failed': (c) => `Backup of ${c.serverName ?? 'the server'} failed`,
  'schedule.failed': (c) => `Schedule “${str(c.event.data.name) ?? '?'}” of ${c.serverName ?? 'the server'} failed`,
  'webhook.test': () => 'Test notification from Conductor',
};

export interface DiscordEmbed {
  title: string;
  description?: string;
  color: number;
  fields: Array<{ name: string; value: string; inline: boolean }>;
  timestamp: string;
  footer: { text: string };
}

export interface DiscordPayload {
  username: string;
  allowed_mentions: { parse: string[] };
  embeds: DiscordEmbed[];
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim()) return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Cuts to a limit counted in UTF-16 units, as Discord counts, and marks the cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}

const KNOWN_FIELDS: Array<[string, string]> = [
  ['name', 'Player'],
  ['uuid', 'Player UUID'],
  ['exitCode', 'Exit code'],
  ['reason', 'Reason'],
  ['sizeBytes', 'Size (bytes)'],
  ['error', 'Error'],
];

function embedSize(e: DiscordEmbed): number {
  return (
    e.title.length + (e.description?.length ?? 0) + e.footer.text.length + e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** One embed per event, inside every Discord limit whatever the event data holds. */
export function discordPayload(c: PayloadContext): DiscordPayload {
  const fields: DiscordEmbed['fields'] = [];
  const add = (name: string, value: string | undefined, inline = true) => {
    if (value !== undefined && fields.length < DISCORD_LIMITS.fields)
      fields.push({ name: cut(name, DISCORD_LIMITS.fieldName), value: cut(value, DISCORD_LIMITS.fieldValue), inline });
  };
  if (c.serverName || c.event.serverId) add('Server', c.serverName ?? c.event.serverId ?? undefined);
  if (c.nodeName || c.event.nodeId) add('Node', c.nodeName ?? c.event.nodeId ?? undefined);
  const seen = new Set<string>();
  for (const [key, label] of KNOWN_FIELDS) {
    seen.add(key);
    add(label, str(c.event.data[key]));
  }
  for (const [key, value] of Object.entries(c.event.data)) {
    if (seen.has(key) || value === null || value === undefined) continue;
    add(key, typeof value === 'object' ? JSON.stringify(value) : str(value));
  }
  const embed: DiscordEmbed = {
    title: cut((TITLES[c.event.type] ?? (() => c.event.type))(c), DISCORD_LIMITS.title),
    color: COLOURS[c.event.type] ?? DEFAULT_COLOUR,
    fields,
    timestamp: c.event.occurredAt,
    footer: { text: cut(`Conductor · ${c.event.type}${c.event.id !== null ? ` · event ${c.event.id}` : ''}`, DISCORD_LIMITS.footer) },
  };
  if (c.event.type === 'webhook.test') embed.description = 'This webhook works. You will get the events you chose here.';
  // The 6000-character total: drop the last fields until it fits (titles and footers are short).
  while (embedSize(embed) > DISCORD_LIMITS.total && embed.fields.length > 0) embed.fields.pop();
  return { username: 'Conductor', allowed_mentions: { parse: [] }, embeds: [embed] };
}
