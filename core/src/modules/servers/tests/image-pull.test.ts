import { expect } from 'chai';
import { DATABASES, startNodeFor, until, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers, UNREACHABLE_IMAGE, unreachableTemplate } from './server-fixtures.js';

/** An image on a registry nothing answers at: the start fails in words, and the server can still be reinstalled. */
for (const database of DATABASES) {
  describe(`starting a server whose image cannot be pulled (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;
    let node: TestNode;

    before(async () => {
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: 'no-registry' });
      await unreachableTemplate(t.panel, 'unreachable');
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    it('says that the image could not be pulled and from which registry, not Docker’s raw error; reinstall still works', async () => {
      const server = (await t.panel.request('POST', '/api/servers', { body: { name: 'No registry', templateId: 'unreachable' } })).body;
      expect(server.id, JSON.stringify(server)).to.be.a('string');
      const installs = async (count: number) =>
        until(`install ${count} to finish`, async () => {
          await t.panel.request('POST', `/api/nodes/${node.nodeId}/check`);
          return (await t.panel.request('GET', `/api/events?type=server.installed&serverId=${server.id}`)).body.events.length >= count;
        });
      await installs(1);

      const started = await t.panel.request('POST', `/api/servers/${server.id}/power/start`);
      expect(started.status, JSON.stringify(started.body)).to.equal(502);
      expect(started.body.error.code).to.equal('image_pull_failed');
      expect(started.body.error.message).to.equal(
        `The image ${UNREACHABLE_IMAGE} could not be pulled from the registry 127.0.0.1:1: the registry refused the connection (nothing answers at that address).`,
      );
      expect(started.body.error.details).to.deep.include({ image: UNREACHABLE_IMAGE, registry: '127.0.0.1:1' });
      expect(started.body.error.details.docker, "Docker's own words stay in the details").to.contain('connection refused');

      // The server's console says the same, and the server is offline, ready for another try.
      const lines = (await node.agent.request('GET', `/api/servers/${server.id}/logs`)).body.lines as string[];
      expect(lines).to.include(`[conductor] The server could not start: ${started.body.error.message}`);
      expect(
        lines.some((l) => l.includes('dial tcp')),
        'no raw Docker error on the console',
      ).to.equal(false);
      // The state is the event log's mirror, which may lag a moment behind the node's server.stopped.
      await until(
        'the server to read offline',
        async () => (await t.panel.request('GET', `/api/servers/${server.id}`)).body.state === 'offline',
      );
      // The server keeps the failure in the node's words, for its page to explain until a good start.
      await until('the failure mirrored', async () => {
        await t.panel.request('POST', `/api/nodes/${node.nodeId}/check`);
        return (await t.panel.request('GET', `/api/servers/${server.id}`)).body.failure?.kind === 'start_failed';
      });
      expect((await t.panel.request('GET', `/api/servers/${server.id}`)).body.failure.reason).to.equal(started.body.error.message);
      expect((await t.panel.request('POST', `/api/servers/${server.id}/reinstall`)).status).to.equal(202);
      await installs(2);
    });
  });
}
