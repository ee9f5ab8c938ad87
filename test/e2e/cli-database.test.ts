import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createStorage } from '@conductor/test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** `npm run cli -- …` as an operator runs it, from `cwd`, with only the given database settings. */
function cli(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|DATA_DIR|CONFIG_FILE|LOG_.*)$/.test(k)));
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'core/src/cli.ts'), ...args], {
    cwd,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const create = (email: string) => ['user:create', '--email', email, '--password', 'a long enough password'];

describe('the CLI says which database it acts on', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'conductor-cli-')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('without DATA_DIR: the SQLite file in ./data of the current folder, and that DATA_DIR is not set', async () => {
    const run = await cli(create('nodir@example.org'), dir, {});
    expect(run.code, run.stderr).to.equal(0);
    const file = path.join(dir, 'data', 'conductor.sqlite');
    expect(run.stderr).to.contain(
      `Database: SQLite file ${file} (DATA_DIR is not set, so the default ./data in the current folder is used; set DATA_DIR or DATABASE_URL to choose)`,
    );
    expect(existsSync(file), 'it wrote where it said').to.equal(true);
    expect(run.stdout).to.match(/^Created user nodir@example\.org/);
  });

  it('with DATA_DIR: its SQLite file', async () => {
    const dataDir = path.join(dir, 'panel-data');
    const run = await cli(create('dir@example.org'), dir, { DATA_DIR: dataDir });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.contain(`Database: SQLite file ${path.join(dataDir, 'conductor.sqlite')} (DATA_DIR)`);
  });

  it('with DATABASE_URL: the PostgreSQL URL without its password', async () => {
    const storage = await createStorage('postgres');
    try {
      // The test server trusts local connections, so the password is never checked: it only has to stay hidden.
      const url = new URL(storage.databaseUrl!);
      url.password = 'very-secret-password';
      const run = await cli(create('pg@example.org'), dir, { DATABASE_URL: url.toString(), DATA_DIR: storage.dataDir });
      expect(run.code, run.stderr).to.equal(0);
      url.password = '***';
      expect(run.stderr).to.contain(`Database: PostgreSQL at ${url.toString()} (DATABASE_URL)`);
      expect(run.stderr + run.stdout).to.not.contain('very-secret-password');
    } finally {
      await storage.cleanup();
    }
  });
});
