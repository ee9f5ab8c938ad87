import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_TOKEN, agentEnv, cleanupDocker, freePort, requireDocker, RUN_ID, TEST_SERVER_PREFIX, testImage } from '@conductor/test';
import { writeFrame, writeString } from '../wings-agent/src/edge/frames.js';
import { writeVarInt } from '../wings-agent/src/edge/varint.js';

/**
 * The agent's edge proxy against a straight connection to the same container, in one run:
 * - added round-trip latency (p50, p99) of 64-byte messages to an echo server (target: p99 +1 ms);
 * - bulk throughput both ways, as a ratio of direct (target at least 0.9): from the player into a
 *   sink, and from a source to the player, the game's own bulk direction (chunks, resource packs);
 * - the agent's resident memory per idle proxied connection.
 * The backend is a small Node echo/sink server in the test image, run by the agent.
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 4000);
const BULK_MIB = Number(process.env.BENCH_BULK_MIB ?? 256);
const IDLE = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

function handshake(address: string): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(25565);
  return writeFrame(0x00, Buffer.concat([writeVarInt(769), writeString(address), port, writeVarInt(2)]));
}
const SINK_HANDSHAKE = handshake('sink.bench');
const SINK_TOTAL = BULK_MIB * 1024 * 1024 + SINK_HANDSHAKE.length;
const SOURCE_HANDSHAKE = handshake('source.bench');
const BULK_BYTES = BULK_MIB * 1024 * 1024;
// Port 25565 echoes; 25566 counts bytes and answers one byte once it has them all; 25567 sends
// the bulk in 64 KiB chunks once it has the handshake, as the client does toward 25566.
const BACKEND =
  `/usr/bin/node -e "const n=require('net');n.createServer((s)=>s.pipe(s)).listen(25565);` +
  `n.createServer((s)=>{let c=0;s.on('data',(d)=>{c+=d.length;if(c>=${SINK_TOTAL})s.write('k')})}).listen(25566);` +
  `const b=Buffer.alloc(65536,1);n.createServer((s)=>{s.once('data',()=>{let left=${BULK_BYTES};const go=()=>{while(left>0){left-=b.length;if(!s.write(b))return s.once('drain',go)}};go()});s.on('error',()=>{})}).listen(25567);` +
  `console.log('Done (0.1s)!')"`;

function rssBytes(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[21]) * 4096;
}

async function api(port: number, method: string, pathname: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${AGENT_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 400) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** Reads exactly n bytes. */
function read(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= n) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve(got);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** A connection that has sent its handshake; through the proxy this picks the route. */
async function open(port: number, hello: Buffer, echoed: boolean): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await once(socket, 'connect');
  socket.write(hello);
  if (echoed) await read(socket, hello.length);
  return socket;
}

async function roundTrips(socket: Socket, count: number): Promise<number[]> {
  const message = Buffer.alloc(64, 7);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    socket.write(message);
    await read(socket, message.length);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

/** MiB/s from the client into the sink, timed until the sink says it has every byte. */
async function upload(port: number): Promise<number> {
  const socket = await open(port, SINK_HANDSHAKE, false);
  const chunk = Buffer.alloc(64 * 1024, 1);
  const done = read(socket, 1);
  const start = process.hrtime.bigint();
  for (let sent = 0; sent < BULK_BYTES; sent += chunk.length) if (!socket.write(chunk)) await once(socket, 'drain');
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  socket.destroy();
  return BULK_MIB / seconds;
}

/** MiB/s from the source to the client, timed from the handshake to the last byte. */
async function download(port: number): Promise<number> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let got = 0;
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= BULK_BYTES) resolve();
    });
    socket.once('error', reject);
  });
  const start = process.hrtime.bigint();
  socket.write(SOURCE_HANDSHAKE);
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  socket.destroy();
  return BULK_MIB / seconds;
}

/** The median of `runs` alternating direct and proxied runs, after one unmeasured run of each. */
async function throughput(run: (port: number) => Promise<number>, directPort: number, edgePort: number, runs = 5) {
  await run(directPort);
  await run(edgePort);
  const direct: number[] = [];
  const proxied: number[] = [];
  for (let i = 0; i < runs; i++) {
    direct.push(await run(directPort));
    proxied.push(await run(edgePort));
  }
  return { direct: pct(direct, 50), proxied: pct(proxied, 50) };
}

