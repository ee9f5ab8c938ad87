import { expect } from 'chai';
import { DATABASES, docker, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';

const MiB = 1_048_576;

for (const database of DATABASES) {
  describe(`an admin changes a server's limits (${database})`, function () {
    this.timeout(180_000);
    let t: AccountsPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: `limits-${database}` });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    const eventsOf = async (type: string, serverId: string) =>
      (
        (await t.panel.request('GET', `/api/events?type=${type}&serverId=${serverId}`)).body.events as Array<{
          data: Record<string, unknown>;
        }>
      ).map((e) => e.data);

    it('applies memory and CPU to the running container at once, emits memory_changed for billing, and refuses what the node has no room for, bad input and non-admins with nothing changed', async () => {
      const owner = await t.createUser(`owner-${database}@example.org`);
      const browser = await t.signIn(owner.email);
      const created = await browser.post('/api/servers', { name: 'Growing', templateId: 'conductor-test', memoryMb: 512 });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const id = created.body.id as string;
      await until('installed', async () => (await browser.get(`/api/servers/${id}`)).body.state === 'offline', 60_000);
      expect((await browser.post(`/api/servers/${id}/power/start`)).status).to.equal(200);
      await until('running', async () => (await browser.get(`/api/servers/${id}`)).body.state === 'running', 60_000);
      const container = docker.getContainer(`conductor-${id}`);
      expect((await container.inspect()).HostConfig.Memory).to.equal(512 * MiB);

      const limits = (body: unknown, as = t.panel.request.bind(t.panel)) => as('PUT', `/api/servers/${id}/limits`, { body });
      const unchanged = async () => {
        expect((await browser.get(`/api/servers/${id}`)).body).to.deep.include({ memoryMb: 512, cpuPercent: 200 });
        expect(await eventsOf('server.memory_changed', id)).to.deep.equal([]);
        expect((await container.inspect()).HostConfig.Memory).to.equal(512 * MiB);
      };

      const byOwner = await browser.request('PUT', `/api/servers/${id}/limits`, { body: { memoryMb: 1024 } });
      expect(byOwner.status).to.equal(403);
      const unknown = await limits({ memoryMb: 1024, swapMb: 64 });
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([400, 'validation_failed']);
      expect((await limits({})).status, 'nothing to change').to.equal(400);
      expect((await limits({ memoryMb: 64 })).status, 'below the minimum').to.equal(400);
      const full = await limits({ memoryMb: 8192 });
      expect([full.status, full.body.error.code]).to.deep.equal([409, 'node_full']);
      await unchanged();

      // A node that does not answer: the panel changes nothing rather than drift from the node.
      await t.panel.request('PATCH', `/api/nodes/${node.nodeId}`, { body: { agentPort: 1 } });
      const down = await limits({ memoryMb: 1024 });
      expect([down.status, down.body.error.code]).to.deep.equal([502, 'node_unreachable']);
      await t.panel.request('PATCH', `/api/nodes/${node.nodeId}`, { body: { agentPort: node.agent.agent.port } });
      await unchanged();

      const changed = await limits({ memoryMb: 1024, cpuPercent: 150 });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body).to.deep.include({ memoryMb: 1024, cpuPercent: 150, diskMb: created.body.diskMb, state: 'running' });
      const inspect = await container.inspect();
      expect(inspect.HostConfig.Memory, 'the running container got the new limit').to.equal(1024 * MiB);
      expect(inspect.HostConfig.NanoCpus).to.equal(1.5e9);
      expect(await eventsOf('server.memory_changed', id)).to.deep.equal([{ memoryMb: 1024, from: 512 }]);
      expect(await eventsOf('server.limits_changed', id)).to.deep.equal([
        {
          memoryMb: 1024,
          cpuPercent: 150,
          diskMb: created.body.diskMb,
          previous: { memoryMb: 512, cpuPercent: 200, diskMb: created.body.diskMb },
        },
      ]);

      // CPU alone: no memory event.
      expect((await limits({ cpuPercent: 100 })).status).to.equal(200);
      expect(await eventsOf('server.memory_changed', id)).to.have.length(1);
    });
  });
}
