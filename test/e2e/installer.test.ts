import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import {
  debianImage,
  debianImageUnavailable,
  freePort,
  requireDocker,
  RUN_ID,
  TEST_CACHE_DIR,
  ubuntuImage,
  ubuntuImageUnavailable,
  until,
} from '@conductor/test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const NODE_TOKEN = 'cdn_installerTestToken0123456789abcdefghijklmn';

/** A command in the container; never throws, so a test can assert on the exit code and output. */
async function inContainer(
  container: string,
  script: string,
  options: { user?: string; workdir?: string; env?: string[]; detach?: boolean; args?: string[] } = {},
): Promise<{ code: number; out: string }> {
  const args = [
    'exec',
    ...(options.detach ? ['-d'] : []),
    ...(options.user ? ['-u', options.user] : []),
    ...(options.workdir ? ['-w', options.workdir] : []),
  ];
  for (const e of options.env ?? []) args.push('-e', e);
  try {
    const { stdout, stderr } = await run('docker', [...args, container, 'bash', '-c', script, 'bash', ...(options.args ?? [])], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** The [Service] settings of a unit file, each key with its values in order. */
function serviceSection(unit: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const line of unit.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line.trim());
    if (header) section = header[1]!;
    const setting = /^(\w+)=(.*)$/.exec(line);
    if (section === 'Service' && setting) settings.set(setting[1]!, [...(settings.get(setting[1]!) ?? []), setting[2]!]);
  }
  return settings;
}

/** KEY=value lines of an EnvironmentFile, as systemd reads them (comments and blank lines skipped). */
function environmentFile(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(line))
    .map((line) => line.replace(/^([^=]+)="(.*)"$/, '$1=$2'));
}

const installer = (args: string) => `bash /src/installer/install.sh ${args}`;
const ADMIN = { email: 'admin@example.test', password: 'installer test password' };

/** A container of the fresh Debian with this checkout at /src (read-only) and the panel's port published. */
interface Machine {
  container: string;
  port: number;
  /** This machine's Docker engine at the container's /run/docker.sock, for the node's agent. */
  docker?: boolean;
  /** Debian 12 unless said. */
  os?: 'ubuntu2404';
}

/** Starts the machine's container; skips the calling suite, with the reason, where the Debian image cannot be built. */
async function startMachine(context: Mocha.Context, machine: Machine): Promise<void> {
  const unavailable = machine.os === 'ubuntu2404' ? ubuntuImageUnavailable() : debianImageUnavailable();
  if (unavailable) {
    console.warn(`      skipped: ${unavailable}`);
    context.skip();
  }
  await requireDocker();
  // The panel is installed from this checkout, so its server and UI must be built (a no-op when fresh).
  for (const build of ['scripts/build-server.mjs', 'scripts/build-ui.mjs'])
    execFileSync(process.execPath, [build], { cwd: ROOT, stdio: 'ignore' });
  const image = machine.os === 'ubuntu2404' ? await ubuntuImage() : await debianImage();
  machine.port = await freePort();
  // Downloads are kept between runs (npm's cache and apt's archives); the installs themselves are not.
  // Each system's packages apart: Debian and Ubuntu may name different files alike.
  const archives = machine.os ? `apt-archives-${machine.os}` : 'apt-archives';
  for (const dir of ['npm', `${archives}/partial`]) mkdirSync(path.join(TEST_CACHE_DIR, dir), { recursive: true });
  const mounts = [`${ROOT}:/src:ro`, `${TEST_CACHE_DIR}/npm:/root/.npm`, `${TEST_CACHE_DIR}/${archives}:/var/cache/apt/archives`];
  // Certificates this machine adds to Debian's store (a TLS-inspecting proxy's, say) are needed in
  // the container too; ca-certificates, which the installer installs, picks them up from here.
  if (existsSync('/usr/local/share/ca-certificates')) mounts.push('/usr/local/share/ca-certificates:/usr/local/share/ca-certificates:ro');
  if (machine.docker) mounts.push('/var/run/docker.sock:/run/docker.sock');
  await run('docker', ['rm', '-f', machine.container]).catch(() => undefined);
  await run('docker', [
    'run',
    '-d',
    '--name',
    machine.container,
    '--label',
    `conductor.test=${RUN_ID}`,
    '-p',
    `127.0.0.1:${machine.port}:8080`,
    ...mounts.flatMap((m) => ['-v', m]),
    image,
    'sleep',
    'infinity',
  ]);
}

