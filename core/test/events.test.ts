import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { definePlugin } from '@conductor/core';
import { createStorage, createTestDatabase, DATABASES, startPanel, type TestPanel, until } from '@conductor/test';
import { ledgerPlugin } from '../../test/fixtures/ledger/plugin.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/fixtures/crash-subscriber.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

for (const database of DATABASES) {
  describe(`durable event log (${database})`, () => {
    let panel: TestPanel | null = null;
    afterEach(async () => {
      await panel?.close();
      panel = null;
    });

    it('commits an event with the state change it records, and rolls back with it', async () => {
      panel = await startPanel({ database });
      const { kernel } = panel;
      await kernel.db.schema.createTable('widgets', (t) => {
        t.string('id').primary();
      });
      await kernel.db.transaction(async (trx) => {
        await trx('widgets').insert({ id: 'w1' });
        await kernel.events.append(trx, { type: 'widget.created', data: { id: 'w1' } });
      });
      let thrown: unknown;
      try {
        await kernel.db.transaction(async (trx) => {
          await trx('widgets').insert({ id: 'w2' });
          await kernel.events.append(trx, { type: 'widget.created', data: { id: 'w2' } });
          throw new Error('validation failed after the write');
        });
      } catch (err) {
        thrown = err;
      }
      expect((thrown as Error).message).to.equal('validation failed after the write');
      expect(await kernel.db('widgets').pluck('id')).to.deep.equal(['w1']);
      const res = await panel.request('GET', '/api/events?type=widget.created');
      expect(res.body.events.map((e: { data: { id: string } }) => e.data.id)).to.deep.equal(['w1']);
    });

    it('queries by exact type, type prefix, server, time range, with a cursor', async () => {
      panel = await startPanel({ database });
      const { kernel } = panel;
      const at = (iso: string) => new Date(iso);
      await kernel.db.transaction(async (trx) => {
        await kernel.events.append(trx, { type: 'server.started', serverId: 's1', occurredAt: at('2026-11-01T10:00:00Z') });
        await kernel.events.append(trx, {
          type: 'player.joined',
          serverId: 's1',
          data: { player: 'Steve' },
          occurredAt: at('2026-11-01T10:05:00Z'),
        });
        await kernel.events.append(trx, { type: 'server.stopped', serverId: 's1', occurredAt: at('2026-11-01T12:00:00Z') });
        await kernel.events.append(trx, { type: 'server.started', serverId: 's2', occurredAt: at('2026-11-02T08:00:00Z') });
        await kernel.events.append(trx, { type: 'node.down', nodeId: 'n1', data: { name: 'n1' }, occurredAt: at('2026-11-02T09:00:00Z') });
      });
      const types = async (query: string) => {
        const res = await panel!.request('GET', `/api/events${query}`);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        return res.body.events.map((e: { type: string; serverId: string | null }) => `${e.type}@${e.serverId ?? '-'}`);
      };
      expect(await types('?type=server.started')).to.deep.equal(['server.started@s1', 'server.started@s2']);
      expect(await types('?type=server.*')).to.deep.equal(['server.started@s1', 'server.stopped@s1', 'server.started@s2']);
      expect(await types('?type=server.*,node.*&serverId=s2')).to.deep.equal(['server.started@s2']);
      expect(await types('?serverId=s1&from=2026-11-01T10:01:00Z&to=2026-11-01T12:00:00Z')).to.deep.equal(['player.joined@s1']);
      expect(await types('?from=2026-11-01T12:00:00%2B01:00&to=2026-11-02T08:30:00Z')).to.deep.equal([
        'server.stopped@s1',
        'server.started@s2',
      ]);
      const page1 = (await panel.request('GET', '/api/events?limit=2')).body;
      expect(page1.events).to.have.length(2);
      const page2 = (await panel.request('GET', `/api/events?limit=2&after=${page1.nextCursor}`)).body;
      const page3 = (await panel.request('GET', `/api/events?limit=2&after=${page2.nextCursor}`)).body;
      expect([...page1.events, ...page2.events, ...page3.events].map((e: { id: number }) => e.id)).to.have.length(5);
      expect(page3.nextCursor).to.equal(null);
      const joined = (await panel.request('GET', '/api/events?type=player.joined')).body.events[0];
      expect(joined).to.deep.include({ serverId: 's1', data: { player: 'Steve' }, occurredAt: '2026-11-01T10:05:00.000Z' });
      const bad = await panel.request('GET', '/api/events?from=2026-11-03T00:00:00Z&to=2026-11-01T00:00:00Z');
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('invalid_range');
    });

    it('delivers to a subscriber in order, retrying a failing event without skipping it', async () => {
      const attemptsDir = mkdtempSync(path.join(tmpdir(), 'conductor-attempts-'));
      const attemptsFile = path.join(attemptsDir, 'attempts');
      try {
        panel = await startPanel({ database, plugins: [ledgerPlugin({ attemptsFile, failTimes: { 3: 2 } })] });
        const { kernel } = panel;
        for (let n = 1; n <= 5; n++) {
          await kernel.events.record({ type: 'test.tick', data: { n } });
          await kernel.events.record({ type: 'other.noise', data: { n } });
        }
        await until('all five booked', async () => (await kernel.db('ledger_entries').count({ c: '*' }).first())!.c == 5, 15_000);
        const booked = (await kernel.db('ledger_entries').orderBy('id').pluck('n')).map(Number);
        expect(booked).to.deep.equal([1, 2, 3, 4, 5]);
        const attempts = readFileSync(attemptsFile, 'utf8').trim().split('\n').map(Number);
        expect(attempts).to.deep.equal([1, 2, 3, 3, 3, 4, 5]);
        // The offset moves past the trailing event the subscriber does not want on the next poll.
        const last = await kernel.events.lastId();
        const status = await until('the offset at the end of the log', async () => {
          const s = (await panel!.request('GET', '/api/events/subscribers')).body.subscribers.find(
            (x: { name: string }) => x.name === 'ledger',
          );
          return s.offset === last ? s : undefined;
        });
        expect(status).to.deep.include({ name: 'ledger', owner: 'ledger', failures: 0, lastError: null });
      } finally {
        rmSync(attemptsDir, { recursive: true, force: true });
      }
    });

    it('loses nothing across a crash, and redelivers nothing whose offset was committed', async function () {
      this.timeout(60_000);
      const dir = mkdtempSync(path.join(tmpdir(), 'conductor-crash-'));
      const attemptsFile = path.join(dir, 'attempts');
      const db = database === 'postgres' ? await createTestDatabase() : null;
      const env = { DATA_DIR: dir, ATTEMPTS_FILE: attemptsFile, ...(db ? { DATABASE_URL: db.url } : {}) };
      try {
        const crashed = await runChild({ ...env, APPEND: '10', CRASH_AT: '6', EXPECT: '10' });
        expect(crashed.signal, crashed.stderr).to.equal('SIGKILL');
        const beforeRestart = readFileSync(attemptsFile, 'utf8').trim().split('\n').map(Number);
        expect(beforeRestart).to.deep.equal([1, 2, 3, 4, 5, 6]);

        const restarted = await runChild({ ...env, EXPECT: '10' });
        expect(restarted.code, restarted.stderr).to.equal(0);
        const attempts = readFileSync(attemptsFile, 'utf8').trim().split('\n').map(Number);
        // Event 6 was being handled when the process died: delivered again. 1-5 were committed: never again.
        expect(attempts).to.deep.equal([1, 2, 3, 4, 5, 6, 6, 7, 8, 9, 10]);

        panel = await startPanel({ database, dataDir: dir, databaseUrl: db?.url });
        const booked = (await panel.kernel.db('ledger_entries').orderBy('id').pluck('n')).map(Number);
        expect(booked).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      } finally {
        await panel?.close();
        panel = null;
        await db?.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('starts a new subscriber from "now" when asked, and from the beginning by default', async () => {
      const storage = await createStorage(database);
      try {
        panel = await startPanel({ database, dataDir: storage.dataDir, databaseUrl: storage.databaseUrl });
        await panel.kernel.events.record({ type: 'test.tick', data: { n: 1 } });
        await panel.close();
        const seen: Record<string, number[]> = { late: [], full: [] };
        const watcher = definePlugin({
          manifest: { name: 'watcher', version: '1.0.0' },
          register(ctx) {
            ctx.subscribe('late', { from: 'now', handler: (e) => void seen.late!.push(Number(e.data.n)) });
            ctx.subscribe('full', { handler: (e) => void seen.full!.push(Number(e.data.n)) });
          },
        });
        panel = await startPanel({ database, plugins: [watcher], dataDir: storage.dataDir, databaseUrl: storage.databaseUrl });
        await panel.kernel.events.record({ type: 'test.tick', data: { n: 2 } });
        await until('both delivered', async () => seen.full!.length === 2 && seen.late!.length === 1);
        expect(seen).to.deep.equal({ late: [2], full: [1, 2] });
      } finally {
        await panel?.close();
        panel = null;
        await storage.cleanup();
      }
    });
  });
}
