import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { DATABASES, joinAs, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { checksums, createServer, startBackupsPanel, volume, writeFile, type BackupsPanel } from './fixture.js';
import { sftpTarget, startSshd, type Sshd } from './sshd.js';

for (const database of DATABASES) {
  describe(`archiving a sleeping server to the SFTP target and waking it back (${database})`, function () {
    this.timeout(180_000);
    let t: BackupsPanel;
    let node: TestNode;
    let sshd: Sshd;

    before(async () => {
      await testImage();
      sshd = await startSshd();
      t = await startBackupsPanel(database);
      node = await startNodeFor(t.panel, { name: `archive-${database}`, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
    });
    after(async () => {
      await t?.close();
      await node?.close();
      await sshd?.close();
    });

    it('archives only a sleeping server and only with a remote target, removes its files from the node, and brings them back byte-identical on wake and when a player joins', async () => {
      const owner = await t.createUser(`archive-owner-${database}@example.org`);
      const id = await createServer(t, owner.id, node.nodeId, 'Old world');
      await writeFile(t, id, 'archive-check/notes.txt', 'kept while asleep for weeks');
      await writeFile(t, id, 'archive-check/blob.bin', randomBytes(200_000).toString('base64'));
      const mine = (all: Record<string, string>) => Object.fromEntries(Object.entries(all).filter(([f]) => f.startsWith('archive-check')));
      const expected = mine(checksums(node, id));
      expect(Object.keys(expected)).to.have.length(2);

      const awake = await t.panel.request('POST', `/api/servers/${id}/archive`);
      expect(awake.status).to.equal(409);
      expect(awake.body.error.code).to.equal('not_asleep');
      expect((await t.panel.request('POST', `/api/servers/${id}/sleep`)).body.phase).to.equal('sleep');
      const nowhere = await t.panel.request('POST', `/api/servers/${id}/archive`);
      expect(nowhere.body.error.code, 'no remote target yet').to.equal('archive_unavailable');
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body.phase).to.equal('sleep');
      expect(existsSync(volume(node, id)), 'files stay when nothing can archive them').to.equal(true);

      const target = await t.panel.request('POST', '/api/backups/targets', { body: sftpTarget(sshd, 'conductor') });
      expect(target.status, JSON.stringify(target.body)).to.equal(201);
      const archived = await t.panel.request('POST', `/api/servers/${id}/archive`);
      expect(archived.status, JSON.stringify(archived.body)).to.equal(200);
      expect(archived.body.phase).to.equal('archived');
      expect(existsSync(volume(node, id)), 'no disk held on the node').to.equal(false);
      expect((await node.agent.request('GET', `/api/servers/${id}`)).status).to.equal(404);
      const backups = (await t.panel.request('GET', `/api/backups/servers/${id}/backups`)).body.backups as Array<{
        origin: string;
        status: string;
        targetId: string;
      }>;
      expect(backups.map((b) => [b.origin, b.status, b.targetId])).to.deep.equal([['archive', 'completed', target.body.target.id]]);

      const woken = await t.panel.request('POST', `/api/servers/${id}/wake`);
      expect(woken.status, JSON.stringify(woken.body)).to.equal(200);
      expect(woken.body.phase).to.equal('active');
      expect(mine(checksums(node, id)), 'the same bytes back').to.deep.equal(expected);
      const phases = (await t.panel.request('GET', `/api/events?type=server.phase_changed&serverId=${id}`)).body.events.map(
        (e: { data: unknown }) => e.data,
      );
      expect(phases[1].archiveMb, 'the archive size on the event').to.be.a('number').greaterThan(0);
      expect(phases).to.deep.equal([
        { from: 'active', to: 'sleep', reason: 'api' },
        { from: 'sleep', to: 'archived', reason: 'api', archiveMb: phases[1].archiveMb },
        { from: 'archived', to: 'active', reason: 'api' },
      ]);

      // The leader's worker archives a server asleep longer than its policy's 14 days.
      expect((await t.panel.request('POST', `/api/servers/${id}/sleep`)).body.phase).to.equal('sleep');
      await t.panel.kernel.containerOf('servers').cradle.serverLifecycle.sweep(Date.now() + 13 * 86_400_000);
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body.phase, 'not after 13 days').to.equal('sleep');
      await t.panel.kernel.containerOf('servers').cradle.serverLifecycle.sweep(Date.now() + 15 * 86_400_000);
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body.phase).to.equal('archived');
      const last = (await t.panel.request('GET', `/api/events?type=server.phase_changed&serverId=${id}`)).body.events.at(-1).data;
      // The archive's size rides on the event: billing prices archives per GB-month from it.
      const archive = (await t.panel.request('GET', `/api/backups/servers/${id}/backups`)).body.backups.find(
        (b: { origin: string }) => b.origin === 'archive',
      );
      expect(last).to.deep.equal({
        from: 'sleep',
        to: 'archived',
        reason: 'asleep_long',
        archiveMb: Math.ceil(archive.sizeBytes / 1_048_576),
      });
      expect(last.archiveMb).to.be.greaterThan(0);
      expect(existsSync(volume(node, id))).to.equal(false);

      // A player joining the archived server on its own port: the edge holds them while the files
      // come back and the server starts, then lets them in.
      const port = (await t.panel.request('GET', `/api/servers/${id}`)).body.address.port as number;
      const bot = await until(
        'the edge on the archived server port',
        () => joinAs(port, '127.0.0.1', 'Returner').catch(() => undefined),
        60_000,
      );
      bot.end();
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body.phase).to.equal('active');
      const back = (await t.panel.request('GET', `/api/events?type=server.phase_changed&serverId=${id}`)).body.events.at(-1).data;
      expect(back).to.deep.equal({ from: 'archived', to: 'active', reason: 'join' });
      expect(mine(checksums(node, id))).to.deep.equal(expected);
      await t.panel.request('POST', `/api/servers/${id}/power/kill`);
    });

    it('brings an archived server back on another node with room when its own node is down, with the same files', async () => {
      const owner = await t.createUser(`mover-${database}@example.org`);
      const gone = await startNodeFor(t.panel, { name: `archive-gone-${database}`, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
      const spare = await startNodeFor(t.panel, { name: `archive-spare-${database}` });
      try {
        const id = await createServer(t, owner.id, gone.nodeId, 'Traveller');
        await writeFile(t, id, 'archive-check/map.txt', 'the way home');
        const expected = Object.fromEntries(Object.entries(checksums(gone, id)).filter(([f]) => f.startsWith('archive-check')));
        expect((await t.panel.request('POST', `/api/servers/${id}/sleep`)).body.phase).to.equal('sleep');
        expect((await t.panel.request('POST', `/api/servers/${id}/archive`)).body.phase).to.equal('archived');

        await gone.agent.close();
        expect((await t.panel.request('POST', `/api/nodes/${gone.nodeId}/check`)).body.status).to.equal('down');
        const woken = await t.panel.request('POST', `/api/servers/${id}/wake`);
        expect(woken.status, JSON.stringify(woken.body)).to.equal(200);
        expect(woken.body).to.deep.include({ phase: 'active', nodeId: spare.nodeId });
        expect(woken.body.address.port).to.equal(spare.gamePorts[0]);
        const back = Object.fromEntries(Object.entries(checksums(spare, id)).filter(([f]) => f.startsWith('archive-check')));
        expect(back, 'byte-identical on the other node').to.deep.equal(expected);
        const moved = (await t.panel.request('GET', `/api/events?type=server.moved&serverId=${id}`)).body.events.map(
          (e: { data: unknown }) => e.data,
        );
        expect(moved).to.deep.equal([{ from: gone.nodeId, to: spare.nodeId, reason: 'restore' }]);
        await t.panel.request('POST', `/api/servers/${id}/power/kill`);
      } finally {
        await spare.close();
        await gone.close().catch(() => undefined);
      }
    });
  });
}