/** A fresh Debian machine for the calling suite: started before its tests, removed after them. */
function machineForSuite(name: string, options: { docker?: boolean; os?: Machine['os'] } = {}): Machine {
  const machine: Machine = { container: `conductor-test-${RUN_ID}-${name}`, port: 0, ...options };
  before(async function () {
    await startMachine(this, machine);
  });
  after(async () => {
    await run('docker', ['rm', '-f', machine.container]).catch(() => undefined);
  });
  return machine;
}

/**
 * systemd is not running in a container: starts what a unit starts, the way it would (its User,
 * WorkingDirectory, EnvironmentFile and Environment; `env` adds the test's own), its output in
 * /tmp/<name>.log and its pid in /tmp/<name>.pid.
 */
async function startInstalledUnit({ container }: Machine, name: string, env: string[] = []): Promise<Map<string, string[]>> {
  const unit = serviceSection((await inContainer(container, `cat /etc/systemd/system/conductor-${name}.service`)).out);
  const started = await inContainer(container, `echo $$ >/tmp/${name}.pid; exec "$@" >/tmp/${name}.log 2>&1`, {
    detach: true,
    user: unit.get('User')![0],
    workdir: unit.get('WorkingDirectory')![0],
    env: [
      ...environmentFile((await inContainer(container, `cat ${unit.get('EnvironmentFile')![0]}`)).out),
      ...unit.get('Environment')!,
      ...env,
    ],
    args: unit.get('ExecStart')![0]!.split(' '),
  });
  expect(started.code).to.equal(0);
  return unit;
}

async function stopInstalledUnit({ container }: Machine, name: string): Promise<void> {
  await inContainer(container, `kill "$(cat /tmp/${name}.pid)"; while kill -0 "$(cat /tmp/${name}.pid)" 2>/dev/null; do sleep 0.1; done`);
}

