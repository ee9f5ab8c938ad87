import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, startNodeFor, startPanel, testImage, testServerSpec, type TestNode, type TestPanel, until } from '@conductor/test';

for (const database of DATABASES) {
  describe(`garbage collection reports orphans and reaps them on an admin's word (${database})`, function () {
    this.timeout(120_000);
    let panel: TestPanel;
    let node: TestNode;
    let other: TestNode;

    before(async () => {
      await testImage();
      // Automatic reaping on: the nightly job (run by hand here) reaps only what the night before found too.
      panel = await startPanel({ database, config: { plugins: { servers: { gcAutoReap: true } } } });
      node = await startNodeFor(panel, { name: `gc-${database}`, ports: 3 });
      other = await startNodeFor(panel, { name: `gc-other-${database}`, agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-gc-other-' } });
    });
    after(async () => {
      await panel.close();
      await node.close();
      await other.close();
    });

    it('finds a server the panel has no record of, a folder no server owns and a port booked for a gone server; reaps them and leaves the live server alone', async () => {
      const created = await panel.request('POST', '/api/servers', {
        body: { name: 'Alive', templateId: 'conductor-test', nodeId: node.nodeId, memoryMb: 256 },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const live = created.body.id as string;
      await until('installed', async () => (await panel.request('GET', `/api/servers/${live}`)).body.state === 'offline', 60_000);

      // A server the agent runs that the panel never recorded (a create whose panel side was rolled back).
      const { spec } = await testServerSpec(`gc-ghost-${database}`);
      expect((await node.agent.request('POST', '/api/servers', { body: spec })).status).to.equal(201);
      // A server folder nothing owns (a removal cut short).
      const stray = `gc-stray-${database}`;
      mkdirSync(path.join(node.agent.dataDir, 'volumes', stray));
      writeFileSync(path.join(node.agent.dataDir, 'volumes', stray, 'level.dat'), 'left behind');
      // A port still booked for a server that is gone (a delete cut short between its steps).
      const free = (await panel.request('GET', `/api/nodes/${node.nodeId}/allocations`)).body.allocations.find(
        (a: { serverId: string | null }) => a.serverId === null,
      );
      await panel.kernel.db('allocations').where({ id: free.id }).update({ server_id: 'sgonegonegone' });

      expect((await panel.request('GET', '/api/servers/gc/report')).status).to.equal(404);
      const scanned = await panel.request('POST', '/api/servers/gc/scan', { body: {} });
      expect(scanned.status, JSON.stringify(scanned.body)).to.equal(200);
      const found = (scanned.body.items as Array<{ kind: string; id: string; reaped: boolean }>).map((i) => [i.kind, i.id, i.reaped]);
      expect(found).to.have.deep.members([
        ['agent_server', spec.id, false],
        ['orphan_volume', stray, false],
        ['orphan_allocation', 'sgonegonegone', false],
      ]);
      expect((await panel.request('GET', '/api/servers/gc/report')).body.items).to.deep.equal(scanned.body.items);

      const refused = await panel.request('POST', '/api/servers/gc/reap', { body: {} });
      expect([refused.status, refused.body.error?.code]).to.deep.equal([400, 'validation_failed']);
      expect((await node.agent.request('GET', `/api/servers/${spec.id}`)).status, 'nothing reaped without the confirmation').to.equal(200);

      const reaped = await panel.request('POST', '/api/servers/gc/reap', { body: { confirm: true } });
      expect(reaped.status, JSON.stringify(reaped.body)).to.equal(200);
      expect(reaped.body.items.every((i: { reaped: boolean }) => i.reaped)).to.equal(true);
      expect(reaped.body.reapedAt).to.be.a('string');
      expect((await node.agent.request('GET', `/api/servers/${spec.id}`)).status).to.equal(404);
      expect(existsSync(path.join(node.agent.dataDir, 'volumes', stray))).to.equal(false);
      const allocations = (await panel.request('GET', `/api/nodes/${node.nodeId}/allocations`)).body.allocations;
      expect(allocations.find((a: { id: number }) => a.id === free.id).serverId).to.equal(null);

      // The live server: its record, its agent server, its files and its port.
      expect((await panel.request('GET', `/api/servers/${live}`)).body.nodeId).to.equal(node.nodeId);
      expect((await node.agent.request('GET', `/api/servers/${live}`)).status).to.equal(200);
      expect(existsSync(path.join(node.agent.dataDir, 'volumes', live))).to.equal(true);
      expect(allocations.some((a: { serverId: string | null }) => a.serverId === live)).to.equal(true);
      expect((await panel.request('POST', '/api/servers/gc/scan', { body: {} })).body.items).to.deep.equal([]);
    });

    it('finds the copy a failed transfer staged on a node the server does not live on, and reaps it there only', async () => {
      const created = await panel.request('POST', '/api/servers', {
        body: { name: 'Stayed home', templateId: 'conductor-test', nodeId: node.nodeId, memoryMb: 256 },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const id = created.body.id as string;
      await until('installed', async () => (await panel.request('GET', `/api/servers/${id}`)).body.state === 'offline', 60_000);
      // What a transfer's preparing step puts on its target (the same id), left there when the
      // transfer failed and the target could not be told to remove it.
      const { spec } = await testServerSpec('leftover');
      expect((await other.agent.request('POST', '/api/servers', { body: { ...spec, id } })).status).to.equal(201);

      const scanned = (await panel.request('POST', '/api/servers/gc/scan', { body: {} })).body.items as Array<Record<string, unknown>>;
      expect(scanned.map((i) => [i.kind, i.nodeId, i.id])).to.deep.equal([['transfer_leftover', other.nodeId, id]]);
      expect(String(scanned[0]!.detail)).to.contain(node.nodeId);
      const reaped = await panel.request('POST', '/api/servers/gc/reap', { body: { confirm: true } });
      expect(reaped.body.items.map((i: { reaped: boolean }) => i.reaped)).to.deep.equal([true]);
      expect((await other.agent.request('GET', `/api/servers/${id}`)).status).to.equal(404);
      expect((await node.agent.request('GET', `/api/servers/${id}`)).status, 'the server itself is untouched').to.equal(200);
      expect(existsSync(path.join(node.agent.dataDir, 'volumes', id))).to.equal(true);
      expect((await panel.request('DELETE', `/api/servers/${id}`)).status).to.equal(204);
    });

    it('with gcAutoReap, the nightly job reaps an orphan only on the night after it was first reported', async () => {
      const stray = path.join(node.agent.dataDir, 'volumes', `gc-late-${database}`);
      mkdirSync(stray);
      await panel.kernel.scheduler.runNow('servers.gc');
      const first = (await panel.request('GET', '/api/servers/gc/report')).body;
      expect(first.items.map((i: { id: string; reaped: boolean }) => [i.id, i.reaped])).to.deep.equal([[`gc-late-${database}`, false]]);
      expect(existsSync(stray), 'not on the night it is first seen').to.equal(true);
      await panel.kernel.scheduler.runNow('servers.gc');
      const second = (await panel.request('GET', '/api/servers/gc/report')).body;
      expect(second.items.map((i: { id: string; reaped: boolean }) => [i.id, i.reaped])).to.deep.equal([[`gc-late-${database}`, true]]);
      expect(existsSync(stray)).to.equal(false);
    });
  });
}
