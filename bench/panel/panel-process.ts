import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bufferedStdout, coreModules, createLogger, Kernel, loadConfig } from '@conductor/core';

// The panel under load, alone in its process so its CPU and event-loop delay are its own.
const config = loadConfig(
  {},
  {
    HOST: '127.0.0.1',
    PORT: 0,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'conductor-fleet-')),
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    LOCAL_AGENT: 'off',
    ADMIN_TOKEN: process.env.ADMIN_TOKEN!,
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  },
);
const kernel = new Kernel({ config, plugins: coreModules, logger: createLogger(config, bufferedStdout(openSync('/dev/null', 'w'))) });
await kernel.start();
process.send!({ port: Number(new URL(kernel.url).port) });

let delay = monitorEventLoopDelay({ resolution: 10 });
let cpu = process.cpuUsage();
let since = performance.now();
process.on('message', (m: SeedMessage) => void answer(m));

/** `seed` writes rows straight into a table (servers unless told), as the list's tests do. */
interface SeedMessage {
  type: string;
  table?: 'servers' | 'allocations';
  rows?: Array<Record<string, unknown>>;
}

async function answer(m: SeedMessage): Promise<void> {
  if (m.type === 'reset') {
    delay.disable();
    delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    cpu = process.cpuUsage();
    since = performance.now();
    process.send!({ type: 'reset' });
  } else if (m.type === 'report') {
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - since) / 1000;
    process.send!({
      type: 'report',
      cpuPercent: ((used.user + used.system) / 1e6 / seconds) * 100,
      eldP99Ms: delay.percentile(99) / 1e6,
      eldMaxMs: delay.max / 1e6,
    });
  } else if (m.type === 'seed') {
    for (let i = 0; i < m.rows!.length; i += 200) await kernel.db(m.table ?? 'servers').insert(m.rows!.slice(i, i + 200));
    process.send!({ type: 'seeded' });
  }
}
delay.enable();
// Exits at once (a graceful stop waits on 1,000 vanished nodes), still writing a `--cpu-prof` profile (NODE_OPTIONS).
process.on('SIGTERM', () => process.exit(0));
