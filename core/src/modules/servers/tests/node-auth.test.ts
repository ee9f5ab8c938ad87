import { expect } from 'chai';
import { startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';

/**
 * A node that refuses the panel's token (changed on the node by hand) is the
 * panel's problem: every server tab's request answers 502 node_auth_failed, never the node's 401,
 * which the panel UI takes for "you are signed out".
 */
describe('a node that refuses the panel’s token (sqlite)', function () {
  this.timeout(120_000);
  let t: AccountsPanel;
  let node: TestNode;

  before(async () => {
    await testImage();
    t = await startAccountsPanel('sqlite');
    node = await startNodeFor(t.panel, { name: 'stale-token' });
  });
  after(async () => {
    await deleteAllServers(t.panel);
    await t.close();
    await node.close();
  });

  it('answers node_auth_failed on the files, properties, players and worlds tabs, and the person stays signed in', async () => {
    await t.createUser('tabs@example.org');
    const owner = await t.signIn('tabs@example.org');
    const created = await owner.post('/api/servers', { name: 'Stale', templateId: 'conductor-test' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as string;
    await until('the node to answer for its files', async () => (await owner.get(`/api/servers/${id}/files/list?path=`)).status === 200);

    // The node gets another token behind the panel's back (a node reconfigured by hand): it refuses the panel.
    const rotated = await node.agent.request('PUT', '/api/token', { body: { token: 'set-on-the-node-by-hand-0123456789abcdef' } });
    expect(rotated.status, JSON.stringify(rotated.body)).to.be.below(300);
    for (const path of [`files/list?path=`, `files/contents?path=server.properties`, 'properties', 'players', 'worlds']) {
      const res = await owner.get(`/api/servers/${id}/${path}`);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(502);
      expect(res.body.error.code, path).to.equal('node_auth_failed');
    }
    expect((await owner.get('/api/auth/me')).status, 'still signed in').to.equal(200);
  });
});
