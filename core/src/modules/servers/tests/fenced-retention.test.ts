import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, startNodeFor, startPanel, testImage, type TestNode, type TestPanel, until } from '@conductor/test';
import { fencedName } from '../../../protocol/fenced.js';

for (const database of DATABASES) {
  describe(`fenced files are removed after the retention period (${database})`, function () {
    this.timeout(120_000);
    let panel: TestPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      panel = await startPanel({ database, config: { plugins: { servers: { fencedRetentionDays: 7 } } } });
      node = await startNodeFor(panel, { name: `fenced-${database}`, ports: 2 });
    });
    after(async () => {
      await panel.close();
      await node.close();
    });

    it("the leader's sweep removes fenced folders older than the period and keeps younger ones and anything not fenced", async () => {
      const fencedDir = path.join(node.agent.dataDir, 'fenced');
      const ids: string[] = [];
      for (const name of ['Old', 'Young']) {
        const created = await panel.request('POST', '/api/servers', {
          body: { name, templateId: 'conductor-test', nodeId: node.nodeId, memoryMb: 256 },
        });
        expect(created.status, JSON.stringify(created.body)).to.equal(201);
        ids.push(created.body.id);
      }
      for (const id of ids)
        await until('installed', async () => (await panel.request('GET', `/api/servers/${id}`)).body.state === 'offline', 60_000);
      // The node fences both, as it does when it comes back after they moved (files kept aside).
      for (const id of ids) expect((await node.agent.request('DELETE', `/api/servers/${id}?keepFiles=true`)).status).to.equal(204);
      const [old, young] = ids.map((id) => readdirSync(fencedDir).find((n) => n.startsWith(`${id}-`))!);
      // The first one was fenced eight days ago.
      const aged = fencedName(ids[0]!, new Date(Date.now() - 8 * 86_400_000));
      renameSync(path.join(fencedDir, old!), path.join(fencedDir, aged));
      mkdirSync(path.join(fencedDir, 'an-admins-notes'));

      const listed = (await node.agent.request('GET', '/api/fenced')).body.entries as Array<{ name: string; serverId: string }>;
      expect(listed.map((e) => [e.name, e.serverId])).to.have.deep.members([
        [aged, ids[0]],
        [young, ids[1]],
      ]);
      expect((await node.agent.request('DELETE', '/api/fenced/..%2Fvolumes')).status).to.equal(400);

      await panel.kernel.scheduler.runNow('servers.fenced-retention');
      expect(readdirSync(fencedDir).sort()).to.deep.equal(['an-admins-notes', young].sort());
      expect(existsSync(path.join(fencedDir, aged))).to.equal(false);
      const events = (await panel.request('GET', `/api/events?type=server.fenced_files_removed`)).body.events as Array<{
        serverId: string;
        data: Record<string, unknown>;
      }>;
      expect(events.map((e) => [e.serverId, e.data.name])).to.deep.equal([[ids[0], aged]]);
    });
  });
}
