import { expect } from 'chai';
import { z } from 'zod';
import { definePlugin, type Principal } from '@conductor/core';
import { startPanel, type TestPanel } from '@conductor/test';

const user: Principal = { id: 'u1', kind: 'user', role: 'user' };

/** A plugin with one permission route, and a resolver that makes `Bearer user` a plain user. */
function probe(withDecision?: (serverId: string) => 'allow' | 'deny' | 'not_found' | undefined) {
  return definePlugin({
    manifest: { name: 'probe', version: '1.0.0' },
    permissions: [
      { group: 'probe', label: { en: 'Probe', de: 'Probe' }, keys: [{ action: 'start', label: { en: 'Start', de: 'Starten' } }] },
    ],
    register(ctx) {
      ctx.tap('auth.resolve', 'probe-user', (koa) => (koa.get('authorization') === 'Bearer user' ? user : undefined));
      if (withDecision) ctx.tap('auth.authorize', 'probe', ({ serverId }) => withDecision(serverId));
    },
    routes(r) {
      r.route({
        method: 'post',
        path: '/servers/:serverId/start',
        summary: 'Start',
        access: 'user',
        permission: 'probe.start',
        params: z.object({ serverId: z.string() }),
        response: { schema: z.object({ started: z.string() }) },
        handler: ({ params }) => ({ started: params.serverId }),
      });
    },
  });
}

describe('kernel: per-server permission check', () => {
  let panel: TestPanel | null = null;
  afterEach(async () => {
    await panel?.close();
    panel = null;
  });

  it('with no auth.authorize answer lets admins through and tells users the server does not exist', async () => {
    panel = await startPanel({ database: 'sqlite', withoutCoreModules: true, plugins: [probe()] });
    expect((await panel.request('POST', '/api/probe/servers/a/start')).body).to.deep.equal({ started: 'a' });
    const res = await panel.request('POST', '/api/probe/servers/a/start', { headers: { authorization: 'Bearer user' } });
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('not_found');
  });

  it('follows the tap: allow, deny (403 naming the key) or not_found (404)', async () => {
    panel = await startPanel({
      database: 'sqlite',
      withoutCoreModules: true,
      plugins: [probe((id) => (id === 'mine' ? 'allow' : id === 'shared' ? 'deny' : 'not_found'))],
    });
    const as = (id: string) => panel!.request('POST', `/api/probe/servers/${id}/start`, { headers: { authorization: 'Bearer user' } });
    expect((await as('mine')).body).to.deep.equal({ started: 'mine' });
    const denied = await as('shared');
    expect(denied.status).to.equal(403);
    expect(denied.body.error.details).to.deep.equal({ permission: 'probe.start' });
    expect((await as('other')).status).to.equal(404);
    const doc = (await panel.request('GET', '/api/openapi.json')).body;
    expect(doc.paths['/api/probe/servers/{serverId}/start'].post['x-permission']).to.equal('probe.start');
  });

  it('refuses to mount a permission route without a :serverId parameter, disabling the plugin', async () => {
    const bad = definePlugin({
      manifest: { name: 'bad-perm', version: '1.0.0' },
      routes(r) {
        r.route({
          method: 'get',
          path: '/things',
          summary: 'No server id',
          access: 'user',
          permission: 'file.read',
          response: {},
          handler: () => undefined,
        });
      },
    });
    panel = await startPanel({ database: 'sqlite', plugins: [bad] });
    const status = (await panel.request('GET', '/api/admin/plugins')).body.plugins.find((p: { name: string }) => p.name === 'bad-perm');
    expect(status.state).to.equal('failed');
    expect(status.error.message).to.contain('needs a :serverId path parameter');
  });
});
