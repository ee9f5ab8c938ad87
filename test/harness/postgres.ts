import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface ThrowawayPostgres {
  url: string;
  stop(): void;
}

const HOW_TO =
  'Install PostgreSQL (Debian: apt-get install -y postgresql) or set DATABASE_URL to a server the tests may create databases on.';

function findBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR);
  if (existsSync('/usr/lib/postgresql')) {
    for (const v of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)))
      candidates.push(`/usr/lib/postgresql/${v}/bin`);
  }
  const found = candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
  if (!found)
    throw new Error(`No PostgreSQL binaries found (looked in ${candidates.join(', ') || '/usr/lib/postgresql/*/bin'}). ${HOW_TO}`);
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * initdb refuses to run as root, so as root every PostgreSQL command runs as the `postgres`
 * system user on a folder that user owns.
 */
function runAs(cmd: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const res = asRoot
    ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { encoding: 'utf8' })
    : spawnSync(cmd, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${path.basename(cmd)} failed (exit ${res.status}): ${res.stderr || res.stdout}`);
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = findBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'conductor-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      throw new Error(`Running as root needs a "postgres" system user to run initdb. ${HOW_TO}`);
    }
    execFileSync('chown', ['postgres', dir]);
  }
  chmodSync(dir, 0o755);
  const port = await freePort();
  runAs(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  runAs(path.join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      runAs(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.once('exit', stop);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

let server: ThrowawayPostgres | null = null;
let adminUrl: string | null = null;

/** The server tests create their databases on: DATABASE_URL when set, else a throwaway one. */
export async function postgresAdminUrl(): Promise<string> {
  if (adminUrl) return adminUrl;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    server = await startThrowawayPostgres();
    adminUrl = server.url;
  }
  return adminUrl;
}

export function stopThrowawayPostgres(): void {
  server?.stop();
  server = null;
  adminUrl = null;
}

/** A fresh, empty database for one panel (or several panels sharing it). */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await postgresAdminUrl();
  const name = `conductor_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
