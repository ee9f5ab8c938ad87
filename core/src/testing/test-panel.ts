import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type CoreConfig } from '../kernel/config.js';
import { Kernel } from '../kernel/kernel.js';
import type { LeaderElector } from '../kernel/leader.js';
import { createLogger } from '../kernel/logger.js';
import type { PluginDefinition } from '../kernel/plugin.js';
import { coreModuleNames, coreModules } from '../modules/index.js';

/** The operator token of a test panel: `request` sends it unless told not to. */
export const ADMIN_TOKEN = 'test-operator-token-0123456789abcdef';

/** Log lines a test panel wrote, parsed, so tests can assert on them. */
export class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    cb();
  }
}

/** An answer's body in tests: loosely typed, since tests assert on it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseBody = any;

export interface TestPanelOptions {
  /** The plugins under test, loaded after core's modules. */
  plugins?: PluginDefinition[];
  /** Leave out the core modules (admin, events). */
  withoutCoreModules?: boolean;
  /** Configuration on top of the test defaults; `plugins: { <name>: {...} }` for a plugin's section. */
  config?: Record<string, unknown>;
  /** A PostgreSQL database of the test's own; SQLite in dataDir without it. */
  databaseUrl?: string;
  /** Share storage with another panel (SQLite); a fresh temporary folder otherwise, removed on close. */
  dataDir?: string;
  /** Also load plugins installed in appRoot's node_modules and plugins/ folder. */
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
  request(
    method: string,
    pathname: string,
    options?: { body?: unknown; rawBody?: string; headers?: Record<string, string>; auth?: boolean },
  ): Promise<{ status: number; headers: Headers; body: LooseBody }>;
  close(): Promise<void>;
}

/**
 * Boots a real panel in this process on a free port with core's modules and the given plugins,
 * as the panel's own tests do: a plugin's test calls its routes over HTTP and sees its
 * migrations, keys, events and jobs as a panel runs them (docs/plugins.md, "Test").
 */
export async function startTestPanel(options: TestPanelOptions = {}): Promise<TestPanel> {
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'conductor-test-'));
  const removeDataDir = () => ownDataDir && rmSync(dataDir, { recursive: true, force: true });
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
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
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
    removeDataDir();
    throw err;
  }
  const url = kernel.url;
  return {
    kernel,
    url,
    config,
    logs,
    databaseUrl: options.databaseUrl,
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
      removeDataDir();
    },
  };
}
