import { expect } from 'chai';
import { createStorage, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { openSocket } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { BACKUPS_SOCKET, type BackupUpdate } from '../progress.js';
import { createServer, finished, startBackupsPanel, type BackupsPanel } from './fixture.js';

describe('backups on two panels sharing one PostgreSQL', function () {
  this.timeout(180_000);
  let storage: Awaited<ReturnType<typeof createStorage>>;
  let one: BackupsPanel;
  let two: BackupsPanel;
  let node: TestNode;

  before(async () => {
    await testImage();
    storage = await createStorage('postgres');
    one = await startBackupsPanel('postgres', {}, [], {}, storage);
    two = await startBackupsPanel('postgres', {}, [], {}, storage);
    node = await startNodeFor(one.panel, { name: 'backups-two-panels', ports: 2, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
  });
  after(async () => {
    await two?.close();
    await one?.close();
    await node?.close();
    await storage?.cleanup();
  });

  it('a restore running on one panel keeps backups and other restores of that server out on the other, and lets them in once done', async () => {
    const owner = await one.createUser('owner@example.org');
    const serverId = await createServer(one, owner.id, node.nodeId, 'Shared');
    const onOne = await one.signIn(owner.email);
    const onTwo = await two.signIn(owner.email);
    const base = `/api/backups/servers/${serverId}/backups`;
    const made = await onTwo.post(base, { name: 'Before' });
    expect(made.status, JSON.stringify(made.body)).to.equal(202);
    const backup = await finished(onTwo, serverId, made.body.backup.id);
    expect(backup.status, backup.error).to.equal('completed');

    // Panel one swaps the server's files in (held open here: a real restore is over too soon to race).
    await one.panel.kernel.containerOf('backups').cradle.restoresInProgress.during(serverId, async () => {
      const during = await onTwo.post(base, { name: 'During a restore on the other panel' });
      expect(during.status, JSON.stringify(during.body)).to.equal(409);
      expect(during.body.error.code).to.equal('restore_in_progress');
      const second = await onTwo.post(`${base}/${backup.id}/restore`, {});
      expect(second.status, JSON.stringify(second.body)).to.equal(409);
      expect(second.body.error.code).to.equal('restore_in_progress');
      const onItsOwn = await onOne.post(base, { name: 'During a restore on this panel' });
      expect(onItsOwn.body.error?.code).to.equal('restore_in_progress');
    });

    const after = await onTwo.post(base, { name: 'After' });
    expect(after.status, JSON.stringify(after.body)).to.equal(202);
    expect((await finished(onTwo, serverId, after.body.backup.id)).status).to.equal('completed');
  });

  it("a viewer on one panel follows a backup's progress that another panel makes (socket.io across panels)", async () => {
    const owner = await one.createUser('viewer@example.org');
    const serverId = await createServer(one, owner.id, node.nodeId, 'Watched');
    const onOne = await one.signIn(owner.email);
    const onTwo = await two.signIn(owner.email);
    const watcher = await openSocket(two, onTwo, '/backups');
    const updates: BackupUpdate[] = [];
    watcher.on(BACKUPS_SOCKET.update, (u: BackupUpdate) => updates.push(u));
    expect(await watcher.timeout(5000).emitWithAck(BACKUPS_SOCKET.watch, { serverId })).to.deep.equal({ ok: true });
    try {
      const made = await onOne.post(`/api/backups/servers/${serverId}/backups`, { name: 'Made on panel one' });
      expect(made.status, JSON.stringify(made.body)).to.equal(202);
      expect((await finished(onOne, serverId, made.body.backup.id)).status).to.equal('completed');
      const done = await until('the completed update on panel two', () =>
        updates.find((u) => u.backupId === made.body.backup.id && u.status === 'completed'),
      );
      expect(done.serverId).to.equal(serverId);
      await new Promise((r) => setTimeout(r, 300));
      expect(
        updates.filter((u) => u.status === 'completed'),
        'once, not once per panel',
      ).to.have.length(1);
    } finally {
      watcher.close();
    }
  });
});
