import { expect } from 'chai';
import { startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { definePlugin } from '@conductor/core';
import { createServer, finished, startBackupsPanel, type BackupsPanel } from './fixture.js';

/** Stands in for the marketplace plugin: it owns marketplace.beforeInstall. */
const marketplaceStandIn = definePlugin({
  manifest: { name: 'marketplace-stand-in', version: '0.0.0' },
  register(ctx) {
    ctx.defineHook('marketplace.beforeInstall', 'series');
  },
});

/**
 * The backups tab talks to the node through core's one agent client: a node that refuses the
 * panel's token answers 502 node_auth_failed there too, never the node's 401 (which the panel UI
 * takes for "you are signed out").
 */
describe('the backups tab on a node that refuses the panel’s token (sqlite)', function () {
  this.timeout(180_000);
  let t: BackupsPanel;
  let node: TestNode;

  before(async () => {
    await testImage();
    t = await startBackupsPanel('sqlite', {}, [marketplaceStandIn]);
    node = await startNodeFor(t.panel, { name: 'backups-stale-token', agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
  });
  after(async () => {
    await t?.close();
    await node?.close();
  });

  it('answers node_auth_failed on download, restore and delete, and the person stays signed in', async () => {
    const owner = await t.createUser('backups-tab@example.org');
    const ob = await t.signIn(owner.email);
    const serverId = await createServer(t, owner.id, node.nodeId, 'Stale backups');
    await until('the node to answer for its files', async () => (await ob.get(`/api/servers/${serverId}/files/list?path=`)).status === 200);
    const created = await ob.post(`/api/backups/servers/${serverId}/backups`, { name: 'Before' });
    expect(created.status, JSON.stringify(created.body)).to.equal(202);
    const backup = await finished(ob, serverId, created.body.backup.id);
    expect(backup.status, backup.error).to.equal('completed');

    const rotated = await node.agent.request('PUT', '/api/token', { body: { token: 'set-on-the-node-by-hand-0123456789abcdef' } });
    expect(rotated.status, JSON.stringify(rotated.body)).to.be.below(300);
    const item = `/api/backups/servers/${serverId}/backups/${backup.id}`;
    for (const [method, path] of [
      ['GET', `${item}/download`],
      ['POST', `${item}/restore`],
      ['DELETE', item],
    ] as const) {
      const res = await ob.request(method, path, method === 'POST' ? { body: {} } : {});
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(502);
      expect(res.body.error.code, `${method} ${path}`).to.equal('node_auth_failed');
    }
    expect((await ob.get('/api/auth/me')).status, 'still signed in').to.equal(200);
    expect((await ob.get(item)).body.backup.status, 'the refused delete left the backup').to.equal('completed');
  });
});
