import { z } from 'zod';
import type { RouteRegistrar } from '../../kernel/http/route.js';
import { ServerProperties } from '../../minecraft/properties.js';
import { propertiesView, type PropertiesView } from './minecraft-schema.js';

const params = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/) });

/** The server.properties keys the panel edits with types; others are shown and kept as they are. */
const FIELDS = {
  // Two lines at most, as the game shows them: the second after a \n (written as the escape `\n` in the file).
  motd: z
    .string()
    .max(256)
    .regex(/^[^\r\n]*(\n[^\r\n]*)?$/, { error: 'at most two lines, separated by one line break (\\n)' }),
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
  'level-name': z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9 _.-]+$/, { error: 'letters, digits, spaces and _ . -' }),
  'level-seed': z
    .string()
    .max(64)
    .regex(/^[^\r\n]*$/),
  'resource-pack': z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })]),
  'resource-pack-sha1': z.union([z.literal(''), z.string().regex(/^[0-9a-f]{40}$/i, { error: 'expected 40 hex digits' })]),
  'require-resource-pack': z.boolean(),
  'enable-command-block': z.boolean(),
} as const;

type FieldKey = keyof typeof FIELDS;
const patch = z
  .object(
    Object.fromEntries(Object.entries(FIELDS).map(([k, v]) => [k, v.optional()])) as { [K in FieldKey]: z.ZodOptional<(typeof FIELDS)[K]> },
  )
  .strict();
/** The typed fields as JSON Schema (what PATCH takes), so a form can be built from the answer. */
const FIELD_SCHEMA = z.toJSONSchema(patch, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as PropertiesView['schema'];

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
  const files = await scope.cradle.nodeService.serverFiles(server);
  return { files, props: ServerProperties.parse((await files.read('server.properties')) ?? '') };
}

/** server.properties with typed fields, and the MOTD on its own: edited through the node's file API, comments kept. */
export function propertiesRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/:serverId/properties',
    summary: 'server.properties: typed fields and every key as written',
    tags: ['minecraft'],
    access: 'user',
    permission: 'file.read-content',
    params,
    response: { schema: propertiesView },
    handler: async ({ params: p, scope }) => {
      const { props } = await readProperties(scope, p.serverId);
      return { typed: typed(props), all: props.toObject(), schema: FIELD_SCHEMA };
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
    response: { schema: propertiesView },
    handler: async ({ params: p, body, scope, principal }) => {
      const { files, props } = await readProperties(scope, p.serverId);
      const changed = Object.entries(body).filter(([key, value]) => value !== undefined && props.get(key) !== String(value));
      for (const [key, value] of changed) props.set(key, value as string | number | boolean);
      await files.write('server.properties', props.toString());
      if (changed.length)
        await scope.cradle.activityLog.record({
          serverId: p.serverId,
          actor: principal!,
          action: 'server.properties',
          data: { keys: changed.map(([key]) => key) },
        });
      return { typed: typed(props), all: props.toObject(), schema: FIELD_SCHEMA };
    },
  });
}