async function main(): Promise<void> {
  await requireDocker();
  const image = await testImage();
  await cleanupDocker();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'conductor-edge-bench-'));
  const [agentPort, edgePort, echoPort, sinkPort, sourcePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env = {
    ...agentEnv(dataDir, `conductor-test-${RUN_ID}-edge-bench`, agentPort),
    EDGE_PORT: String(edgePort),
    EDGE_CONNECTIONS_PER_10S: '100000',
    LOG_LEVEL: 'warn',
  };
  const agent: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'wings-agent/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const id = `${TEST_SERVER_PREFIX}edge-bench`;
  try {
    for (;;) {
      try {
        await api(agentPort, 'GET', '/api/servers');
        break;
      } catch {
        await sleep(100);
      }
    }
    const ports = [
      { ip: '127.0.0.1', port: echoPort },
      { ip: '127.0.0.1', port: sinkPort, containerPort: 25566 },
      { ip: '127.0.0.1', port: sourcePort, containerPort: 25567 },
    ];
    await api(agentPort, 'POST', '/api/servers', {
      id,
      image,
      startup: BACKEND,
      ports,
      limits: { memoryMb: 256 },
      donePattern: 'Done \\(',
      stopTimeoutSeconds: 5,
    });
    await api(agentPort, 'POST', `/api/servers/${id}/power`, { action: 'start' });
    while (((await api(agentPort, 'GET', `/api/servers/${id}`)) as { status: { state: string } }).status.state !== 'running')
      await sleep(100);
    const status = { motd: 'bench', versionName: '1.21.4', maxPlayers: 1 };
    await api(agentPort, 'PUT', '/api/edge/routes', {
      version: 1,
      routes: [
        { serverId: id, hostnames: ['echo.bench'], backend: { host: '127.0.0.1', port: echoPort }, phase: 'active', status },
        { serverId: `${id}-sink`, hostnames: ['sink.bench'], backend: { host: '127.0.0.1', port: sinkPort }, phase: 'active', status },
        {
          serverId: `${id}-source`,
          hostnames: ['source.bench'],
          backend: { host: '127.0.0.1', port: sourcePort },
          phase: 'active',
          status,
        },
      ],
    });

    console.error('backend running, routes pushed');
    const hello = handshake('echo.bench');
    // Memory first: the bulk runs leave garbage whose collection later made the difference
    // negative. A hundred connections warm the proxy's code path before the measurement.
    for (const s of await Promise.all(Array.from({ length: 100 }, () => open(edgePort, hello, true)))) s.destroy();
    await sleep(1000);
    const before = rssBytes(agent.pid!);
    const idle: Socket[] = [];
    for (let i = 0; i < IDLE; i++) idle.push(await open(edgePort, hello, true));
    await sleep(2000);
    const after = rssBytes(agent.pid!);
    for (const s of idle) s.destroy();

    // Latency: direct and proxied in alternating blocks, so both see the same machine load.
    const direct = await open(echoPort, hello, true);
    const proxied = await open(edgePort, hello, true);
    await roundTrips(direct, 200);
    await roundTrips(proxied, 200);
    const d: number[] = [];
    const p: number[] = [];
    for (let block = 0; block < 10; block++) {
      d.push(...(await roundTrips(direct, ROUND_TRIPS / 10)));
      p.push(...(await roundTrips(proxied, ROUND_TRIPS / 10)));
    }
    direct.destroy();
    proxied.destroy();

    console.error('latency measured');
    const up = await throughput(upload, sinkPort, edgePort);
    const down = await throughput(download, sourcePort, edgePort);

    console.error('throughput measured');

    console.log(`edge proxy (${ROUND_TRIPS} round trips of 64 bytes, ${BULK_MIB} MiB bulk ×5 each way, ${IDLE} idle connections):`);
    console.log(`  latency direct   p50 ${pct(d, 50).toFixed(3)} ms, p99 ${pct(d, 99).toFixed(3)} ms`);
    console.log(`  latency proxied  p50 ${pct(p, 50).toFixed(3)} ms, p99 ${pct(p, 99).toFixed(3)} ms`);
    console.log(`  added p99 ${(pct(p, 99) - pct(d, 99)).toFixed(3)} ms (target at most 1 ms)`);
    for (const [name, rate] of [
      ['to the server  ', up],
      ['to the player  ', down],
    ] as const)
      console.log(
        `  throughput ${name} direct ${rate.direct.toFixed(0)} MiB/s, proxied ${rate.proxied.toFixed(0)} MiB/s, ratio ${(rate.proxied / rate.direct).toFixed(2)} (target at least 0.9)`,
      );
    console.log(
      `  memory per idle proxied connection ${((after - before) / IDLE / 1024).toFixed(1)} KiB (agent RSS ${(before / 2 ** 20).toFixed(0)} → ${(after / 2 ** 20).toFixed(0)} MiB)`,
    );
  } finally {
    await api(agentPort, 'DELETE', `/api/servers/${id}`).catch(() => undefined);
    agent.kill('SIGTERM');
    await once(agent, 'exit').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    await cleanupDocker();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
