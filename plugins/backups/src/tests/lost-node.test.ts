import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Bot } from 'mineflayer';
import { DATABASES, docker, joinAs, startAgent, startNodeFor, testImage, type TestAgent, type TestNode, until } from '@conductor/test';
import { checksums, createServer, startBackupsPanel, writeFile, type BackupsPanel } from './fixture.js';
import { sftpTarget, startSshd, type Sshd } from './sshd.js';

for (const database of DATABASES) {
  describe(`a lost node's servers come back on another node from their latest SFTP backup (${database})`, function () {
    this.timeout(240_000);
    let t: BackupsPanel;
    let lost: TestNode;
    let spare: TestNode;
    let sshd: Sshd;
    let returned: TestAgent | null = null;
    const bots: Bot[] = [];

    before(async () => {
      await testImage();
      sshd = await startSshd();
      t = await startBackupsPanel(database, {}, [], { nodes: { lostAfterSeconds: 2 } });
      lost = await startNodeFor(t.panel, { name: `lost-${database}`, ports: 2, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
      // Both agents drive the one Docker engine: their game containers need their own names.
      spare = await startNodeFor(t.panel, { name: `spare-${database}`, agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-spare-' } });
    });
    after(async () => {
      for (const bot of bots) bot.end();
      await t?.close();
      await returned?.close();
      await lost?.close().catch(() => undefined);
      await spare?.close();
      await sshd?.close();
    });

    const eventsOf = async (type: string, serverId: string) =>
      (await t.panel.request('GET', `/api/events?type=${type}&serverId=${serverId}`)).body.events.map((e: { data: unknown }) => e.data);

    it('restores a running server from its newest remote backup and starts it, marks one without a remote backup lost instead of recreating it empty, and fences the node when it comes back; the owner gets a mail for each; the dry run said so beforehand', async () => {
      const owner = await t.createUser(`lost-owner-${database}@example.org`);
      const target = await t.panel.request('POST', '/api/backups/targets', { body: sftpTarget(sshd, 'conductor') });
      expect(target.status, JSON.stringify(target.body)).to.equal(201);
      const backedUp = await createServer(t, owner.id, lost.nodeId, 'Backed up');
      const bare = await createServer(t, owner.id, lost.nodeId, 'No backup');
      await until('installed', async () => (await t.panel.request('GET', `/api/servers/${backedUp}`)).body.state === 'offline', 60_000);
      await writeFile(t, backedUp, 'heal-check/notes.txt', 'in the backup');
      const backup = await t.panel.request('POST', `/api/backups/servers/${backedUp}/backups`, {
        body: { name: 'Nightly', targetId: target.body.target.id },
      });
      expect(backup.status, JSON.stringify(backup.body)).to.equal(202);
      await until(
        'the backup to complete',
        async () => (await t.panel.request('GET', `/api/backups/servers/${backedUp}/backups`)).body.backups[0]?.status === 'completed',
        60_000,
      );
      const inBackup = Object.fromEntries(Object.entries(checksums(lost, backedUp)).filter(([f]) => f.startsWith('heal-check')));
      await writeFile(t, backedUp, 'heal-check/after.txt', 'written after the backup: lost with the node');
      expect((await t.panel.request('POST', `/api/servers/${backedUp}/power/start`)).status).to.equal(200);
      await until('running', async () => (await t.panel.request('GET', `/api/servers/${backedUp}`)).body.state === 'running', 60_000);

      // The dry run says what a loss would do, and changes nothing.
      const plan = await t.panel.request('GET', `/api/servers/healing/${lost.nodeId}/plan`);
      expect(plan.status, JSON.stringify(plan.body)).to.equal(200);
      const byId = Object.fromEntries((plan.body.servers as Array<{ serverId: string }>).map((p) => [p.serverId, p]));
      expect(byId[backedUp]).to.deep.include({
        action: 'reschedule',
        to: spare.nodeId,
        backupId: backup.body.backup.id,
        start: true,
        reason: null,
      });
      expect(byId[bare]).to.deep.include({
        action: 'mark_lost',
        to: null,
        backupId: null,
        start: false,
        reason: 'The server has no completed backup on a remote target',
      });
      expect((await t.panel.request('GET', '/api/servers/healing/no-such-node/plan')).body.error.code).to.equal('node_not_found');
      expect((await (await t.signIn(owner.email)).get(`/api/servers/healing/${lost.nodeId}/plan`)).status).to.equal(403);
      expect((await t.panel.request('GET', `/api/servers/${backedUp}`)).body.nodeId).to.equal(lost.nodeId);

      // The node is cut off: its agent stops answering, its game keeps running (the case fencing is for).
      await lost.agent.agent.stop();
      expect((await t.panel.request('POST', `/api/nodes/${lost.nodeId}/check`)).body.status).to.equal('down');
      expect(await eventsOf('server.rescheduled', backedUp), 'down is not lost').to.deep.equal([]);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await t.panel.request('POST', `/api/nodes/${lost.nodeId}/check`)).body.status).to.equal('lost');

      const [rescheduled] = await until(
        'the server to be rescheduled',
        async () => {
          const events = await eventsOf('server.rescheduled', backedUp);
          return events.length ? events : undefined;
        },
        120_000,
      );
      expect(rescheduled).to.deep.include({ from: lost.nodeId, to: spare.nodeId, backupId: backup.body.backup.id, started: true });
      expect(rescheduled.backupAgeSeconds).to.be.a('number').at.least(0);
      const back = (await until(
        'running on the spare node',
        async () => {
          const s = (await t.panel.request('GET', `/api/servers/${backedUp}`)).body;
          return s.nodeId === spare.nodeId && s.state === 'running' ? s : undefined;
        },
        60_000,
      )) as { address: { port: number } };
      expect(back.address.port).to.equal(spare.gamePorts[0]);
      const restored = Object.fromEntries(Object.entries(checksums(spare, backedUp)).filter(([f]) => f.startsWith('heal-check')));
      expect(restored, 'the backup, byte for byte, without what came after it').to.deep.equal(inBackup);
      bots.push(await joinAs(back.address.port, '127.0.0.1', 'Survivor'));
      const movedMail = await t.mailbox.waitFor(owner.email, /^Backed up was moved to another node$/);
      expect(movedMail.text)
        .to.contain(`from its backup of ${rescheduled.backupTakenAt}`)
        .and.to.contain('Changes made after that backup were lost');

      const [markedLost] = await until(
        'the server without a backup to be marked lost',
        async () => {
          const events = await eventsOf('server.lost', bare);
          return events.length ? events : undefined;
        },
        30_000,
      );
      expect(markedLost).to.deep.equal({
        nodeId: lost.nodeId,
        code: 'no_remote_backup',
        reason: 'The server has no completed backup on a remote target',
      });
      expect((await t.panel.request('GET', `/api/servers/${bare}`)).body.nodeId, 'never recreated empty elsewhere').to.equal(lost.nodeId);
      expect((await t.mailbox.waitFor(owner.email, /^No backup is unavailable$/)).text).to.contain(
        'The server has no completed backup on a remote target',
      );

      // The node comes back with its data and the old copy still running: it is fenced before it counts as up.
      expect((await docker.getContainer(`conductor-${backedUp}`).inspect()).State.Running, 'the cut-off copy still runs').to.equal(true);
      returned = await startAgent({
        dataDir: lost.agent.dataDir,
        network: lost.agent.network,
        config: { AGENT_TOKEN: lost.agent.agent.config.AGENT_TOKEN! },
      });
      expect((await t.panel.request('PATCH', `/api/nodes/${lost.nodeId}`, { body: { agentPort: returned.agent.port } })).status).to.equal(
        200,
      );
      expect((await t.panel.request('POST', `/api/nodes/${lost.nodeId}/check`)).body.status).to.equal('up');
      expect(
        (await returned.request('GET', `/api/servers/${backedUp}`)).status,
        'the moved server is gone from the returned node',
      ).to.equal(404);
      expect((await returned.request('GET', `/api/servers/${bare}`)).status, 'the one that never moved stays').to.equal(200);
      expect(
        await docker
          .getContainer(`conductor-${backedUp}`)
          .inspect()
          .then(
            () => 'exists',
            () => 'gone',
          ),
      ).to.equal('gone');
      const fenced = readdirSync(path.join(lost.agent.dataDir, 'fenced'));
      expect(
        fenced.filter((d) => d.startsWith(`${backedUp}-`)),
        'its files kept aside for the admin',
      ).to.have.length(1);
      expect(await eventsOf('server.fenced', backedUp)).to.deep.equal([{ nodeId: lost.nodeId, nowOn: spare.nodeId }]);
      expect((await t.panel.request('GET', `/api/servers/${backedUp}`)).body).to.deep.include({ nodeId: spare.nodeId, state: 'running' });
    });
  });
}
