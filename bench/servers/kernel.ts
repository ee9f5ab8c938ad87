import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { bufferedStdout, coreModules, createLogger, definePlugin, Kernel, loadConfig } from '@conductor/core';
import { ITEMS } from './items.js';

// The same route through the whole kernel: request id, scope per request, access log line,
// error handling, zod-validated query, the plugin guard, the router.
const item = z.object({
  id: z.string(),
  name: z.string(),
  state: z.enum(['running', 'offline']),
  memoryMb: z.number().int(),
  playersOnline: z.number().int(),
});
const bench = definePlugin({
  manifest: { name: 'bench', version: '1.0.0' },
  routes(r) {
    r.route({
      method: 'get',
      path: '/items',
      summary: 'A list of 50 objects',
      access: 'public',
      query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(50) }),
      response: { schema: z.object({ items: z.array(item) }) },
      handler: ({ query }) => ({ items: ITEMS.slice(0, query.limit) as z.input<typeof item>[] }),
    });
  },
});

const dataDir = mkdtempSync(path.join(tmpdir(), 'conductor-bench-'));
const config = loadConfig(
  {},
  { HOST: '127.0.0.1', PORT: 0, DATA_DIR: dataDir, LOG_FORMAT: 'json', LOG_LEVEL: process.env.BENCH_LOG ?? 'info' },
);
// Logs are written for real (JSON, buffered, as in production) but to /dev/null so no pipe is measured.
const logger = createLogger(config, bufferedStdout(openSync('/dev/null', 'w')));
const kernel = new Kernel({ config, plugins: [...coreModules, bench], logger });
await kernel.start();
process.send?.({ port: Number(new URL(kernel.url).port) });
process.on('SIGTERM', () => {
  void kernel.stop().then(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
