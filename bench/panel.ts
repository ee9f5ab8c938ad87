import autocannon from 'autocannon';
import { io as connect, type Socket } from 'socket.io-client';
import { ADMIN_TOKEN, createTestDatabase, DATABASES, startNodeFor, startPanel, testImage, type DatabaseKind } from '@conductor/test';
import { startChild } from './panel/child.js';
import { startFakeAgent } from './panel/fake-agent.js';

/**
 * Issue 6's panel benchmarks, each with its baseline measured in the same run:
 * 1. console round trip (socket.io command → echoed console line) through panel → agent →
 *    container, vs the same round trip straight at the agent;
 * 2. GET /api/servers, a page of 50 from 10,000 servers (first and deep), vs bare Koa sending the same JSON, on both databases;
 * 3. a simulated fleet of 1,000 nodes × 10 servers (health checks, stats collection, 1 Hz stat
 *    streams for 100 watched servers): the panel's CPU and event-loop delay vs the idle panel.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ROUNDS = Number(process.env.BENCH_RTT_ROUNDS ?? 150);
// Issue 23's fleet: 1,000 agents with 10 servers each (issue 6 measured 100 × 50).
const FLEET_NODES = Number(process.env.BENCH_FLEET_NODES ?? 1000);
const PER_NODE = Number(process.env.BENCH_FLEET_SERVERS ?? 10);
const WATCHED = Number(process.env.BENCH_FLEET_WATCHED ?? 100);

async function consoleRoundTrip(): Promise<void> {
  await testImage();
  const panel = await startPanel({ database: 'sqlite' });
  const node = await startNodeFor(panel, { name: 'bench' });
  const agent = node.agent;
  try {
    const server = (await panel.request('POST', '/api/servers', { body: { name: 'rtt', templateId: 'conductor-test' } })).body;
    await panel.request('POST', `/api/servers/${server.id}/power/start`);
    for (let i = 0; i < 200 && (await agent.request('GET', `/api/servers/${server.id}`)).body.status.state !== 'running'; i++)
      await sleep(100);

    const measure = async (socket: Socket, consoleEvent: string, send: (command: string) => Promise<unknown>) => {
      let waiting: { marker: string; resolve: () => void } | null = null;
      socket.on(consoleEvent, (m: { lines: string[] }) => {
        if (waiting && m.lines.some((l) => l.includes(waiting!.marker))) waiting.resolve();
      });
      const times: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const marker = `rtt${i}x${Math.random().toString(36).slice(2, 7)}`;
        const echoed = new Promise<void>((resolve) => (waiting = { marker, resolve }));
        const t0 = performance.now();
        await send(`say ${marker}`);
        await echoed;
        times.push(performance.now() - t0);
        // The panel takes at most 10 commands a second per connection (issue 26): pace below that.
        await sleep(Math.max(0, t0 + 110 - performance.now()));
      }
      return times;
    };
    const viaPanel = connect(`${panel.url}/servers`, { transports: ['websocket'], auth: { token: ADMIN_TOKEN } });
    await new Promise<void>((r) => viaPanel.on('connect', () => r()));
    await viaPanel.emitWithAck('server:subscribe', { serverId: server.id });
    const panelTimes = await measure(viaPanel, 'server:console', (command) =>
      viaPanel.emitWithAck('server:command', { serverId: server.id, command }),
    );
    viaPanel.close();

    const direct = connect(agent.url, { transports: ['websocket'], auth: { token: agent.agent.config.AGENT_TOKEN } });
    await new Promise<void>((r) => direct.on('connect', () => r()));
    await direct.emitWithAck('server:subscribe', { serverId: server.id });
    const directTimes = await measure(direct, 'server:console', (command) =>
      agent.request('POST', `/api/servers/${server.id}/commands`, { body: { command } }),
    );
    direct.close();

    const p = (xs: number[], q: number) => pct(xs, q).toFixed(1);
    console.log(
      `console round trip (${ROUNDS} commands): through the panel p50 ${p(panelTimes, 50)} ms, p99 ${p(panelTimes, 99)} ms; straight at the agent p50 ${p(directTimes, 50)} ms, p99 ${p(directTimes, 99)} ms; ratio p50 ${(pct(panelTimes, 50) / pct(directTimes, 50)).toFixed(2)}, p99 ${(pct(panelTimes, 99) / pct(directTimes, 99)).toFixed(2)}`,
    );
    await panel.request('POST', `/api/servers/${server.id}/power/kill`);
    await panel.request('DELETE', `/api/servers/${server.id}`);
  } finally {
    await panel.close();
    await node.close();
  }
}

function seedRows(count: number, nodeId: string, prefix: string) {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${String(i).padStart(4, '0')}`,
    name: `Server ${i}`,
    owner_id: 'operator',
    node_id: nodeId,
    template_id: 'paper',
    image: 'eclipse-temurin:21-jre',
    variables: '{"MINECRAFT_VERSION":"1.21.4"}',
    memory_mb: 2048,
    cpu_percent: 200,
    disk_mb: 10240,
    state: i % 3 ? 'running' : 'offline',
    created_at: now,
    updated_at: now,
  }));
}

/**
 * One page of 50 from 10,000 servers (the first page, and a page deep in the list through its
 * cursor), against bare Koa serialising the same page of objects per request. The panel and bare
 * Koa each run in their own process and the load generator here: in one process (before), the
 * panel, the baseline and autocannon took turns on one thread.
 */
