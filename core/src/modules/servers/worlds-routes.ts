import { z } from 'zod';
import { badRequest, conflict, notFound } from '../../kernel/errors.js';
import type { RouteRegistrar, RouteInput } from '../../kernel/http/route.js';
import { ServerProperties } from '../../minecraft/properties.js';
import { ensureOk } from '../nodes/agent-answer.js';
import { worldsView } from './minecraft-schema.js';

const params = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/) });
const worldName = z
  .string()
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9 _.-]{0,63}$/, { error: 'letters, digits, spaces and _ . - (not starting with a dot)' });
const withName = params.extend({ name: worldName });
// Uploads and downloads pass through here, inside the server folder (so the quota counts them).
const WORK = '.conductor-worlds';

type Scope = RouteInput<z.ZodObject<z.ZodRawShape>, z.ZodObject<z.ZodRawShape>, z.ZodType>['scope'];

async function context(scope: Scope, serverId: string) {
  const server = await scope.cradle.serverService.get(serverId);
  const files = await scope.cradle.nodeService.serverFiles(server);
  const props = ServerProperties.parse((await files.read('server.properties')) ?? '');
  return { server, files, props, active: props.get('level-name') ?? 'world' };
}

/** Worlds are folders with a level.dat; the active one is server.properties' level-name. */
export function worldRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/:serverId/worlds',
    summary: 'Worlds on the server and which one is active',
    tags: ['minecraft'],
    access: 'user',
    permission: 'file.read',
    params,
    response: { schema: worldsView },
    handler: async ({ params: p, scope }) => {
      const { files, active } = await context(scope, p.serverId);
      const worlds: Array<{ name: string; active: boolean }> = [];
      for (const entry of await files.list('')) {
        if (entry.type !== 'directory' || entry.name.startsWith('.')) continue;
        if (await files.exists(`${entry.name}/level.dat`)) worlds.push({ name: entry.name, active: entry.name === active });
      }
      return { active, worlds };
    },
  });
  router.route({
    method: 'put',
    path: '/:serverId/worlds/active',
    summary: 'Choose the world the server loads at its next start (a new name makes a new world)',
    tags: ['minecraft'],
    access: 'user',
    permission: 'file.update',
    params,
    body: z.strictObject({ name: worldName }),
    response: { schema: z.object({ active: z.string() }) },
    handler: async ({ params: p, body, scope, principal }) => {
      const { files, props } = await context(scope, p.serverId);
      props.set('level-name', body.name);
      await files.write('server.properties', props.toString());
      await scope.cradle.activityLog.record({
        serverId: p.serverId,
        actor: principal!,
        action: 'server.world.select',
        data: { name: body.name },
      });
      return { active: body.name };
    },
  });
  router.route({
    method: 'post',
    path: '/:serverId/worlds/:name/reset',
    summary: 'Delete a world so it is generated anew (the server must be stopped)',
    tags: ['minecraft'],
    access: 'user',
    permission: 'file.delete',
    params: withName,
    response: { status: 204 },
    errors: { 409: 'The server is running' },
    handler: async ({ params: p, scope, principal }) => {
      const { server, files } = await context(scope, p.serverId);
      if (server.state !== 'offline') throw conflict('server_not_offline', 'Stop the server before resetting a world');
      if (!(await files.exists(`${p.name}/level.dat`))) throw notFound(`No world ${p.name}`, 'world_not_found');
      await files.op('delete', { paths: [p.name] });
      await scope.cradle.activityLog.record({
        serverId: p.serverId,
        actor: principal!,
        action: 'server.world.reset',
        data: { name: p.name },
      });
    },
  });
  router.route({
    method: 'post',
    path: '/:serverId/worlds/:name/upload',
    summary: 'Upload a world as a .zip (the body, streamed); its level.dat may sit at the top or in one folder',
    tags: ['minecraft'],
    access: 'user',
    permission: 'file.create',
    params: withName,
    response: { status: 201, schema: z.object({ name: z.string() }) },
    errors: { 400: 'Not a world archive', 409: 'A world with this name exists, or the server runs it' },
    handler: async ({ params: p, ctx, scope, principal }) => {
      const { server, files, active } = await context(scope, p.serverId);
      if (p.name === active && server.state !== 'offline')
        throw conflict('server_not_offline', 'Stop the server before replacing its active world');
      if (await files.exists(p.name)) throw conflict('world_exists', `${p.name} exists; reset it or choose another name`);
      const staging = `${WORK}/upload`;
      await files.op('delete', { paths: [WORK] }).catch(() => undefined);
      await files.op('mkdir', { path: WORK });
      await files.op('mkdir', { path: staging });
      try {
        await files.upload(`${WORK}/world.zip`, ctx.req, { contentLength: ctx.get('content-length') || undefined, timeoutMs: 3_600_000 });
        await files.op('decompress', { path: `${WORK}/world.zip`, destination: staging });
        let source = staging;
        if (!(await files.exists(`${staging}/level.dat`))) {
          const dirs = (await files.list(staging)).filter((e) => e.type === 'directory');
          const inner = dirs.length === 1 ? `${staging}/${dirs[0]!.name}` : null;
          if (!inner || !(await files.exists(`${inner}/level.dat`)))
            throw badRequest('not_a_world', 'The archive has no level.dat at its top or in a single folder');
          source = inner;
        }
        await files.op('rename', { from: source, to: p.name });
      } finally {
        await files.op('delete', { paths: [WORK] }).catch(() => undefined);
      }
      await scope.cradle.activityLog.record({
        serverId: p.serverId,
        actor: principal!,
        action: 'server.world.upload',
        data: { name: p.name },
      });
      return { name: p.name };
    },
  });
  router.route({
    method: 'get',
    path: '/:serverId/worlds/:name/download',
    summary: 'Download a world as a .zip (streamed)',
    tags: ['minecraft'],
    access: 'user',
    permission: 'file.read-content',
    params: withName,
    response: { contentType: 'application/zip', description: 'The world folder as a zip' },
    handler: async ({ params: p, ctx, scope }) => {
      const { files } = await context(scope, p.serverId);
      if (!(await files.exists(`${p.name}/level.dat`))) throw notFound(`No world ${p.name}`, 'world_not_found');
      const archive = `${WORK}/${p.name}.zip`;
      await files.op('delete', { paths: [archive] }).catch(() => undefined);
      await files.op('mkdir', { path: WORK }).catch(() => undefined);
      await files.op('compress', { root: '', files: [p.name], destination: archive });
      const stream = await ensureOk(
        await files.open('GET', `/download?path=${encodeURIComponent(archive)}`, { timeoutMs: 3_600_000 }),
        'The node could not send the world',
      );
      ctx.set('content-type', 'application/zip');
      ctx.set('content-disposition', `attachment; filename="${p.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.zip"`);
      const length = stream.headers['content-length'];
      if (length) ctx.set('content-length', length);
      // The temporary archive goes once the download ends, however it ends.
      stream.once('close', () => void files.op('delete', { paths: [archive] }).catch(() => undefined));
      ctx.body = stream;
    },
  });
}
