import { expect } from 'chai';
import { DATABASES, docker, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';

const MiB = 1_048_576;

for (const database of DATABASES) {
  describe(`an admin creates a server with owner, node, port and every limit (${database})`, function () {
    this.timeout(180_000);
    let t: AccountsPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: `admin-create-${database}`, ports: 2 });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    it('creates it for the owner on the chosen node and port with memory, CPU, disk and swap the container gets; users may not set swap', async () => {
      const owner = await t.createUser(`admin-create-${database}@example.org`);
      const port = node.gamePorts[1]!;
      const created = await t.panel.request('POST', '/api/servers', {
        body: {
          name: 'Made by an admin',
          templateId: 'conductor-test',
          ownerId: owner.id,
          nodeId: node.nodeId,
          port,
          memoryMb: 384,
          cpuPercent: 150,
          diskMb: 2048,
          swapMb: 128,
        },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.deep.include({
        ownerId: owner.id,
        nodeId: node.nodeId,
        memoryMb: 384,
        cpuPercent: 150,
        diskMb: 2048,
        swapMb: 128,
      });
      expect(created.body.address.port).to.equal(port);

      const ob = await t.signIn(owner.email);
      const id = created.body.id as string;
      await until('installed', async () => (await ob.get(`/api/servers/${id}`)).body.state === 'offline', 60_000);
      expect((await ob.post(`/api/servers/${id}/power/start`)).status).to.equal(200);
      await until('running', async () => (await ob.get(`/api/servers/${id}`)).body.state === 'running', 60_000);
      const host = (await docker.getContainer(`conductor-${id}`).inspect()).HostConfig;
      expect([host.Memory, host.MemorySwap, host.NanoCpus]).to.deep.equal([384 * MiB, (384 + 128) * MiB, 1.5e9]);
      await ob.post(`/api/servers/${id}/power/kill`);

      const bySelf = await ob.post('/api/servers', { name: 'Swapped', templateId: 'conductor-test', memoryMb: 256, swapMb: 64 });
      expect([bySelf.status, bySelf.body.error.code]).to.deep.equal([403, 'forbidden']);
      const bad = await t.panel.request('POST', '/api/servers', {
        body: { name: 'Bad swap', templateId: 'conductor-test', ownerId: owner.id, memoryMb: 256, swapMb: -2 },
      });
      expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'validation_failed']);
    });
  });
}
