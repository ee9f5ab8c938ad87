import { expect } from 'chai';
import { createStorage, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { createServerFor, deleteAllServers } from '../../servers/tests/server-fixtures.js';
import { startSchedulesPanel, type SchedulesPanel } from './fixture.js';

describe('schedules on two panels sharing one PostgreSQL', function () {
  this.timeout(180_000);
  let storage: Awaited<ReturnType<typeof createStorage>>;
  let one: SchedulesPanel;
  let two: SchedulesPanel;
  let node: TestNode;

  before(async () => {
    await testImage();
    storage = await createStorage('postgres');
    one = await startSchedulesPanel('postgres', { storage });
    two = await startSchedulesPanel('postgres', { storage });
    node = await startNodeFor(one.panel, { name: 'two-panels', ports: 2 });
  });
  after(async () => {
    await deleteAllServers(one.panel).catch(() => undefined);
    await two?.close();
    await one?.close();
    await node?.close();
    await storage?.cleanup();
  });

  it('runs each due schedule once, whichever panel ticks first', async () => {
    const owner = await one.createUser('owner@example.org');
    const serverId = await createServerFor(one.panel, owner.id, node.nodeId, 'Shared');
    const ob = await one.signIn(owner.email);
    for (const p of [one, two]) p.clock.set('2026-05-01T12:00:00Z');
    const labels = ['a', 'b', 'c', 'd'];
    for (const label of labels) {
      const made = await ob.post(`/api/schedules/servers/${serverId}/schedules`, {
        name: label,
        preset: { kind: 'daily', time: '13:03' },
        timezone: 'UTC',
        tasks: [{ type: 'mark', options: { label } }],
      });
      expect(made.status, JSON.stringify(made.body)).to.equal(201);
    }
    // Both panels see every schedule due at once and tick together, several times.
    for (const p of [one, two]) p.clock.set('2026-05-01T13:03:30Z');
    const runs = (await Promise.all([one.tick(), two.tick(), one.tick(), two.tick()])).flat();
    expect(runs.map((r) => r.status)).to.deep.equal(['completed', 'completed', 'completed', 'completed']);
    const marks = [...one.marks, ...two.marks].map((m) => m.label).sort();
    expect(marks, 'each schedule ran once in all').to.deep.equal(labels);
    for (const s of (await ob.get(`/api/schedules/servers/${serverId}/schedules`)).body.schedules)
      expect(s.nextRunAt).to.equal('2026-05-02T13:03:00.000Z');
  });

  it('cancels a chain running on one panel from the other', async () => {
    const owner = await one.createUser('canceller@example.org');
    const serverId = await createServerFor(one.panel, owner.id, node.nodeId, 'Cancelled');
    const onOne = await one.signIn(owner.email);
    const onTwo = await two.signIn(owner.email);
    const base = `/api/schedules/servers/${serverId}/schedules`;
    const made = await onOne.post(base, {
      name: 'Waits',
      preset: { kind: 'daily', time: '05:00' },
      timezone: 'UTC',
      tasks: [
        { type: 'wait', options: { for: 'online', timeoutSeconds: 900 } },
        { type: 'mark', options: { label: 'never' } },
      ],
    });
    const id = made.body.schedule.id as string;
    const started = await one.runner.runNow(serverId, id, false, { id: owner.id, kind: 'user', role: 'user' });
    const cancelled = await onTwo.post(`${base}/${id}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
    const run = await started.finished;
    expect(run).to.deep.include({ status: 'cancelled', code: 'cancelled' });
    expect(run.tasks.map((x) => x.status)).to.deep.equal(['cancelled', 'cancelled']);
    expect((await onTwo.get(`${base}/${id}/runs`)).body.runs[0].status).to.equal('cancelled');
    expect([...one.marks, ...two.marks].map((m) => m.label)).to.not.include('never');
  });
});
