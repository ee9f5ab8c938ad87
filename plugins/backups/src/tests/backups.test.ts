import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { asValue } from 'awilix';
import { expect } from 'chai';
import { DATABASES, startAgent, startNodeFor, testImage, until, type TestAgent, type TestNode } from '@conductor/test';
import { definePlugin, type Principal } from '@conductor/core';
import { openSocket } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { BACKUPS_SOCKET, type BackupUpdate } from '../progress.js';
import { checksums, createServer, finished, startBackupsPanel, volume, writeFile, type BackupsPanel } from './fixture.js';

/** Stands in for the marketplace plugin: it owns marketplace.beforeInstall (and is given after backups, which still loads second). */
const marketplaceStandIn = definePlugin({
  manifest: { name: 'marketplace', version: '0.0.0' },
  register(ctx) {
    ctx.defineHook('marketplace.beforeInstall', 'series');
  },
});

const pick = (all: Record<string, string>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, all[k]]));

for (const database of DATABASES) {
  describe(`backups on the node's own disk (${database})`, function () {
    this.timeout(240_000);
    let t: BackupsPanel;
    let node: TestNode;
    let owner: { id: string; email: string };
    let ob: Browser;
    let serverId: string;
    const base = () => `/api/backups/servers/${serverId}`;
    afterEach(() => t?.clock.set(new Date()));

    before(async () => {
      await testImage();
      t = await startBackupsPanel(database, { maxPerServer: 3 }, [marketplaceStandIn]);
      node = await startNodeFor(t.panel, { name: `backups-${database}`, ports: 3, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
      owner = await t.createUser(`owner-${database}@example.org`);
      ob = await t.signIn(owner.email);
      serverId = await createServer(t, owner.id, node.nodeId, 'Survival');
    });
    after(async () => {
      for (const id of [serverId]) await t?.panel.request('POST', `/api/servers/${id}/power/kill`).catch(() => undefined);
      await t?.close();
      await node?.close();
      // The agent restarted by the last test was given the first one's folder.
      if (node) rmSync(node.agent.dataDir, { recursive: true, force: true });
    });

    it('makes a backup with an ignore list, streams progress, and a restore brings back exactly the files into the running server (stopped, swapped, started again)', async () => {
      await writeFile(t, serverId, 'server.properties', 'motd=Before\nmax-players=20\n');
      await writeFile(t, serverId, 'world/level.dat', 'the world as it was');
      await writeFile(t, serverId, 'world/region/r.0.0.mca', randomBytes(200_000).toString('base64'));
      await writeFile(t, serverId, 'logs/latest.log', 'noise');
      const expected = checksums(node, serverId);
      const kept = Object.keys(expected).filter((f) => !f.startsWith('logs/'));

      const socket = await openSocket(t, ob, '/backups');
      const updates: BackupUpdate[] = [];
      socket.on(BACKUPS_SOCKET.update, (u: BackupUpdate) => updates.push(u));
      expect(await socket.timeout(5000).emitWithAck(BACKUPS_SOCKET.watch, { serverId })).to.deep.equal({ ok: true });

      const created = await ob.post(base() + '/backups', { name: 'First', ignore: ['logs/**'] });
      expect(created.status, JSON.stringify(created.body)).to.equal(202);
      expect(created.body.backup).to.deep.include({
        name: 'First',
        status: 'running',
        targetId: null,
        locked: false,
        origin: 'manual',
        sha256: null,
      });
      const backup = await finished(ob, serverId, created.body.backup.id);
      expect(backup.status, backup.error).to.equal('completed');
      expect(backup.sha256).to.match(/^[a-f0-9]{64}$/);
      await until('the completed update', () => updates.find((u) => u.backupId === backup.id && u.status === 'completed'));

      const onNode = path.join(node.agent.dataDir, 'backups', serverId, `${backup.id}.tar.gz`);
      expect(createHash('sha256').update(readFileSync(onNode)).digest('hex'), 'the archive on the node has the recorded checksum').to.equal(
        backup.sha256,
      );
      const download = await fetch(`${t.panel.url}${base()}/backups/${backup.id}/download`, {
        headers: { cookie: [...ob.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      expect(download.status).to.equal(200);
      expect(download.headers.get('x-backup-sha256')).to.equal(backup.sha256);
      expect(
        createHash('sha256')
          .update(Buffer.from(await download.arrayBuffer()))
          .digest('hex'),
        'the download is the archive',
      ).to.equal(backup.sha256);

      expect((await t.panel.request('POST', `/api/servers/${serverId}/power/start`)).status).to.equal(200);
      await until('running', () => node.agent.agent.manager.get(serverId).state === 'running', 60_000);
      await writeFile(t, serverId, 'world/level.dat', 'griefed');
      await writeFile(t, serverId, 'griefer.txt', 'was here');
      expect(
        (await t.panel.request('POST', `/api/servers/${serverId}/files/delete`, { body: { paths: ['server.properties'] } })).status,
      ).to.be.below(300);
      expect(pick(checksums(node, serverId), kept)).to.not.deep.equal(pick(expected, kept));

      const restored = await ob.post(`${base()}/backups/${backup.id}/restore`, {});
      expect(restored.status, JSON.stringify(restored.body)).to.equal(200);
      expect(restored.body).to.deep.equal({ backupId: backup.id, serverId, restarted: true });
      const after = checksums(node, serverId);
      expect(pick(after, kept), 'every backed-up file is back, byte for byte').to.deep.equal(pick(expected, kept));
      expect(after).to.not.have.property('griefer.txt');
      expect(node.agent.agent.manager.get(serverId).state, 'started again').to.be.oneOf(['starting', 'running']);
      await until('restored update', () => updates.find((u) => u.backupId === backup.id && u.status === 'restored'));
      socket.close();
      const events = (await t.panel.request('GET', `/api/events?serverId=${serverId}&type=backup.*&limit=500`)).body.events.map(
        (e: { type: string }) => e.type,
      );
      expect(events).to.include.members(['backup.created', 'backup.restored']);
      const activity = JSON.stringify((await ob.get(`/api/activity/servers/${serverId}`)).body);
      for (const action of ['backup.create', 'backup.restore', 'backup.download']) expect(activity).to.contain(action);
    });

    it('refuses a corrupted archive before anything is touched: the server keeps running and its files stay', async () => {
      await until('running', () => node.agent.agent.manager.get(serverId).state === 'running', 60_000);
      const created = await ob.post(`${base()}/backups`, { name: 'To corrupt' });
      const backup = await finished(ob, serverId, created.body.backup.id);
      expect(backup.status, backup.error).to.equal('completed');
      const file = path.join(node.agent.dataDir, 'backups', serverId, `${backup.id}.tar.gz`);
      const fd = openSync(file, 'r+');
      const byte = Buffer.alloc(1);
      readSync(fd, byte, 0, 1, 100);
      writeSync(fd, Buffer.from([byte[0]! ^ 0xff]), 0, 1, 100);
      closeSync(fd);
      await writeFile(t, serverId, 'marker.txt', 'after the backup');
      const before = checksums(node, serverId);

      const refused = await ob.post(`${base()}/backups/${backup.id}/restore`, {});
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('backup_checksum_mismatch');
      expect(refused.body.error.message).to.contain('corrupt');
      expect(node.agent.agent.manager.get(serverId).state, 'never stopped').to.equal('running');
      expect(checksums(node, serverId)).to.deep.include(
        pick(
          before,
          Object.keys(before).filter((f) => !f.startsWith('logs/')),
        ),
      );
      expect(checksums(node, serverId)['marker.txt']).to.equal(before['marker.txt']);
    });

    it('enforces the limit and throttle with stable codes, locks, deletes, refuses bad input and strangers, and keys subusers', async () => {
      const stranger = await t.createUser(`stranger-${database}@example.org`);
      const sb = await t.signIn(stranger.email);
      for (const res of [
        await sb.get(`${base()}/backups`),
        await sb.post(`${base()}/backups`, {}),
        await sb.get(`/api/schedules/servers/${serverId}/schedules`),
      ]) {
        expect(res.status, 'a stranger learns nothing').to.equal(404);
      }
      const list = (await ob.get(`${base()}/backups`)).body;
      const anyBackup = list.backups[0];
      for (const res of [
        await sb.post(`${base()}/backups/${anyBackup.id}/restore`, {}),
        await sb.get(`${base()}/backups/${anyBackup.id}/download`),
        await sb.request('DELETE', `${base()}/backups/${anyBackup.id}`),
        await sb.request('PATCH', `${base()}/backups/${anyBackup.id}`, { body: { locked: true } }),
      ]) {
        expect(res.status).to.equal(404);
        expect(JSON.stringify(res.body)).to.not.contain(anyBackup.name);
      }
      const strangerSocket = await openSocket(t, sb, '/backups');
      expect((await strangerSocket.timeout(5000).emitWithAck(BACKUPS_SOCKET.watch, { serverId })).error.code).to.equal('not_found');
      strangerSocket.close();

      // Bad input: 400 with the field, and nothing made.
      const count = list.backups.length;
      for (const [body, code] of [
        [{ ignore: ['ok', 'bad\0'] }, 'validation_failed'],
        [{ name: 'x'.repeat(101) }, 'validation_failed'],
        [{ targetId: '00000000-0000-4000-8000-000000000000' }, 'backup_target_not_found'],
      ] as const) {
        const res = await ob.post(`${base()}/backups`, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal(code);
      }
      expect((await ob.get(`${base()}/backups`)).body.backups).to.have.length(count);

      // The limit (3): two backups kept so far.
      expect(list).to.deep.include({ limit: 3, kept: 2 });
      const third = await ob.post(`${base()}/backups`, { name: 'Third' });
      expect(third.status).to.equal(202);
      const running = await ob.post(`${base()}/backups`, { name: 'While running' });
      if (running.status !== 409 || running.body.error.code !== 'backup_in_progress') {
        // The third finished very fast; then the fourth hits the limit instead, also a 409.
        expect(running.body.error.code).to.equal('backup_limit_reached');
      }
      expect((await finished(ob, serverId, third.body.backup.id)).status).to.equal('completed');
      const over = await ob.post(`${base()}/backups`, { name: 'Fourth' });
      expect(over.status).to.equal(409);
      expect(over.body.error.code).to.equal('backup_limit_reached');

      // An admin gives this server a limit of its own: one more fits, then it is reached again;
      // the owner may not change it; bad values are refused and change nothing.
      const admin = await t.createUser(`limit-admin-${database}@example.org`, { role: 'admin' });
      const ab = await t.signIn(admin.email);
      expect(
        (await ob.request('PUT', `${base()}/limit`, { body: { maxBackups: 50 } })).status,
        'owners do not set their own limit',
      ).to.equal(403);
      for (const bad of [0, 1001, 2.5, '4', undefined]) {
        const res = await ab.request('PUT', `${base()}/limit`, { body: { maxBackups: bad } });
        expect(res.status, String(bad)).to.equal(400);
        expect(res.body.error.code).to.equal('validation_failed');
      }
      expect((await ab.request('PUT', '/api/backups/servers/no-such-server/limit', { body: { maxBackups: 4 } })).status).to.equal(404);
      expect((await ob.get(`${base()}/backups`)).body, 'nothing changed').to.deep.include({
        limit: 3,
        limitOverride: null,
        defaultLimit: 3,
      });
      const raised = await ab.request('PUT', `${base()}/limit`, { body: { maxBackups: 4 } });
      expect(raised.status, JSON.stringify(raised.body)).to.equal(200);
      expect(raised.body).to.deep.equal({ limit: 4, limitOverride: 4, defaultLimit: 3 });
      expect((await ob.get(`${base()}/backups`)).body).to.deep.include({ limit: 4, limitOverride: 4, defaultLimit: 3, kept: 3 });
      const fourth = await ob.post(`${base()}/backups`, { name: 'Fourth' });
      expect(fourth.status, JSON.stringify(fourth.body)).to.equal(202);
      expect((await finished(ob, serverId, fourth.body.backup.id)).status).to.equal('completed');
      const fifth = await ob.post(`${base()}/backups`, { name: 'Fifth' });
      expect(fifth.body.error.code).to.equal('backup_limit_reached');
      expect(fifth.body.error.message).to.contain('already keeps 4 backups');
      expect((await ab.request('PUT', `${base()}/limit`, { body: { maxBackups: null } })).body, 'back to the default').to.deep.equal({
        limit: 3,
        limitOverride: null,
        defaultLimit: 3,
      });
      expect((await ob.request('DELETE', `${base()}/backups/${fourth.body.backup.id}`)).status).to.equal(204);
      expect(JSON.stringify((await ob.get(`/api/activity/servers/${serverId}`)).body)).to.contain('backup.limit');

      // Lock: a locked backup cannot be deleted until unlocked; delete removes the archive.
      const thirdId = third.body.backup.id as string;
      expect((await ob.request('PATCH', `${base()}/backups/${thirdId}`, { body: { locked: true } })).body.backup.locked).to.equal(true);
      const locked = await ob.request('DELETE', `${base()}/backups/${thirdId}`);
      expect(locked.status).to.equal(409);
      expect(locked.body.error.code).to.equal('backup_locked');
      await ob.request('PATCH', `${base()}/backups/${thirdId}`, { body: { locked: false } });
      expect((await ob.request('DELETE', `${base()}/backups/${thirdId}`)).status).to.equal(204);
      expect(
        existsSync(path.join(node.agent.dataDir, 'backups', serverId, `${thirdId}.tar.gz`)),
        'the archive is gone from the node',
      ).to.equal(false);
      expect((await ob.get(`${base()}/backups/${thirdId}`)).status).to.equal(404);

      // Throttle: a second manual backup inside the interval.
      const config = t.panel.kernel.containerOf('backups').cradle.backupsConfig;
      t.panel.kernel.containerOf('backups').register({ backupsConfig: asValue({ ...config, minIntervalSeconds: 3600 }) });
      try {
        const throttled = await ob.post(`${base()}/backups`, { name: 'Too soon' });
        expect(throttled.status).to.equal(429);
        expect(throttled.body.error.code).to.equal('backup_throttled');
        expect(throttled.body.error.message).to.match(/try again in \d+ seconds/);
      } finally {
        t.panel.kernel.containerOf('backups').register({ backupsConfig: asValue(config) });
      }

      // A subuser with backup.read may look, not make or restore.
      const helper = await t.createUser(`helper-${database}@example.org`);
      expect(
        (await ob.post(`/api/auth/servers/${serverId}/subusers`, { email: helper.email, permissions: ['backup.read'] })).status,
      ).to.equal(201);
      const hb = await t.signIn(helper.email);
      expect((await hb.get(`${base()}/backups`)).status).to.equal(200);
      const refused = await hb.post(`${base()}/backups`, {});
      expect(refused.status).to.equal(403);
      expect(refused.body.error.message).to.contain('backup.create');
      expect((await hb.post(`${base()}/backups/${anyBackup.id}/restore`, {})).status).to.equal(403);
      expect((await hb.get(`${base()}/backups/${anyBackup.id}/download`)).status).to.equal(403);

      // While a restore swaps the files in, no backup of the half-swapped folder starts.
      await t.panel.kernel.containerOf('backups').cradle.restoresInProgress.during(serverId, async () => {
        const during = await ob.post(`${base()}/backups`, { name: 'During a restore' });
        expect(during.status).to.equal(409);
        expect(during.body.error.code).to.equal('restore_in_progress');
      });

      // Watching progress, then removed: told so, and nothing more arrives.
      const watcher = await openSocket(t, hb, '/backups');
      expect(await watcher.timeout(5000).emitWithAck(BACKUPS_SOCKET.watch, { serverId })).to.deep.equal({ ok: true });
      const told = new Promise<{ code: string; serverId: string }>((resolve) => watcher.once('refused', resolve));
      const seen: BackupUpdate[] = [];
      watcher.on(BACKUPS_SOCKET.update, (u: BackupUpdate) => seen.push(u));
      expect((await ob.request('DELETE', `/api/auth/servers/${serverId}/subusers/${helper.id}`)).status).to.equal(204);
      expect(await told).to.deep.include({ code: 'not_found', serverId });
      t.panel.kernel
        .containerOf('backups')
        .cradle.backupProgress.publish({ serverId, backupId: 'probe', status: 'running', progress: null, error: null });
      await new Promise((r) => setTimeout(r, 300));
      expect(seen, 'no updates after the removal').to.deep.equal([]);
      watcher.close();

      const doc = (await t.panel.request('GET', '/api/openapi.json')).body;
      expect(Object.keys(doc.paths)).to.include('/api/backups/servers/{serverId}/backups/{backupId}/restore');
      const result = await validate(structuredClone(doc));
      expect(result.valid, result.valid ? '' : compileErrors(result)).to.equal(true);
    });

    it('lets only one of several backups asked for at once start, even on several database connections', async () => {
      expect((await t.panel.request('PUT', `/api/backups/servers/${serverId}/limit`, { body: { maxBackups: 100 } })).status).to.equal(200);
      // The requests take turns on the server's lock; a backup that finished before the last turn
      // would rightly let a second one start, so this one takes seconds (CI saw that on a loaded machine).
      const ballast = path.join(volume(node, serverId), 'race-ballast.bin');
      writeFileSync(ballast, randomBytes(48 * 1024 * 1024));
      try {
        const answers = await Promise.all([1, 2, 3, 4].map((n) => ob.post(`${base()}/backups`, { name: `Race ${n}` })));
        const started = answers.filter((a) => a.status === 202);
        expect(started, JSON.stringify(answers.map((a) => a.status))).to.have.length(1);
        for (const refused of answers.filter((a) => a.status !== 202)) expect(refused.body.error.code).to.equal('backup_in_progress');
        const made = await finished(ob, serverId, started[0]!.body.backup.id);
        expect(made.status, made.error).to.equal('completed');
        expect(
          (await ob.get(`${base()}/backups`)).body.backups.filter((b: { name: string }) => b.name.startsWith('Race ')),
          'nothing else was booked',
        ).to.have.length(1);
        expect((await ob.request('DELETE', `${base()}/backups/${made.id}`)).status).to.equal(204);
      } finally {
        rmSync(ballast, { force: true });
        await t.panel.request('PUT', `/api/backups/servers/${serverId}/limit`, { body: { maxBackups: null } });
      }
    });

    it("runs a core schedule's backup task at 03:00 Europe/Berlin across both DST changes, the chain waits for the backup, rotation keeps locked backups, and a missed run catches up once", async () => {
      const scheduleRunner = t.panel.kernel.containerOf('schedules').cradle.scheduleRunner;
      // Ticks of the due job; each waits for the chains it started (the job itself does not).
      const tick = async () => Promise.all((await scheduleRunner.tick()).map((r) => r.finished));
      const sched = `/api/schedules/servers/${serverId}/schedules`;
      for (const b of (await ob.get(`${base()}/backups`)).body.backups) await ob.request('DELETE', `${base()}/backups/${b.id}`);
      t.clock.set('2026-03-28T12:00:00Z');
      const chain = (keep: number) => [
        { type: 'backup', options: { keep, ignore: ['logs/**'] } },
        { type: 'wait', options: { for: 'online', timeoutSeconds: 60 } },
      ];
      const noTarget = await ob.post(sched, {
        name: 'Nightly',
        preset: { kind: 'daily', time: '03:00' },
        tasks: [{ type: 'backup', options: { targetId: '00000000-0000-4000-8000-000000000000' } }],
      });
      expect(noTarget.body.error.code, 'the task type checks its options when the schedule is saved').to.equal('backup_target_not_found');
      const tooOften = await ob.post(sched, { name: 'Spam', cron: '*/5 * * * *', tasks: chain(2) });
      expect(tooOften.status).to.equal(400);
      expect(tooOften.body.error.code, "a backup task brings backups' own minimum interval").to.equal('schedule_too_frequent');
      const created = await ob.post(sched, {
        name: 'Nightly',
        preset: { kind: 'daily', time: '03:00' },
        timezone: 'Europe/Berlin',
        missedRuns: 'run_once',
        tasks: chain(2),
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const schedule = created.body.schedule;
      expect(schedule).to.deep.include({
        cron: '0 3 * * *',
        nextRunAt: '2026-03-29T01:00:00.000Z',
        description: 'every day at 03:00 Europe/Berlin',
      });
      expect(schedule.tasks[0].options, 'defaults filled in').to.deep.equal({ keep: 2, targetId: null, ignore: ['logs/**'] });

      t.clock.set('2026-03-29T00:59:00Z');
      expect(await tick(), 'a minute early (01:59 CET): nothing').to.deep.equal([]);
      t.clock.set('2026-03-29T01:00:05Z');
      const [first] = await tick();
      expect(first, 'the run at 03:00 CEST').to.deep.include({ status: 'completed', trigger: 'schedule' });
      const made = (await ob.get(`${base()}/backups`)).body.backups;
      expect(made).to.have.length(1);
      expect(made[0]).to.deep.include({ status: 'completed', origin: 'schedule', scheduleId: schedule.id });
      // The chain waited: the wait task began only after the backup was complete.
      expect(new Date(first!.tasks[1]!.startedAt!).getTime(), 'the next task starts after the backup finished').to.be.at.least(
        new Date(made[0].completedAt).getTime(),
      );
      expect(first!.tasks[0]!.detail).to.contain(made[0].id);
      expect((await ob.get(`${sched}/${schedule.id}`)).body.schedule.nextRunAt, '03:00 CEST the next day').to.equal(
        '2026-03-30T01:00:00.000Z',
      );
      await ob.request('PATCH', `${base()}/backups/${made[0].id}`, { body: { locked: true } });

      const ids = [made[0].id];
      for (const day of ['2026-03-30', '2026-03-31', '2026-04-01']) {
        t.clock.set(`${day}T01:00:05Z`);
        const [run] = await tick();
        expect(run!.status, JSON.stringify(run)).to.equal('completed');
        ids.push(/backup ([0-9a-f-]{36})/.exec(run!.tasks[0]!.detail!)![1]!);
      }
      const left = (await ob.get(`${base()}/backups`)).body.backups.map((b: { id: string }) => b.id);
      expect(left.sort(), 'the locked one and the newest two').to.deep.equal([ids[0], ids[2], ids[3]].sort());
      expect(existsSync(path.join(node.agent.dataDir, 'backups', serverId, `${ids[1]}.tar.gz`)), 'the rotated archive is gone').to.equal(
        false,
      );

      t.clock.set('2026-10-24T12:00:00Z');
      const moved = await ob.request('PUT', `${sched}/${schedule.id}`, {
        body: {
          name: 'Nightly',
          preset: { kind: 'daily', time: '03:00' },
          timezone: 'Europe/Berlin',
          missedRuns: 'run_once',
          tasks: chain(2),
        },
      });
      // Clocks fall back from 03:00 CEST to 02:00 CET that night, so 03:00 is CET: 02:00 UTC.
      expect(moved.body.schedule.nextRunAt, '03:00 CET on the night clocks fall back').to.equal('2026-10-25T02:00:00.000Z');
      t.clock.set('2026-10-25T01:59:00Z');
      expect(await tick(), '02:59 CET: not yet').to.deep.equal([]);
      t.clock.set('2026-10-25T02:00:05Z');
      expect(await tick()).to.have.length(1);
      expect((await ob.get(`${sched}/${schedule.id}`)).body.schedule.nextRunAt, '03:00 CET after the change').to.equal(
        '2026-10-26T02:00:00.000Z',
      );

      // The panel was down for three nights: one run now, then the next slot.
      t.clock.set('2026-10-29T09:00:00Z');
      expect(await tick()).to.have.length(1);
      expect(await tick(), 'not again').to.deep.equal([]);
      const caughtUp = (await ob.get(`${sched}/${schedule.id}`)).body.schedule;
      expect(caughtUp.nextRunAt).to.equal('2026-10-30T02:00:00.000Z');
      expect(caughtUp.lastRunAt).to.match(/^2026-10-29T09:00:/);
      expect((await ob.request('DELETE', `${sched}/${schedule.id}`)).status).to.equal(204);
    });

    it('starts backups from the bulk action, before a delete, and before a marketplace install', async () => {
      for (const b of (await ob.get(`${base()}/backups`)).body.backups) {
        await ob.request('PATCH', `${base()}/backups/${b.id}`, { body: { locked: false } });
        await ob.request('DELETE', `${base()}/backups/${b.id}`);
      }
      const stranger = await t.createUser(`bulk-stranger-${database}@example.org`);
      const strangersServer = await createServer(t, stranger.id, node.nodeId, 'Not yours');
      const bulk = await ob.post('/api/servers/bulk', { action: 'backup', serverIds: [serverId, strangersServer] });
      expect(bulk.status).to.equal(200);
      expect(bulk.body.results).to.deep.equal([
        { serverId, ok: true },
        { serverId: strangersServer, ok: false, error: { code: 'not_found', message: 'No such server' } },
      ]);
      const [made] = (await ob.get(`${base()}/backups`)).body.backups;
      expect(made.origin).to.equal('bulk');
      expect((await finished(ob, serverId, made.id)).status).to.equal('completed');

      const principal: Principal = { id: owner.id, kind: 'user', role: 'user' };
      await t.panel.kernel.hooks.call('marketplace.beforeInstall', { serverId, principal, backup: true, what: 'installing Essentials' });
      const install = (await ob.get(`${base()}/backups`)).body.backups.find((b: { origin: string }) => b.origin === 'before_install');
      expect(install).to.deep.include({ status: 'completed', name: 'Before installing Essentials' });

      await writeFile(t, strangersServer, 'precious.txt', 'keep me');
      expect((await t.panel.request('DELETE', `/api/servers/${strangersServer}?backup=true`)).status).to.equal(204);
      const row = await t.panel.kernel.db('backups').where({ server_id: strangersServer, origin: 'before_delete' }).first();
      expect(row.status, row.error).to.equal('completed');
      expect(
        existsSync(path.join(node.agent.dataDir, 'backups', strangersServer, `${row.id}.tar.gz`)),
        'the archive outlives the server',
      ).to.equal(true);
    });

    it('marks a stuck backup failed; an agent going away mid-backup fails it with the reason and leaves no archive; a full disk is refused with the reason', async () => {
      const { db } = t.panel.kernel;
      const at = new Date(Date.now() - 4 * 3_600_000).toISOString();
      const stuckId = '11111111-2222-4333-8444-555555555555';
      await db('backups').insert({
        id: stuckId,
        server_id: serverId,
        node_id: node.nodeId,
        name: 'Stuck',
        ignore: '[]',
        status: 'running',
        locked: false,
        origin: 'manual',
        created_at: at,
        updated_at: at,
      });
      expect(await t.panel.kernel.containerOf('backups').cradle.staleBackups.failStuck()).to.deep.equal([stuckId]);
      const stuck = (await ob.get(`${base()}/backups/${stuckId}`)).body.backup;
      expect(stuck).to.deep.include({ status: 'failed', error: 'No progress for 3 hours; the backup was marked failed' });
      expect((await ob.post(`${base()}/backups/${stuckId}/restore`, {})).body.error.code, 'a failed backup is not restorable').to.equal(
        'backup_not_restorable',
      );

      writeFileSync(path.join(volume(node, serverId), 'big.bin'), randomBytes(48 * 1024 * 1024));
      const socket = await openSocket(t, ob, '/backups');
      const progress: BackupUpdate[] = [];
      socket.on(BACKUPS_SOCKET.update, (u: BackupUpdate) => progress.push(u));
      await socket.timeout(5000).emitWithAck(BACKUPS_SOCKET.watch, { serverId });
      const created = await ob.post(`${base()}/backups`, { name: 'Interrupted' });
      expect(created.status).to.equal(202);
      const id = created.body.backup.id as string;
      const first = await until(
        'progress on the socket',
        () => progress.find((u) => u.backupId === id && u.status === 'running' && u.progress),
        30_000,
      );
      expect(first.progress!.phase).to.equal('archiving');
      expect(first.progress!.bytesTotal).to.be.greaterThan(48 * 1024 * 1024);
      const old: TestAgent = node.agent;
      const port = old.agent.port;
      await old.agent.stop();
      const failed = await finished(ob, serverId, id);
      expect(failed.status).to.equal('failed');
      expect(failed.error).to.match(/node/i);
      socket.close();
      const dir = path.join(old.dataDir, 'backups', serverId);
      await until('no half-written archive on the node', () => !readdirSync(dir).some((f) => f.startsWith(id)), 10_000);

      // The agent comes back, on a disk that is "full" (it must keep more free than there is).
      const again = await startAgent({
        dataDir: old.dataDir,
        network: old.network,
        config: { AGENT_TOKEN: old.agent.config.AGENT_TOKEN!, AGENT_PORT: String(port), AGENT_BACKUP_RESERVE_MB: '16777216' },
      });
      node.agent = again;
      expect((await t.panel.request('POST', `/api/nodes/${node.nodeId}/check`)).body.status).to.equal('up');
      const full = await ob.post(`${base()}/backups`, { name: 'No room' });
      const refused = await finished(ob, serverId, full.body.backup.id);
      expect(refused.status).to.equal('failed');
      expect(refused.error).to.match(/^The node's disk is full: \d+ MiB free/);
      expect(readdirSync(dir).some((f) => f.startsWith(full.body.backup.id))).to.equal(false);
      const failedEvents = (await t.panel.request('GET', `/api/events?serverId=${serverId}&type=backup.failed&limit=500`)).body.events;
      expect(failedEvents.map((e: { data: { backupId: string } }) => e.data.backupId)).to.include.members([
        stuckId,
        id,
        full.body.backup.id,
      ]);
    });
  });
}
