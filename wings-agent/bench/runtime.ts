import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { AGENT_TOKEN, agentEnv, cleanupDocker, freePort, requireDocker, RUN_ID, TEST_SERVER_PREFIX, testImage } from '@conductor/test';

/**
 * Agent runtime benchmark, all in one run:
 * - start latency: the agent's start request until it answers (container running) vs a raw
 *   dockerode create + attach + start of the same container; ratio, target at most 1.2;
 * - the agent's resident memory idle and with 20 servers running;
 * - the agent's CPU per server while stats stream (Docker stats every second, pings).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const FLEET = Number(process.env.BENCH_FLEET ?? 20);
const CPU_SECONDS = Number(process.env.BENCH_CPU_SECONDS ?? 20);
const docker = new Docker();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// A light "server": prints a done line and idles, so 20 of them fit on a 2-core machine.
const LIGHT = `/usr/bin/node -e "console.log('Done (0.1s)! For help, type help'); setInterval(() => {}, 1000)"`;

function procStat(pid: number): { rssBytes: number; cpuSeconds: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { rssBytes: rssPages * 4096, cpuSeconds: ticks / 100 };
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

async function main(): Promise<void> {
  await requireDocker();
  const image = await testImage();
  await cleanupDocker();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'conductor-agent-bench-'));
  const network = `conductor-test-${RUN_ID}-bench`;
  const port = await freePort();
  const agent: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'wings-agent/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...agentEnv(dataDir, network, port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        await api(port, 'GET', '/api/servers');
        break;
      } catch {
        await sleep(100);
      }
    }
    await sleep(1000);
    const idle = procStat(agent.pid!);

    const spec = (id: string, hostPort: number) => ({
      id: `${TEST_SERVER_PREFIX}${id}`,
      image,
      startup: LIGHT,
      ports: [{ ip: '127.0.0.1', port: hostPort }],
      limits: { memoryMb: 128 },
      donePattern: 'Done \\(',
      stopTimeoutSeconds: 5,
    });

    // Start latency, alternating agent and raw rounds.
    const agentMs: number[] = [];
    const rawMs: number[] = [];
    const s = spec('latency', await freePort());
    await api(port, 'POST', '/api/servers', s);
    for (let round = 0; round < ROUNDS; round++) {
      let t = performance.now();
      await api(port, 'POST', `/api/servers/${s.id}/power`, { action: 'start' });
      agentMs.push(performance.now() - t);
      await api(port, 'POST', `/api/servers/${s.id}/power`, { action: 'kill' });

      t = performance.now();
      const c = await docker.createContainer({
        name: `conductor-test-raw-${RUN_ID}`,
        Image: image,
        Cmd: ['/usr/bin/node', '-e', "console.log('Done'); setInterval(() => {}, 1000)"],
        User: '1000:1000',
        OpenStdin: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        HostConfig: {
          Memory: 128 * 1024 * 1024,
          NetworkMode: network,
          PortBindings: { '25565/tcp': [{ HostIp: '127.0.0.1', HostPort: String(await freePort()) }] },
        },
        ExposedPorts: { '25565/tcp': {} },
      });
      const stream = await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      await c.start();
      rawMs.push(performance.now() - t);
      (stream as unknown as { destroy(): void }).destroy();
      await c.remove({ force: true });
    }
    await api(port, 'DELETE', `/api/servers/${s.id}`);

    // A fleet of servers streaming stats.
    for (let i = 0; i < FLEET; i++) {
      const f = spec(`fleet-${i}`, await freePort());
      await api(port, 'POST', '/api/servers', f);
      await api(port, 'POST', `/api/servers/${f.id}/power`, { action: 'start' });
    }
    await sleep(5000);
    const before = procStat(agent.pid!);
    await sleep(CPU_SECONDS * 1000);
    const after = procStat(agent.pid!);
    const cpuPercentPerServer = ((after.cpuSeconds - before.cpuSeconds) / CPU_SECONDS / FLEET) * 100;

    const ratio = median(agentMs) / median(rawMs);
    console.log(
      `agent start latency: agent ${median(agentMs).toFixed(0)} ms / raw dockerode ${median(rawMs).toFixed(0)} ms = ${ratio.toFixed(2)} (target <= 1.2) ${ratio <= 1.2 ? 'OK' : 'ABOVE TARGET'}  [${ROUNDS} rounds, medians]`,
    );
    console.log(
      `agent RSS: idle ${(idle.rssBytes / 1048576).toFixed(0)} MiB, with ${FLEET} servers ${(after.rssBytes / 1048576).toFixed(0)} MiB`,
    );
    console.log(
      `agent CPU for stats streaming: ${cpuPercentPerServer.toFixed(2)}% of a core per server (${FLEET} servers, ${CPU_SECONDS}s)`,
    );
  } finally {
    agent.kill('SIGTERM');
    await new Promise((r) => agent.once('exit', r));
    await cleanupDocker();
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