async function listPage(database: DatabaseKind): Promise<void> {
  const created = database === 'postgres' ? await createTestDatabase() : null;
  const panel = await startChild(new URL('./panel/panel-process.ts', import.meta.url), {
    ADMIN_TOKEN,
    ...(created ? { DATABASE_URL: created.url } : {}),
    // BENCH_PANEL_NODE_OPTIONS=--cpu-prof profiles the panel alone.
    NODE_OPTIONS: process.env.BENCH_PANEL_NODE_OPTIONS ?? '',
  });
  const bare = await startChild(new URL('./panel/bare-page.ts', import.meta.url));
  const base = `http://127.0.0.1:${panel.port}`;
  const get = async (p: string) =>
    (await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    const nodeReply = await fetch(`${base}/api/nodes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'list', scheme: 'http', address: '127.0.0.1', agentPort: 1, memoryMb: 1_000_000, diskMb: 10_000_000 }),
    });
    const { node } = (await nodeReply.json()) as { node: { id: string } };
    const servers = seedRows(10_000, node.id, 'slist');
    // Every server has an address, as in a real fleet: each row of a page reads its allocation.
    const addresses = servers.map((s, i) => ({ node_id: node.id, ip: '0.0.0.0', port: 20_000 + i, server_id: s.id, primary: true }));
    for (let i = 0; i < 10_000; i += 1000) {
      await panel.ask({ type: 'seed', rows: servers.slice(i, i + 1000) }, 'seeded');
      await panel.ask({ type: 'seed', table: 'allocations', rows: addresses.slice(i, i + 1000) }, 'seeded');
    }
    // A cursor 100 pages in: keyset paging should cost the same there as on the first page.
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) cursor = (await get(`/api/servers?limit=50${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
    const run = (target: string, headers: Record<string, string>) => autocannon({ url: target, connections: 10, duration: 5, headers });
    const rps = (rs: autocannon.Result[]) => Math.max(...rs.map((r) => r.requests.average));
    const p99 = (rs: autocannon.Result[]) => Math.min(...rs.map((r) => r.latency.p99));
    for (const [label, path] of [
      ['first page', '/api/servers?limit=50'],
      ['page 101', `/api/servers?limit=50&cursor=${cursor}`],
    ] as const) {
      const body: unknown = await get(path);
      await bare.ask({ type: 'body', body }, 'body');
      const results = { panel: [] as autocannon.Result[], bare: [] as autocannon.Result[] };
      for (let round = 0; round < 2; round++) {
        results.panel.push(await run(`${base}${path}`, { authorization: `Bearer ${ADMIN_TOKEN}` }));
        results.bare.push(await run(`http://127.0.0.1:${bare.port}/`, {}));
      }
      console.log(
        `GET /api/servers, ${label} of 50 from 10,000 servers on ${database} (${(JSON.stringify(body).length / 1024).toFixed(0)} KiB): panel ${rps(results.panel).toFixed(0)} req/s p99 ${p99(results.panel)} ms; bare Koa with the same page ${rps(results.bare).toFixed(0)} req/s p99 ${p99(results.bare)} ms; ratio ${(rps(results.panel) / rps(results.bare)).toFixed(2)} of bare Koa`,
      );
    }
  } finally {
    bare.child.kill('SIGTERM');
    panel.child.kill('SIGTERM');
    await new Promise((r) => panel.child.once('exit', r));
    await created?.drop();
  }
}

async function fleet(): Promise<void> {
  const { child, port, ask } = await startChild(new URL('./panel/panel-process.ts', import.meta.url), {
    ADMIN_TOKEN,
    NODE_OPTIONS: process.env.BENCH_PANEL_NODE_OPTIONS ?? '',
  });
  const base = `http://127.0.0.1:${port}`;
  const api = async (method: string, p: string, body?: unknown) =>
    (
      await fetch(`${base}${p}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      })
    ).json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const WINDOW = Number(process.env.BENCH_FLEET_SECONDS ?? 30) * 1000;
  const agents: Array<{ close(): Promise<void> }> = [];
  const viewers: Socket[] = [];
  try {
    await sleep(2000);
    await ask({ type: 'reset' }, 'reset');
    await sleep(WINDOW / 2);
    const idle = await ask<{ cpuPercent: number; eldP99Ms: number }>({ type: 'report' }, 'report');

    const watched: string[] = [];
    for (let n = 0; n < FLEET_NODES; n++) {
      const created = await api('POST', '/api/nodes', {
        name: `fleet-${n}`,
        scheme: 'http',
        address: '127.0.0.1',
        agentPort: 1,
        memoryMb: 131072,
        diskMb: 2_000_000,
      });
      const prefix = `f${String(n).padStart(4, '0')}s`;
      const fake = await startFakeAgent(created.token, PER_NODE, prefix);
      agents.push(fake);
      await api('PATCH', `/api/nodes/${created.node.id}`, { agentPort: fake.port });
      await ask(
        {
          type: 'seed',
          rows: seedRows(PER_NODE, created.node.id, prefix).map((r, i) => ({ ...r, id: `${prefix}${String(i).padStart(3, '0')}` })),
        },
        'seeded',
      );
      if (watched.length < WATCHED) watched.push(`${prefix}000`);
    }
    for (const serverId of watched) {
      const socket = connect(`${base}/servers`, { transports: ['websocket'], auth: { token: ADMIN_TOKEN }, forceNew: true });
      await new Promise<void>((r) => socket.on('connect', () => r()));
      await socket.emitWithAck('server:subscribe', { serverId });
      viewers.push(socket);
    }
    let statsSeen = 0;
    for (const v of viewers) v.on('server:stats', () => statsSeen++);
    await ask({ type: 'reset' }, 'reset');
    await sleep(WINDOW);
    const loaded = await ask<{ cpuPercent: number; eldP99Ms: number }>({ type: 'report' }, 'report');
    const status = await api('GET', '/api/conductor/status');
    console.log(
      `simulated fleet (${FLEET_NODES} nodes × ${PER_NODE} servers, ${watched.length} watched at 1 Hz, ${WINDOW / 1000}s): panel CPU ${loaded.cpuPercent.toFixed(1)}% of a core (idle ${idle.cpuPercent.toFixed(1)}%), event-loop delay p99 ${loaded.eldP99Ms.toFixed(1)} ms (idle ${idle.eldP99Ms.toFixed(1)} ms); ${statsSeen} stats frames relayed (${(statsSeen / (WINDOW / 1000)).toFixed(0)}/s); fleet status: ${status.nodes.up} nodes up, ${status.servers.total} servers`,
    );
  } finally {
    for (const v of viewers) v.close();
    for (const a of agents) await a.close();
    child.kill('SIGTERM');
  }
}

// BENCH_PARTS=list (or rtt, fleet; comma-separated) runs only those parts on a shared machine.
const parts = new Set((process.env.BENCH_PARTS ?? 'rtt,list,fleet').split(','));
if (parts.has('rtt')) await consoleRoundTrip();
if (parts.has('list')) for (const database of DATABASES) await listPage(database);
if (parts.has('fleet')) await fleet();
process.exit(0);