/** The panel from its unit, answering /readyz. */
async function startInstalledPanel(machine: Machine): Promise<Map<string, string[]>> {
  const unit = await startInstalledUnit(machine, 'panel');
  const ready = await until(
    'the installed panel to answer /readyz',
    () =>
      fetch(`http://127.0.0.1:${machine.port}/readyz`)
        .then((r) => r.ok && r)
        .catch(() => null),
    90_000,
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}; its log:\n${(await inContainer(machine.container, 'tail -n 30 /tmp/panel.log')).out}`);
  });
  expect(await ready.json()).to.deep.equal({ status: 'ready' });
  return unit;
}

const stopInstalledPanel = (machine: Machine) => stopInstalledUnit(machine, 'panel');

async function adminSignsIn({ port }: Machine): Promise<string> {
  const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(login.status).to.equal(200);
  return ((await login.json()) as { user: { role: string } }).user.role;
}

/** A copy of this checkout inside the container, changed by `change`: the source of an upgrade. */
async function sourceCopy({ container }: Machine, dir: string, change: string): Promise<void> {
  const copied = await inContainer(
    container,
    `rm -rf ${dir} && mkdir ${dir} && tar -C /src --exclude=node_modules --exclude=./.git --exclude=./.tools --exclude=./data -cf - . | tar -C ${dir} -xf - && cd ${dir} && ${change}`,
  );
  expect(copied.code, copied.out).to.equal(0);
}

describe('installer/install.sh in a fresh Debian 12 (debootstrap)', function () {
  // Measured on 2 shared cores: see docs/operations.md ("Tests").
  this.timeout(20 * 60_000);
  const machine = machineForSuite('installer', { docker: true });
  const { container } = machine;
  let panelEnv = '';
  // The installed agent's game network, on this machine's engine: named for the run, removed after it.
  const agentNetwork = `conductor-test-${RUN_ID}-installer`;
  after(async () => {
    await run('docker', ['network', 'rm', agentNetwork]).catch(() => undefined);
  });

  it('installs a panel: config, user and folders with their modes, a unit that passes systemd-analyze verify, and a panel that runs from it and signs in the first admin', async () => {
    const install = await inContainer(container, installer('panel'));
    expect(install.code, install.out).to.equal(0);
    expect(install.out).to.match(/Done \(\d+ changes\)/);
    expect(install.out).to.contain('conductor user:create --email');

    const modes = await inContainer(
      container,
      'stat -c "%n %a %U:%G" /etc/conductor /etc/conductor/panel.env /var/lib/conductor /var/lib/conductor/panel /opt/conductor/current/core/dist/main.js',
    );
    expect(modes.out.trim().split('\n')).to.deep.equal([
      '/etc/conductor 750 root:conductor',
      '/etc/conductor/panel.env 640 root:conductor',
      '/var/lib/conductor 750 conductor:conductor',
      '/var/lib/conductor/panel 750 conductor:conductor',
      '/opt/conductor/current/core/dist/main.js 644 root:root',
    ]);
    const user = await inContainer(container, 'getent passwd conductor');
    const [, , uid, , , home, shell] = user.out.trim().split(':');
    expect(Number(uid)).to.be.below(1000);
    expect([home, shell]).to.deep.equal(['/var/lib/conductor', '/usr/sbin/nologin']);
    panelEnv = (await inContainer(container, 'cat /etc/conductor/panel.env')).out;
    expect(panelEnv)
      .to.match(/^SECRET_KEY=[0-9a-f]{64}$/m)
      .and.match(/^METRICS_TOKEN=[0-9a-f]{64}$/m)
      .and.match(/^DATA_DIR=\/var\/lib\/conductor\/panel$/m);

    // Against the installed files themselves: it fails on a missing ExecStart binary, user or unit.
    const verify = await inContainer(container, 'systemd-analyze verify /etc/systemd/system/conductor-panel.service');
    expect(verify, 'no warnings either').to.deep.equal({ code: 0, out: '' });
    const unit = await startInstalledPanel(machine);
    for (const key of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp']) expect(unit.get(key), key).to.deep.equal(['yes']);
    expect(unit.get('ProtectSystem')).to.deep.equal(['strict']);
    expect(unit.get('ReadWritePaths')).to.deep.equal(['/var/lib/conductor']);
    expect(unit.get('Restart')).to.deep.equal(['on-failure']);
    expect((await fetch(`http://127.0.0.1:${machine.port}/`)).headers.get('content-type')).to.contain('text/html');
    const owner = await inContainer(container, 'stat -c %U /var/lib/conductor/panel/conductor.sqlite');
    expect(owner.out.trim()).to.equal('conductor');

    // The first administrator, made the way the installer says.
    const admin = await inContainer(container, `conductor user:create --email ${ADMIN.email} --password '${ADMIN.password}' --admin`);
    expect(admin.code, admin.out).to.equal(0);
    expect(await adminSignsIn(machine)).to.equal('admin');
  });

  it('changes nothing on a second run and says so', async () => {
    const again = await inContainer(container, installer('panel'));
    expect(again.code, again.out).to.equal(0);
    expect(again.out)
      .to.contain('Nothing changed')
      .and.not.match(/^ +changed:/m);
    expect((await inContainer(container, 'cat /etc/conductor/panel.env')).out).to.equal(panelEnv);

    // Moving an installed SQLite panel to PostgreSQL would leave its data behind: refused, untouched.
    const postgres = await inContainer(container, installer('panel --postgres'));
    expect(postgres.code).to.equal(1);
    expect(postgres.out).to.contain('installed with SQLite').and.contain('nothing was changed');
    expect(
      (await inContainer(container, 'cat /etc/conductor/panel.env; dpkg-query -W postgresql >/dev/null 2>&1 || echo "no postgresql"')).out,
    ).to.equal(`${panelEnv}no postgresql\n`);
  });

  it('installs a node next to it: agent config, the docker group, a unit that passes systemd-analyze verify; a rerun changes nothing', async () => {
    // Refusals: one line saying why, and nothing installed.
    const refusals = {
      token: await inContainer(container, installer('node --panel http://127.0.0.1:8080 --token short')),
      memory: await inContainer(
        container,
        `CONDUCTOR_MIN_MEMORY_MB=100000000 ${installer(`node --panel http://127.0.0.1:8080 --token ${NODE_TOKEN}`)}`,
      ),
      port: await inContainer(container, installer(`node --panel http://127.0.0.1:8080 --token ${NODE_TOKEN} --port 8080`)), // the panel's
      os: await inContainer(
        container,
        `cp /etc/os-release /tmp/os-release && printf 'ID=debian\\nVERSION_ID="11"\\n' >/etc/os-release && ${installer(`node --panel http://127.0.0.1:8080 --token ${NODE_TOKEN}`)}; code=$?; cp /tmp/os-release /etc/os-release; exit $code`,
      ),
    };
    expect(Object.fromEntries(Object.entries(refusals).map(([k, r]) => [k, `${r.code} ${r.out.trim()}`]))).to.deep.equal({
      token: '1 install.sh: --token: expected the node token the panel showed (32 or more letters, digits, - _ . ~)',
      memory: `1 install.sh: this machine has ${(await inContainer(container, "awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo")).out.trim()} MB of memory; a Conductor node needs at least 100000000 MB`,
      port: "1 install.sh: port 8080 (the agent's port) is already in use by another program; stop it or choose another with --port",
      os: '1 install.sh: this is debian 11; the installer supports Debian 12 and Ubuntu 24.04 only',
    });
    expect(
      (await inContainer(container, 'ls /etc/conductor; dpkg-query -W docker.io >/dev/null 2>&1 || echo "no docker.io"')).out,
    ).to.equal('panel.env\nno docker.io\n');

    const install = await inContainer(container, installer(`node --panel http://127.0.0.1:8080 --token ${NODE_TOKEN}`));
    expect(install.code, install.out).to.equal(0);
    const agentEnv = await inContainer(
      container,
      'stat -c "%a %U:%G" /etc/conductor/agent.env && cat /etc/conductor/agent.env && id -nG conductor',
    );
    expect(agentEnv.out)
      .to.match(/^640 root:conductor$/m)
      .and.contain(`AGENT_TOKEN=${NODE_TOKEN}`)
      .and.match(/^AGENT_DATA_DIR=\/var\/lib\/conductor\/agent$/m)
      .and.match(/^conductor docker$/m);
    const verify = await inContainer(container, 'systemd-analyze verify /etc/systemd/system/conductor-agent.service');
    expect(verify, 'no warnings either').to.deep.equal({ code: 0, out: '' });
    expect(
      serviceSection((await inContainer(container, 'cat /etc/systemd/system/conductor-agent.service')).out).get('SupplementaryGroups'),
    ).to.deep.equal(['docker']);

    const again = await inContainer(container, installer(`node --panel http://127.0.0.1:8080 --token ${NODE_TOKEN}`));
    expect(again.code, again.out).to.equal(0);
    expect(again.out)
      .to.contain('Nothing changed')
      .and.not.match(/^ +changed:/m);
  });

  it('runs the agent from its unit: as the conductor user, compiled, reaching Docker through the docker group, answering with the node token only', async () => {
    // The mounted socket is this machine's engine, owned by its docker group: the container's
    // docker group takes that id, as the docker.io package's group owns the socket on a real node.
    const group = await inContainer(container, 'groupmod -o -g "$(stat -c %g /run/docker.sock)" docker');
    expect(group.code, group.out).to.equal(0);
    const unit = await startInstalledUnit(machine, 'agent', [`AGENT_NETWORK=${agentNetwork}`]);
    expect(unit.get('ExecStart')![0]).to.match(/ wings-agent\/dist\/main\.js$/);
    const health = await until(
      'the installed agent to answer /healthz',
      async () => {
        const r = await inContainer(container, 'curl -sf http://127.0.0.1:8443/healthz');
        return r.code === 0 && r.out;
      },
      60_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}; its log:\n${(await inContainer(container, 'tail -n 30 /tmp/agent.log')).out}`);
    });
    expect(JSON.parse(health)).to.include({ status: 'ok', docker: 'reachable' });
    const status = (token: string) =>
      inContainer(
        container,
        `curl -s -o /dev/null -w '%{http_code}' -H 'authorization: Bearer ${token}' http://127.0.0.1:8443/api/servers`,
      );
    expect((await status(NODE_TOKEN)).out).to.equal('200');
    expect((await status('cdn_notTheNodeToken0123456789abcdefghijklmn')).out).to.equal('401');
    expect((await inContainer(container, 'stat -c %U "/proc/$(cat /tmp/agent.pid)"')).out.trim()).to.equal('conductor');
    await stopInstalledUnit(machine, 'agent');
  });

  it('uninstall keeps /var/lib/conductor and /etc/conductor; --purge removes them and the user', async () => {
    await stopInstalledPanel(machine);
    const uninstall = await inContainer(container, installer('uninstall'));
    expect(uninstall.code, uninstall.out).to.equal(0);
    const left = await inContainer(
      container,
      'ls /opt/conductor /etc/systemd/system/conductor-panel.service /usr/local/bin/conductor 2>&1; ls /var/lib/conductor/panel /etc/conductor',
    );
    expect(left.out)
      .to.contain("cannot access '/opt/conductor'")
      .and.contain("cannot access '/etc/systemd/system/conductor-panel.service'")
      .and.contain("cannot access '/usr/local/bin/conductor'");
    expect(left.out).to.contain('conductor.sqlite').and.contain('panel.env').and.contain('agent.env');

    const purge = await inContainer(container, installer('uninstall --purge'));
    expect(purge.code, purge.out).to.equal(0);
    const gone = await inContainer(container, 'ls -d /var/lib/conductor /etc/conductor 2>&1; getent passwd conductor || echo "no user"');
    expect(gone.out).to.contain("cannot access '/var/lib/conductor'").and.contain("cannot access '/etc/conductor'").and.contain('no user');
  });
});

