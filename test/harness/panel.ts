import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { coreModuleNames, coreModules, Kernel, loadConfig, createLogger, type CoreConfig, type LeaderElector, type PluginDefinition } from '@conductor/core';
import { createTestDatabase } from './postgres.js';

export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASES: DatabaseKind[] = ['sqlite', 'postgres'];

export const ADMIN_TOKEN = 'test-operator-token-0123456789abcdef';

/** Log lines a test panel wrote, parsed, so tests can assert on them. */
export class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    cb();
  }
}

export interface PanelOptions {
  database: DatabaseKind;
  plugins?: PluginDefinition[];
  /** Leave out the core modules (admin, events). */
  withoutCoreModules?: boolean;
  config?: Record<string, unknown>;
  /** Share a database with another panel: pass its `databaseUrl` (PostgreSQL) or `dataDir` (SQLite). */
  databaseUrl?: string;
  dataDir?: string;
  discover?: boolean;
  appRoot?: string;
  leader?: LeaderElector;
}

export interface TestPanel {
  kernel: Kernel;
  url: string;
  config: CoreConfig;
  logs: LogCapture;
  databaseUrl?: string;
  dataDir: string;
  /** fetch against the panel, as the operator unless `auth: false`. The body is loosely typed: tests assert on it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request(method: string, pathname: string, options?: { body?: unknown; rawBody?: string; headers?: Record<string, string>; auth?: boolean }): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

/** Boots a real panel in this process on a free port, with the chosen plugins and database. */
export async function startPanel(options: PanelOptions): Promise<TestPanel> {
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'conductor-test-'));
  let databaseUrl = options.databaseUrl;
  let drop: (() => Promise<void>) | null = null;
  if (options.database === 'postgres' && !databaseUrl) {
    const db = await createTestDatabase();
    databaseUrl = db.url;
    drop = db.drop;
  }
  const config = loadConfig(
    {},
    {
      HOST: '127.0.0.1',
      PORT: 0,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ADMIN_TOKEN,
      EVENTS_POLL_MS: 50,
      LEADER_POLL_MS: 200,
      NODE_ENV: 'test',
      LOCAL_AGENT: 'off',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...options.config,
    },
  );
  const logs = new LogCapture();
  const kernel = new Kernel({
    config,
    plugins: [...(options.withoutCoreModules ? [] : coreModules), ...(options.plugins ?? [])],
    required: options.withoutCoreModules ? [] : coreModuleNames,
    discover: options.discover ?? false,
    appRoot: options.appRoot,
    logger: createLogger(config, logs),
    leader: options.leader,
  });
  try {
    await kernel.start();
  } catch (err) {
    await kernel.stop().catch(() => undefined);
    if (drop) await drop();
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const url = kernel.url;
  return {
    kernel,
    url,
    config,
    logs,
    databaseUrl,
    dataDir,
    async request(method, pathname, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.auth !== false) headers.authorization ??= `Bearer ${ADMIN_TOKEN}`;
      let body: string | undefined = opts.rawBody;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${url}${pathname}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async close() {
      await kernel.stop();
      if (drop) await drop();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Storage that outlives one panel: for restarts and for several panels sharing a database. */
export async function createStorage(database: DatabaseKind): Promise<{ dataDir: string; databaseUrl?: string; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'conductor-storage-'));
  const db = database === 'postgres' ? await createTestDatabase() : null;
  return {
    dataDir,
    databaseUrl: db?.url,
    async cleanup() {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
