import { z } from 'zod';
import { AppError } from '../../kernel/errors.js';
import type { RouteRegistrar } from '../../kernel/http/route.js';
import { ServerProperties } from '../../minecraft/properties.js';

const params = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/) });

/** The server.properties keys the panel edits with types; others are shown and kept as they are. */
const FIELDS = {
  motd: z.string().max(256).regex(/^[^\r\n]*$/, { error: 'must be one line' }),
  'max-players': z.number().int().min(0).max(100_000),
  gamemode: z.enum(['survival', 'creative', 'adventure', 'spectator']),
  difficulty: z.enum(['peaceful', 'easy', 'normal', 'hard']),
  pvp: z.boolean(),
  'white-list': z.boolean(),
  'enforce-whitelist': z.boolean(),
  'online-mode': z.boolean(),
  hardcore: z.boolean(),
  'allow-flight': z.boolean(),
  'spawn-protection': z.number().int().min(0).max(1000),
  'view-distance': z.number().int().min(2).max(32),
  'simulation-distance': z.number().int().min(2).max(32),
  'level-name': z.string().min(1).max(64).regex(/^[A-Za-z0-9 _.-]+$/, { error: 'letters, digits, spaces and _ . -' }),
  'level-seed': z.string().max(64).regex(/^[^\r\n]*$/),
  'resource-pack': z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })]),
  'resource-pack-sha1': z.union([z.literal(''), z.string().regex(/^[0-9a-f]{40}$/i, { error: 'expected 40 hex digits' })]),
  'require-resource-pack': z.boolean(),
  'enable-command-block': z.boolean(),
} as const;

type FieldKey = keyof typeof FIELDS;
const patch = z.object(Object.fromEntries(Object.entries(FIELDS).map(([k, v]) => [k, v.optional()])) as { [K in FieldKey]: z.ZodOptional<(typeof FIELDS)[K]> }).strict();

function typed(props: ServerProperties): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, schema] of Object.entries(FIELDS)) {
    const raw = props.get(key);
    if (raw === undefined) continue;
    const candidate = schema instanceof z.ZodBoolean ? raw === 'true' : schema instanceof z.ZodNumber ? Number(raw) : raw;
    out[key] = candidate;
  }
  return out;
}

async function readProperties(scope: Parameters<Parameters<RouteRegistrar['route']>[0]['handler']>[0]['scope'], serverId: string) {
  const server = await scope.cradle.serverService.get(serverId);
  const client = scope.cradle.nodeService.client(await scope.cradle.nodeService.get(server.nodeId));
  const res = await fetch(`${client.baseUrl}/api/servers/${server.id}/files/contents?path=server.properties`, { headers: { authorization: `Bearer ${client.token}` } });
  if (res.status === 404) return { client, server, props: ServerProperties.parse('') };
  if (!res.ok) throw new AppError(502, 'node_error', `The node could not read server.properties (${res.status})`);
  return { client, server, props: ServerProperties.parse(await res.text()) };
}

/** server.properties with typed fields, and the MOTD on its own: edited through the node's file API, comments kept. */
export function propertiesRoutes(router: RouteRegistrar): void {
  const view = z.object({ typed: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])), all: z.record(z.string(), z.string()) });
  router.route({
    method: 'get',
    path: '/:serverId/properties',
    summary: 'server.properties: typed fields and every key as written',
    tags: ['minecraft'],
    access: 'user',
    permission: 'file.read-content',
    params,
    response: { schema: view },
    handler: async ({ params: p, scope }) => {
      const { props } = await readProperties(scope, p.serverId);
      return { typed: typed(props), all: props.toObject() };
    },
  });
  router.route({
    method: 'patch',
    path: '/:serverId/properties',
    summary: 'Change typed fields of server.properties (applies at the next start)',
    tags: ['minecraft'],
    access: 'user',
    permission: 'file.update',
    params,
    body: patch,
    response: { schema: view },
    handler: async ({ params: p, body, scope }) => {
      const { client, server, props } = await readProperties(scope, p.serverId);
      for (const [key, value] of Object.entries(body)) if (value !== undefined) props.set(key, value as string | number | boolean);
      const res = await fetch(`${client.baseUrl}/api/servers/${server.id}/files/contents?path=server.properties`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/octet-stream' },
        body: props.toString(),
      });
      if (!res.ok) {
        const error = ((await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }).error;
        throw new AppError(res.status >= 500 ? 502 : res.status, error?.code ?? 'node_error', error?.message ?? 'The node could not write server.properties');
      }
      return { typed: typed(props), all: props.toObject() };
    },
  });
}
