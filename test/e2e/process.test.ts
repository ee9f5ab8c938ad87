import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { io as connectSocket } from 'socket.io-client';
import { ADMIN_TOKEN, createStorage, DATABASES, freePort, requireDocker, startPanel } from '@conductor/test';
import { processRuns } from '../../core/src/modules/nodes/agent-pid-file.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'test/fixtures');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs an npm script's target the way `npm start` / `npm run cli` would, with a clean environment. */
function run(script: 'core/src/main.ts' | 'core/src/cli.ts' | 'wings-agent/src/main.ts', args: string[], env: Record<string, string>): Run {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|PORT|HOST|DATA_DIR|ADMIN_TOKEN|LOG_.*|PLUGINS_.*|CONFIG_FILE)$/.test(k)),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...clean, LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function logLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the panel process', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'conductor-process-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('configuration errors stop boot with one line naming the key', () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['a port that is not a number', { PORT: 'eighty' }, /^Configuration error: PORT: expected an integer from 0 to 65535, got "eighty"$/],
      [
        'a database URL of another kind',
        { DATABASE_URL: 'mysql://root@localhost/conductor' },
        /^Configuration error: DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL \(leave unset for SQLite\), got "mysql:\/\/root@localhost\/conductor"$/,
      ],
      [
        'an unknown log level',
        { LOG_LEVEL: 'loud' },
        /^Configuration error: LOG_LEVEL: expected trace, debug, info, warn, error, fatal or silent, got "loud"$/,
      ],
      ['a short admin token', { ADMIN_TOKEN: 'short' }, /^Configuration error: ADMIN_TOKEN: expected at least 32 characters, got "short"$/],
      [
        'a config file that does not exist',
        { CONFIG_FILE: '/nonexistent/conductor.json' },
        /^Configuration error: CONFIG_FILE: cannot read \/nonexistent\/conductor.json \(ENOENT\)$/,
      ],
    ];
    for (const [what, env, expected] of cases) {
      it(what, async () => {
        const proc = run('core/src/main.ts', [], { DATA_DIR: dir, ...env });
        const { code } = await proc.exit;
        expect(code).to.equal(1);
        const lines = proc.stderr().trim().split('\n');
        expect(lines, proc.stderr()).to.have.length(1);
        expect(lines[0]).to.match(expected);
        expect(proc.stderr()).to.not.match(/\n\s+at /);
      });
    }

    it('reads a config file, and the environment overrides it', async () => {
      const file = path.join(dir, 'conductor.json');
      writeFileSync(file, JSON.stringify({ PORT: 'from-file', LOG_LEVEL: 'warn' }));
      const bad = run('core/src/main.ts', [], { DATA_DIR: dir, CONFIG_FILE: file });
      expect((await bad.exit).code).to.equal(1);
      expect(bad.stderr().trim()).to.equal('Configuration error: PORT: expected an integer from 0 to 65535, got "from-file"');
      const port = await freePort();
      const good = run('core/src/main.ts', [], { DATA_DIR: dir, CONFIG_FILE: file, PORT: String(port), LOG_LEVEL: 'info' });
      try {
        await waitFor('listening', () => good.stdout().includes('Conductor is listening'));
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).to.equal(200);
      } finally {
        good.child.kill('SIGTERM');
        await good.exit;
      }
    });
  });

  it('prints its URL, and on SIGTERM finishes in-flight requests, refuses new ones, stops plugins in reverse order and exits 0', async function () {
    this.timeout(30_000);
    const port = await freePort();
    const proc = run('core/src/main.ts', [], {
      DATA_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PLUGINS_DIR: path.join(FIXTURES, 'shutdown-plugins'),
    });
    await waitFor('listening', () => proc.stdout().includes('Conductor is listening'));
    const listening = logLines(proc.stdout()).find((l) => String(l.msg).startsWith('Conductor is listening'));
    expect(listening?.url).to.equal(`http://127.0.0.1:${port}`);
    // A fresh install has no accounts: the log says how to make the first admin.
    expect(logLines(proc.stdout()).some((l) => String(l.msg).includes('npm run cli -- user:create --email'))).to.equal(true);

    const inFlight = fetch(`http://127.0.0.1:${port}/api/slow/wait?ms=1000`);
    await new Promise((r) => setTimeout(r, 200));
    proc.child.kill('SIGTERM');
    await waitFor('shutdown to begin', () => proc.stdout().includes('shutting down'));
    let refused: unknown = null;
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
    } catch (err) {
      refused = err;
    }
    expect(refused, 'a new connection after SIGTERM is refused').to.be.instanceOf(Error);
    const res = await inFlight;
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ done: true });
    const { code } = await proc.exit;
    expect(code).to.equal(0);
    const messages = logLines(proc.stdout()).map((l) => l.msg);
    const order = ['shutting down', 'stopping slow', 'stopping first', 'stopped'].map((m) => messages.indexOf(m));
    expect(
      order.every((i) => i >= 0),
      messages.join(' | '),
    ).to.equal(true);
    expect([...order].sort((x, y) => x - y)).to.deep.equal(order);
  });

  it('closes open sockets at the start of a shutdown with a reconnect hint, instead of waiting out the grace period', async function () {
    const graceMs = 20_000;
    this.timeout(graceMs + 20_000);
    const port = await freePort();
    const proc = run('core/src/main.ts', [], {
      DATA_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOCAL_AGENT: 'off',
      ADMIN_TOKEN,
      SHUTDOWN_TIMEOUT_MS: String(graceMs),
    });
    await waitFor('listening', () => proc.stdout().includes('Conductor is listening'));
    // An open console: the /servers namespace, as the panel's page holds it.
    const socket = connectSocket(`http://127.0.0.1:${port}/servers`, {
      transports: ['websocket'],
      auth: { token: ADMIN_TOKEN },
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const hints: unknown[] = [];
    socket.on('panel:shutdown', (hint: unknown) => hints.push(hint));
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

    const started = Date.now();
    proc.child.kill('SIGTERM');
    const { code } = await proc.exit;
    const tookMs = Date.now() - started;
    expect(code).to.equal(0);
    expect(tookMs, 'the socket does not hold the shutdown for the grace period').to.be.below(graceMs / 2);
    expect(hints).to.deep.equal([{ reconnect: true, message: 'The panel is shutting down; reconnecting' }]);
    // The transport closed under it (not a server-side disconnect): socket.io clients reconnect on their own.
    expect(await disconnected).to.equal('transport close');
    socket.close();
    expect(proc.stdout()).to.not.contain('in-flight requests did not finish in time');
  });

  describe('the local agent belongs to its panel', () => {
    const answers = async (port: number) => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
      } catch {
        return false;
      }
    };
    const localNode = async (port: number) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/nodes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      return ((await res.json()) as { nodes: Array<{ name: string; status: string }> }).nodes.find((n) => n.name === 'local');
    };
    /** The panel's child process that runs the agent, found through /proc rather than the pid file. */
    const agentChildOf = (pid: number) => {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
      const agent = children.find((c) => readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('wings-agent'));
      if (!agent) throw new Error(`panel ${pid} runs no agent`);
      return agent;
    };
    const startWithAgent = async (agentPort: number) => {
      const port = await freePort();
      const proc = run('core/src/main.ts', [], {
        DATA_DIR: dir,
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_TOKEN,
        LOCAL_AGENT: 'auto',
        LOCAL_AGENT_PORT: String(agentPort),
      });
      try {
        await waitFor('listening', () => proc.stdout().includes('Conductor is listening'), 60_000);
        return { proc, port, agentPid: agentChildOf(proc.child.pid!) };
      } catch (err) {
        proc.child.kill('SIGKILL');
        throw err;
      }
    };

    it('stops by itself when its panel is killed, and the next start runs an agent of its own', async function () {
      this.timeout(120_000);
      await requireDocker();
      const agentPort = await freePort();
      const pidFile = path.join(dir, 'local-agent.pid');
      const first = await startWithAgent(agentPort);
      const pidFileSays = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : null;
      try {
        expect(await answers(agentPort)).to.equal(true);
      } finally {
        first.proc.child.kill('SIGKILL');
        await first.proc.exit;
      }
      try {
        await waitFor('the orphaned agent to stop by itself', () => !processRuns(first.agentPid), 20_000);
      } finally {
        if (processRuns(first.agentPid)) process.kill(first.agentPid, 'SIGKILL');
      }
      expect(await answers(agentPort)).to.equal(false);
      expect(pidFileSays, 'the pid file named it').to.equal(first.agentPid);

      const second = await startWithAgent(agentPort);
      try {
        expect(second.agentPid).to.not.equal(first.agentPid);
        expect(await localNode(second.port)).to.deep.include({ status: 'up' });
        expect(second.proc.stdout()).to.not.contain('EADDRINUSE').and.not.contain('the local agent could not start');
      } finally {
        second.proc.child.kill('SIGTERM');
        await second.proc.exit;
      }
      expect(processRuns(second.agentPid), 'a clean stop takes the agent along').to.equal(false);
      expect(existsSync(pidFile)).to.equal(false);
    });

    it('stops an agent an earlier run left behind, found by its pid file, before starting its own', async function () {
      this.timeout(120_000);
      await requireDocker();
      const agentPort = await freePort();
      // An agent that does not watch its stdin (an older one): it would outlive its panel.
      const leftover = run('wings-agent/src/main.ts', [], {
        AGENT_TOKEN: 'an-old-token-the-panel-does-not-know-0123456789',
        AGENT_PORT: String(agentPort),
        AGENT_HOST: '127.0.0.1',
        AGENT_DATA_DIR: path.join(dir, 'leftover-agent'),
        EDGE_PORT: 'off',
      });
      try {
        await waitFor('the leftover agent', () => leftover.stdout().includes('Conductor agent listening'), 30_000);
        writeFileSync(path.join(dir, 'local-agent.pid'), `${leftover.child.pid}\n`);
        const panel = await startWithAgent(agentPort);
        try {
          await waitFor(
            'the leftover agent to be stopped',
            () => leftover.child.exitCode !== null || leftover.child.signalCode !== null,
            15_000,
          );
          expect(
            logLines(panel.proc.stdout()).some(
              (l) =>
                l.msg === 'a local agent from an earlier panel run is still running; stopping it to start a current one' &&
                l.pid === leftover.child.pid,
            ),
          ).to.equal(true);
          // The old agent knew another token: the node is up only because the panel's own agent answers.
          expect(await localNode(panel.port)).to.deep.include({ status: 'up' });
        } finally {
          panel.proc.child.kill('SIGTERM');
          await panel.proc.exit;
        }
      } finally {
        leftover.child.kill('SIGKILL');
      }
    });
  });

  for (const database of DATABASES) {
    describe(`the CLI (${database})`, () => {
      it('migrates, reports migration status and lists plugins with their state', async function () {
        this.timeout(60_000);
        const storage = await createStorage(database);
        const env = {
          DATA_DIR: storage.dataDir,
          PLUGINS_DIR: path.join(FIXTURES, 'shutdown-plugins'),
          ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
        };
        try {
          const before = run('core/src/cli.ts', ['migrate:status'], env);
          expect((await before.exit).code, before.stderr()).to.equal(0);
          expect(before.stdout()).to.match(/core: 0 applied, 4 pending/);

          const migrate = run('core/src/cli.ts', ['migrate'], env);
          expect((await migrate.exit).code, migrate.stderr()).to.equal(0);
          expect(migrate.stdout()).to.contain('Migrations are up to date.');

          const after = run('core/src/cli.ts', ['migrate:status'], env);
          await after.exit;
          expect(after.stdout()).to.match(/core: 4 applied, 0 pending/);

          const list = run('core/src/cli.ts', ['plugin', 'list'], env);
          expect((await list.exit).code).to.equal(0);
          const rows = list.stdout().trim().split('\n');
          expect(rows[0]).to.match(/^NAME\s+VERSION\s+STATE\s+SOURCE$/);
          expect(rows.find((r) => r.startsWith('slow'))).to.match(/^slow\s+1\.0\.0\s+registered\s+dir:.*shutdown-plugins\/slow$/);
          expect(rows.find((r) => r.startsWith('admin'))).to.match(/builtin$/);
        } finally {
          await storage.cleanup();
        }
      });

      it('creates the first admin with user:create, who can then sign in; refuses a duplicate and bad input', async function () {
        this.timeout(60_000);
        const storage = await createStorage(database);
        const env = { DATA_DIR: storage.dataDir, ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}) };
        try {
          const created = run(
            'core/src/cli.ts',
            ['user:create', '--email', 'First@Example.com', '--password', 'first admin password', '--admin'],
            env,
          );
          expect((await created.exit).code, created.stderr()).to.equal(0);
          expect(created.stdout()).to.match(/^Created admin First@Example\.com \([0-9a-f-]{36}\)/);
          const again = run('core/src/cli.ts', ['user:create', '--email', 'first@example.com', '--password', 'another password'], env);
          expect((await again.exit).code).to.equal(1);
          expect(again.stderr()).to.contain('already exists');
          const bad = run('core/src/cli.ts', ['user:create', '--email', 'not-an-email', '--password', 'whatever password'], env);
          expect((await bad.exit).code).to.equal(2);
          expect(bad.stderr()).to.match(/^--email: expected an email address/);
          const panel = await startPanel({ database, dataDir: storage.dataDir, databaseUrl: storage.databaseUrl });
          try {
            const login = await panel.request('POST', '/api/auth/login', {
              auth: false,
              body: { email: 'first@example.com', password: 'first admin password' },
            });
            expect(login.status).to.equal(200);
            expect(login.body.user).to.deep.include({ email: 'First@Example.com', role: 'admin', emailVerified: true });
          } finally {
            await panel.close();
          }
        } finally {
          await storage.cleanup();
        }
      });
    });
  }

  it('prints the configuration with its secrets hidden', async () => {
    const proc = run('core/src/cli.ts', ['config', 'check'], {
      DATA_DIR: dir,
      SECRET_KEY: 'a-secret-key-of-at-least-32-characters!',
      SMTP_PASS: 'smtp-password',
      SMTP_HOST: 'mail.example.com',
    });
    expect((await proc.exit).code, proc.stderr()).to.equal(0);
    const shown = JSON.parse(proc.stdout()) as Record<string, unknown>;
    expect(shown).to.deep.include({ SECRET_KEY: '(set)', SMTP_PASS: '(set)', SMTP_HOST: 'mail.example.com', SMTP_PORT: 587 });
    expect(proc.stdout()).to.not.contain('a-secret-key').and.not.contain('smtp-password');
  });

  it('explains an unknown CLI command and exits 2', async () => {
    const proc = run('core/src/cli.ts', ['frobnicate'], { DATA_DIR: dir });
    expect((await proc.exit).code).to.equal(2);
    expect(proc.stderr()).to.contain('Unknown command "frobnicate"');
    expect(proc.stderr()).to.contain('migrate:status');
  });
});
