import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/**
 * `npm run bench`: the kernel's overhead as ratios against bare Koa serving the same body,
 * measured in the same run. Rounds alternate between the two so machine noise hits both alike;
 * the median round of each is compared.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = 20;
const TARGET = 0.7;

interface Result {
  rps: number;
  p99: number;
  errors: number;
}

// On a multi-core machine the servers get one core and the load generator the others, so the
// generator's own CPU use does not bleed into what is measured.
const CORES = availableParallelism();
const PIN = CORES > 1 && existsSync('/usr/bin/taskset');
if (PIN) spawnSync('taskset', ['-a', '-p', '-c', `1-${CORES - 1}`, String(process.pid)], { stdio: 'ignore' });

function startServer(file: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL(file, import.meta.url)), {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    if (PIN && child.pid) spawnSync('taskset', ['-a', '-p', '-c', '0', String(child.pid)], { stdio: 'ignore' });
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

async function load(port: number, seconds: number): Promise<Result> {
  const r = await autocannon({ url: `http://127.0.0.1:${port}/api/bench/items?limit=50`, connections: CONNECTIONS, duration: seconds });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bare = await startServer('./servers/bare-koa.ts');
const kernel = await startServer('./servers/kernel.ts');
try {
  // Warm both up (JIT, connection pools) before measuring.
  await load(bare.port, 2);
  await load(kernel.port, 2);
  const results: { bare: Result[]; kernel: Result[] } = { bare: [], kernel: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const first = round % 2 === 1 ? 'bare' : 'kernel';
    const second = first === 'bare' ? 'kernel' : 'bare';
    for (const which of [first, second] as const) {
      const r = await load(which === 'bare' ? bare.port : kernel.port, DURATION);
      results[which].push(r);
      console.log(`round ${round} ${which.padEnd(6)} ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${r.p99} ms  errors ${r.errors}`);
    }
  }
  const bareRps = median(results.bare.map((r) => r.rps));
  const kernelRps = median(results.kernel.map((r) => r.rps));
  const bareP99 = median(results.bare.map((r) => r.p99));
  const kernelP99 = median(results.kernel.map((r) => r.p99));
  const throughputRatio = kernelRps / bareRps;
  // Each round's two runs are seconds apart; rounds minutes apart see different loads from the
  // machine's other users, so the median of per-round ratios is the steadier figure there.
  const roundRatio = median(results.kernel.map((r, i) => r.rps / results.bare[i]!.rps));
  const latencyRatio = bareP99 / Math.max(kernelP99, 1e-9);
  console.log('');
  console.log(
    `kernel stack vs bare Koa, JSON list of 50 objects, ${CONNECTIONS} connections, median of ${ROUNDS} rounds of ${DURATION}s${PIN ? ', servers pinned to core 0' : ''}`,
  );
  console.log(
    `  requests/s: kernel ${kernelRps.toFixed(0)} / bare ${bareRps.toFixed(0)} = ${throughputRatio.toFixed(2)} of bare Koa (target >= ${TARGET}) ${throughputRatio >= TARGET ? 'OK' : 'BELOW TARGET'}`,
  );
  console.log(
    `  median of the rounds' own ratios: ${roundRatio.toFixed(2)} (rounds: ${results.kernel.map((r, i) => (r.rps / results.bare[i]!.rps).toFixed(2)).join(', ')})`,
  );
  console.log(`  p99 latency: bare ${bareP99} ms / kernel ${kernelP99} ms = ${latencyRatio.toFixed(2)} of bare Koa's speed`);
  const errors = [...results.bare, ...results.kernel].reduce((n, r) => n + r.errors, 0);
  if (errors) console.log(`  errors or non-2xx responses: ${errors}`);
  mkdirSync('artifacts', { recursive: true });
  writeFileSync(
    'artifacts/bench-kernel.json',
    JSON.stringify(
      {
        when: new Date().toISOString(),
        bareRps,
        kernelRps,
        bareP99,
        kernelP99,
        throughputRatio,
        roundRatio,
        latencyRatio,
        rounds: results,
      },
      null,
      2,
    ),
  );
} finally {
  bare.child.kill('SIGTERM');
  kernel.child.kill('SIGTERM');
}
