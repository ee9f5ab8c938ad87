import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ADMIN_TOKEN, createStorage, startPanelProcess, until, type PanelProcess as Panel } from '@conductor/test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the loosely typed API bodies
async function api(panel: Panel, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${panel.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

interface Jobs {
  leader: boolean;
  jobs: Array<{ id: string; leaderOnly: boolean; runs: number }>;
}
const jobs = async (panel: Panel) => (await api(panel, 'GET', '/api/admin/jobs')).body as Jobs;
const runsOf = (j: Jobs, id: string) => j.jobs.find((job) => job.id === id)!.runs;

describe('two compiled panel processes on one PostgreSQL', function () {
  this.timeout(180_000);
  let storage: Awaited<ReturnType<typeof createStorage>>;
  const panels: Panel[] = [];

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'ignore' });
    storage = await createStorage('postgres');
    // One after the other: the first takes the leader's lock.
    for (const name of ['a', 'b']) panels.push(await startPanelProcess(storage.databaseUrl!, path.join(storage.dataDir, name)));
  });
  after(async () => {
    for (const panel of panels) if (panel.child.exitCode === null && panel.child.signalCode === null) panel.child.kill('SIGTERM');
    await Promise.all(
      panels.map((p) => (p.child.exitCode === null && p.child.signalCode === null ? new Promise((r) => p.child.once('exit', r)) : null)),
    );
    await storage?.cleanup();
  });

  it('answers the same state through either panel, and when the leader is SIGKILLed the other takes its jobs over within 30 s', async () => {
    const [a, b] = panels as [Panel, Panel];
    const created = await api(a, 'POST', '/api/nodes', {
      name: 'Shared',
      address: 'node-1.example.test',
      publicAddress: 'node-1.example.test',
      memoryMb: 4096,
      memoryOverallocPct: 0,
      diskMb: 20_480,
      diskOverallocPct: 0,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const seen = await api(b, 'GET', '/api/nodes');
    expect(seen.body.nodes.map((n: { id: string }) => n.id)).to.deep.equal([created.body.node.id]);

    const [onA, onB] = [await jobs(a), await jobs(b)];
    expect([onA.leader, onB.leader], 'exactly one leader: the first panel').to.deep.equal([true, false]);
    expect(runsOf(onB, 'metrics.collect'), 'a follower runs no leader-only job').to.equal(0);

    // No shutdown: PostgreSQL ends the dead process's session, which frees the leader's lock.
    a.child.kill('SIGKILL');
    await until('the other panel to lead within 30 s', async () => (await jobs(b)).leader, 30_000);
    // metrics.collect fires every 10 s: the new leader runs it from then on.
    await until('the new leader to run a leader-only job', async () => runsOf(await jobs(b), 'metrics.collect') >= 1, 15_000);
  });
});
