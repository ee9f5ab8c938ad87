import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { checksums, startBackupsPanel, writeFile, type BackupsPanel } from '../../../backups/src/tests/fixture.js';
import { startSshd, type Sshd } from '../../../backups/src/tests/sshd.js';
import scalingPlugin from '../index.js';

const NODE_MB = 3072;

for (const database of DATABASES) {
  describe(`an archived server wakes in a cluster whose sleepers give their memory back (${database})`, function () {
    this.timeout(240_000);
    let t: BackupsPanel;
    let a: TestNode;
    let b: TestNode;
    let sshd: Sshd;

    before(async () => {
      await testImage();
      sshd = await startSshd();
      t = await startBackupsPanel(database, {}, [scalingPlugin]);
      a = await startNodeFor(t.panel, {
        name: `arch-a-${database}`,
        ports: 5,
        agentConfig: { AGENT_BACKUP_RESERVE_MB: '0', AGENT_CONTAINER_PREFIX: 'conductor-arch-a-' },
      });
      b = await startNodeFor(t.panel, {
        name: `arch-b-${database}`,
        ports: 5,
        agentConfig: { AGENT_BACKUP_RESERVE_MB: '0', AGENT_CONTAINER_PREFIX: 'conductor-arch-b-' },
      });
      for (const node of [a, b])
        expect(
          (
            await t.panel.request('PATCH', `/api/nodes/${node.nodeId}`, {
              body: { location: 'eu', memoryMb: NODE_MB, memoryOverallocPct: 0 },
            })
          ).status,
        ).to.equal(200);
      const policy = await t.panel.request('PUT', '/api/scaling/clusters/eu', {
        body: { minNodes: 0, maxNodes: 0, serverTypes: ['cx22'], locations: ['fsn1'], monthlyBudgetCents: 0 },
      });
      expect(policy.status, JSON.stringify(policy.body)).to.equal(200);
    });
    after(async () => {
      await t?.close();
      await a?.close();
      await b?.close();
      await sshd?.close();
    });

    const server = async (id: string) => (await t.panel.request('GET', `/api/servers/${id}`)).body;
    const installedOn = async (node: TestNode, name: string, ownerId: string) => {
      const created = await t.panel.request('POST', '/api/servers', {
        body: { name, templateId: 'conductor-test', ownerId, memoryMb: 1024, nodeId: node.nodeId },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      await until('installed', async () => (await server(created.body.id)).state === 'offline', 60_000);
      return created.body.id as string;
    };

    it('is restored, finds its node full, moves to the other node with the same files and runs there', async () => {
      const owner = await t.createUser(`archived-${database}@example.org`);
      const id = await installedOn(a, 'Old world', owner.id);
      await writeFile(t, id, 'archive-check/notes.txt', 'kept through archive, restore and a move');
      const mine = (all: Record<string, string>) => Object.fromEntries(Object.entries(all).filter(([f]) => f.startsWith('archive-check')));
      const expected = mine(checksums(a, id));
      expect(Object.keys(expected)).to.have.length(1);
      const target = await t.panel.request('POST', '/api/backups/targets', {
        body: {
          name: 'Storage Box',
          host: '127.0.0.1',
          port: sshd.port,
          username: sshd.username,
          path: path.join(sshd.root, 'conductor'),
          auth: 'key',
          secret: sshd.privateKey,
        },
      });
      expect(target.status, JSON.stringify(target.body)).to.equal(201);
      expect((await t.panel.request('POST', `/api/servers/${id}/sleep`)).status).to.equal(200);
      const archived = await t.panel.request('POST', `/api/servers/${id}/archive`);
      expect([archived.status, archived.body.phase]).to.deep.equal([200, 'archived']);
      // Its memory is free: three awake servers fill a.
      for (const name of ['One', 'Two', 'Three']) await installedOn(a, name, owner.id);

      const woken = await t.panel.request('POST', `/api/servers/${id}/wake`);
      expect(woken.status, JSON.stringify(woken.body)).to.equal(200);
      expect(woken.body).to.deep.include({ nodeId: b.nodeId, phase: 'active' });
      expect(mine(checksums(b, id))).to.deep.equal(expected);
      await until('running on b', async () => (await server(id)).state === 'running', 60_000);
      const phases = (await t.panel.request('GET', `/api/events?type=server.phase_changed&serverId=${id}`)).body.events.map(
        (e: { data: { from: string; to: string } }) => `${e.data.from}>${e.data.to}`,
      );
      expect(phases).to.deep.equal(['active>sleep', 'sleep>archived', 'archived>sleep', 'sleep>active']);
    });
  });
}
