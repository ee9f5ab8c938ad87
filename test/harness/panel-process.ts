import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN } from '@conductor/core/testing';
import { COMPILED_FLAGS } from '../../core/src/kernel/compiled.js';
import { freePort } from './postgres.js';
import { until } from './wait.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Shared by every panel on one database: it seals secrets the others must read. */
const SECRET_KEY = 'a'.repeat(64);

export interface PanelProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  /** SIGTERM, as systemd stops the unit; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * A compiled panel process as the installer's unit runs it (build it first with
 * scripts/build-server.mjs), on a shared PostgreSQL (SQLite in `dataDir` when `databaseUrl` is
 * undefined); resolves once /readyz answers. `port` restarts a panel where it was.
 */
export async function startPanelProcess(
  databaseUrl: string | undefined,
  dataDir: string,
  options: { port?: number; env?: Record<string, string> } = {},
): Promise<PanelProcess> {
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [...COMPILED_FLAGS, 'core/dist/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN,
      SECRET_KEY,
      LOCAL_AGENT: 'off',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await until(
    'a panel process to answer /readyz',
    async () => {
      if (child.exitCode !== null) throw new Error(`the panel exited with ${child.exitCode}`);
      return fetch(`${url}/readyz`)
        .then((r) => r.ok)
        .catch(() => false);
    },
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; its output:\n${output.slice(-3000)}`);
  });
  return {
    child,
    port,
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