describe('installer/install.sh panel --postgres, upgrade and rollback, in a fresh Debian 12', function () {
  this.timeout(20 * 60_000);
  const machine = machineForSuite('installer-pg');
  const { container } = machine;
  const current = async () => (await inContainer(container, 'readlink /opt/conductor/current')).out.trim();

  it('installs a panel on a new PostgreSQL role and database with a random password; the panel runs on it; a rerun changes nothing', async () => {
    const install = await inContainer(container, installer('panel --postgres'));
    expect(install.code, install.out).to.equal(0);
    const env = (await inContainer(container, 'cat /etc/conductor/panel.env')).out;
    expect(env).to.match(/^DATABASE_URL=postgresql:\/\/conductor:[0-9a-f]{64}@127\.0\.0\.1:5432\/conductor$/m);
    await startInstalledPanel(machine);
    // Logged once start() returns, a moment after /readyz answers.
    await until(
      'the panel to log its database',
      async () => (await inContainer(container, 'cat /tmp/panel.log')).out.includes('"database":"PostgreSQL"'),
      10_000,
    );
    const admin = await inContainer(container, `conductor user:create --email ${ADMIN.email} --password '${ADMIN.password}' --admin`);
    expect(admin.code, admin.out).to.equal(0);
    expect(await adminSignsIn(machine)).to.equal('admin');

    const again = await inContainer(container, installer('panel --postgres'));
    expect(again.code, again.out).to.equal(0);
    expect(again.out)
      .to.contain('Nothing changed')
      .and.not.match(/^ +changed:/m);
    expect((await inContainer(container, 'cat /etc/conductor/panel.env')).out).to.equal(env);
  });

  it('upgrade: a failing migration rolls back to the running release; a good upgrade switches, migrates and keeps the data', async () => {
    const running = await current();
    await stopInstalledPanel(machine); // what systemctl stop does first on a real machine
    await sourceCopy(
      machine,
      '/tmp/broken',
      // A release ships its migrations compiled: this one fails half-way, like the fixture.
      `printf '%s\\n' "export async function up(knex) { await knex.schema.createTable('half_done', (t) => t.increments('id')); await knex.raw('this is not sql'); }" > core/dist/migrations/99991231000000_broken.js`,
    );
    const broken = await inContainer(container, installer('upgrade --source /tmp/broken'));
    expect(broken.code, broken.out).to.equal(1);
    expect(broken.out).to.contain('Upgrade failed: the migrations failed').and.contain(`rolled back to ${running}`);
    expect(await current()).to.equal(running);
    expect((await inContainer(container, 'ls /opt/conductor/releases | wc -l')).out.trim(), 'the failed release is removed').to.equal('1');
    await startInstalledPanel(machine);
    expect(await adminSignsIn(machine)).to.equal('admin');
    await stopInstalledPanel(machine);

    await sourceCopy(machine, '/tmp/good', 'echo "upgraded" > docs/upgrade-marker.md');
    const good = await inContainer(container, installer('upgrade --source /tmp/good'));
    expect(good.code, good.out).to.equal(0);
    expect(good.out)
      .to.contain('dependencies unchanged')
      .and.contain('Migrations are up to date')
      .and.match(/backed up the configuration and the panel's database to \/var\/lib\/conductor\/backups\/upgrade-\d+/);
    const upgraded = await current();
    expect(upgraded).to.not.equal(running);
    expect((await inContainer(container, `cat ${upgraded}/docs/upgrade-marker.md; ls ${running} >/dev/null && echo kept`)).out).to.equal(
      'upgraded\nkept\n',
    );
    expect((await inContainer(container, 'ls /var/lib/conductor/backups/upgrade-*/')).out)
      .to.contain('panel.pgdump')
      .and.contain('etc-conductor.tar');
    await startInstalledPanel(machine);
    expect(await adminSignsIn(machine)).to.equal('admin');

    const same = await inContainer(container, installer('upgrade --source /tmp/good'));
    expect(same.code, same.out).to.equal(0);
    expect(same.out).to.contain('Nothing changed');
    expect(await current()).to.equal(upgraded);
  });
});

describe("installer/install.sh panel in a fresh Ubuntu 24.04 (debootstrap from Ubuntu's archive)", function () {
  this.timeout(20 * 60_000);
  const machine = machineForSuite('installer-ubuntu', { os: 'ubuntu2404' });
  const { container } = machine;

  it('installs a panel whose unit passes systemd-analyze verify, runs it and signs in the first admin; a rerun changes nothing', async () => {
    expect((await inContainer(container, '. /etc/os-release && echo "$ID $VERSION_ID"')).out.trim()).to.equal('ubuntu 24.04');
    const install = await inContainer(container, installer('panel'));
    expect(install.code, install.out).to.equal(0);
    expect(install.out).to.match(/Done \(\d+ changes\)/);
    const verify = await inContainer(container, 'systemd-analyze verify /etc/systemd/system/conductor-panel.service');
    expect(verify, 'no warnings either').to.deep.equal({ code: 0, out: '' });
    await startInstalledPanel(machine);
    const admin = await inContainer(container, `conductor user:create --email ${ADMIN.email} --password '${ADMIN.password}' --admin`);
    expect(admin.code, admin.out).to.equal(0);
    expect(await adminSignsIn(machine)).to.equal('admin');
    await stopInstalledPanel(machine);
    const again = await inContainer(container, installer('panel'));
    expect(again.code, again.out).to.equal(0);
    expect(again.out).to.contain('Nothing changed');
  });
});
