import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { freePort, requireDocker, until } from '@conductor/test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const ADMIN = { email: 'release@example.test', password: 'a release test password' };

/** This test's Node first on PATH, so `scripts/node.sh` in the release finds it instead of fetching one. */
function releaseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(DATABASE_URL|PORT|HOST|DATA_DIR|ADMIN_TOKEN|LOG_.*|PLUGINS_.*|CONFIG_FILE|NODE_OPTIONS)$/.test(k),
    ),
  );
  return { ...clean, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`, LOG_FORMAT: 'json', ...extra };
}

/** The server's TypeScript files in an unpacked release (the UI's sources are not the server's). */
function serverTypeScript(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(rel, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'panel-ui', 'ui', 'bench', 'sdk', 'plugin-template'].includes(entry.name) ? [] : serverTypeScript(dir, file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

describe('a packed release: npm ci --omit=dev && npm start', function () {
  this.timeout(5 * 60_000);
  let dir: string;
  let panel: ChildProcess | null = null;
  let output = '';

  before(async () => {
    await requireDocker(); // the local agent runs against the real engine
    dir = mkdtempSync(path.join(tmpdir(), 'conductor-release-'));
  });

  after(async () => {
    if (panel?.pid && panel.exitCode === null) {
      const exited = new Promise((resolve) => panel!.once('exit', resolve));
      process.kill(-panel.pid, 'SIGTERM'); // npm, its shell and the panel: one process group
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs without development dependencies, starts from the compiled JavaScript with the local agent, and signs in the first admin', async () => {
    const tarball = path.join(dir, 'conductor.tar.gz');
    await run('bash', [path.join(ROOT, 'scripts/pack-release.sh'), tarball], { cwd: ROOT, env: releaseEnv({}) });
    await run('tar', ['-C', dir, '-xzf', tarball]);
    const release = path.join(dir, 'conductor');
    expect(serverTypeScript(release), 'the release ships no server TypeScript, so nothing can run it').to.deep.equal([]);

    await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: release,
      env: releaseEnv({}),
      maxBuffer: 64 * 1024 * 1024,
    });
    // sqlite3's native binding: its install script compiles for minutes (no prebuilt download
    // offline); the checkout's, built for this same Node and machine, stands in for it.
    const binding = 'node_modules/sqlite3/build/Release/node_sqlite3.node';
    mkdirSync(path.dirname(path.join(release, binding)), { recursive: true });
    copyFileSync(path.join(ROOT, binding), path.join(release, binding));

    const port = await freePort();
    const data = path.join(dir, 'data');
    const env = releaseEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: data,
      LOCAL_AGENT: 'auto',
      LOCAL_AGENT_PORT: String(await freePort()),
    });
    panel = spawn('npm', ['start'], { cwd: release, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [panel.stdout!, panel.stderr!]) stream.on('data', (d: Buffer) => (output += d.toString()));
    await until(
      'the released panel to answer /readyz',
      () =>
        fetch(`http://127.0.0.1:${port}/readyz`)
          .then((r) => r.ok)
          .catch(() => false),
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; its output:\n${output.slice(-3000)}`);
    });
    expect(output, 'a built release is started as it is, never rebuilt').to.not.match(/Compiling|Building/);
    expect(output)
      .to.match(/node --conditions=conductor-compiled [^\n]*core\/dist\/main\.js/)
      .and.not.contain('tsx');

    // The first administrator, the way the panel's log says to make one.
    await run('npm', ['run', 'cli', '--', 'user:create', '--email', ADMIN.email, '--password', ADMIN.password, '--admin'], {
      cwd: release,
      env: releaseEnv({ DATA_DIR: data }),
    });
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).to.equal(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const local = await until(
      'the local agent to be up',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/nodes`, { headers: { cookie } });
        const { nodes } = (await res.json()) as { nodes: Array<{ name: string; local: boolean; status: string }> };
        return nodes.find((n) => n.local && n.status === 'up');
      },
      30_000,
    );
    expect(local.name).to.equal('local');
  });
});
