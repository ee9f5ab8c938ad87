import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILED_FLAGS } from '../core/src/kernel/compiled.js';

/**
 * `npm run bench` (footprint): what a compiled panel (all first-party plugins, SQLite) and agent
 * cost right after start, next to a bare `node -e` HTTP server measured in the same run. Cold
 * start is from spawn to the first good answer of /readyz (/healthz for the others), the median of
 * ROUNDS starts; idle RSS is read from /proc after IDLE_SECONDS without requests, with its
 * anonymous part (RssAnon: heap and native memory, the process's own) beside it: the rest is
 * mostly the node binary's pages, shared by every Node process and larger when the kernel maps
 * them as huge pages, so the bare server's RSS moves between machines and days. The TypeScript run
 * through tsx (development) is measured alongside, for comparison.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 5);
const TARGETS = { panel: { rssMb: 100, startMs: 1500 }, agent: { rssMb: 80, startMs: 1500 } };
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TOKEN = 'bench-footprint-token-0123456789abcdef';

interface Subject {
  name: string;
  args: string[];
  env: (port: number, dir: string) => Record<string, string>;
  ready: string;
  target?: { rssMb: number; startMs: number };
}

const panelEnv = (port: number, dir: string) => ({
  PORT: String(port),
  HOST: '127.0.0.1',
  DATA_DIR: dir,
  LOCAL_AGENT: 'off',
  LOG_LEVEL: 'warn',
});
const agentEnv = (port: number, dir: string) => ({
  AGENT_TOKEN: TOKEN,
  AGENT_PORT: String(port),
  AGENT_HOST: '127.0.0.1',
  AGENT_DATA_DIR: dir,
  EDGE_PORT: 'off',
  LOG_LEVEL: 'warn',
});

const SUBJECTS: Subject[] = [
  {
    name: 'bare node -e',
    args: ['-e', "require('http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, '127.0.0.1')"],
    env: (port) => ({ PORT: String(port) }),
    ready: '/',
  },
  { name: 'panel', args: [...COMPILED_FLAGS, 'core/dist/main.js'], env: panelEnv, ready: '/readyz', target: TARGETS.panel },
  { name: 'agent', args: [...COMPILED_FLAGS, 'wings-agent/dist/main.js'], env: agentEnv, ready: '/healthz', target: TARGETS.agent },
  { name: 'panel (tsx)', args: ['--import', 'tsx', 'core/src/main.ts'], env: panelEnv, ready: '/readyz' },
  { name: 'agent (tsx)', args: ['--import', 'tsx', 'wings-agent/src/main.ts'], env: agentEnv, ready: '/healthz' },
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function statusMb(pid: number, field: 'VmRSS' | 'RssAnon'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line!.replace(/\D/g, '')) / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** One cold start: spawn to the first good answer; the child is left running for the RSS reading. */
async function start(subject: Subject, dir: string): Promise<{ child: ChildProcess; ms: number }> {
  const port = await freePort();
  const began = performance.now();
  const child = spawn(process.execPath, subject.args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_FORMAT: 'json', ...subject.env(port, dir) },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${subject.name} exited (${child.exitCode}): ${stderr.slice(-2000)}`);
    const ok = await fetch(`http://127.0.0.1:${port}${subject.ready}`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { child, ms: performance.now() - began };
    if (performance.now() - began > 60_000)
      throw new Error(`${subject.name} did not answer ${subject.ready} in 60 s: ${stderr.slice(-2000)}`);
    await sleep(10);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(
  subject: Subject,
): Promise<{ name: string; startMs: number; rssMb: number; anonMb: number; target?: Subject['target'] }> {
  const starts: number[] = [];
  let rss = 0;
  let anon = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // A fresh data folder each round: a first start (migrations and all), as after an install.
    const dir = mkdtempSync(path.join(tmpdir(), 'conductor-footprint-'));
    const { child, ms } = await start(subject, dir);
    starts.push(ms);
    if (round === ROUNDS - 1) {
      await sleep(IDLE_SECONDS * 1000);
      rss = statusMb(child.pid!, 'VmRSS');
      anon = statusMb(child.pid!, 'RssAnon');
    }
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: subject.name, startMs: median(starts), rssMb: rss, anonMb: anon, target: subject.target };
}

spawnSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'inherit' });
const results = [];
for (const subject of SUBJECTS) results.push(await measure(subject));

console.log('\nFootprint (compiled panel with all first-party plugins on SQLite; agent on the real Docker engine)');
for (const r of results) {
  const verdict = r.target
    ? `  target RSS <= ${r.target.rssMb} MB ${r.rssMb <= r.target.rssMb ? 'OK' : 'MISSED'}, start <= ${r.target.startMs} ms ${r.startMs <= r.target.startMs ? 'OK' : 'MISSED'}`
    : '';
  console.log(
    `  ${r.name.padEnd(14)} idle RSS ${r.rssMb.toFixed(1).padStart(6)} MB (anonymous ${r.anonMb.toFixed(1).padStart(5)} MB)   cold start ${r.startMs.toFixed(0).padStart(5)} ms${verdict}`,
  );
}
mkdirSync(path.join(ROOT, 'artifacts'), { recursive: true });
writeFileSync(
  path.join(ROOT, 'artifacts/bench-footprint.json'),
  JSON.stringify({ idleSeconds: IDLE_SECONDS, rounds: ROUNDS, results }, null, 2),
);
