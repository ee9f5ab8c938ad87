import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import {
  ADMIN_TOKEN,
  createStorage,
  freePort,
  startNodeFor,
  startPanelProcess,
  testImage,
  until,
  type PanelProcess,
  type TestNode,
  type TestPanel,
} from '@conductor/test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NGINX = '/usr/sbin/nginx';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * docs/nginx-panels.conf as a hoster would use it, with the test's panels as the upstream and a
 * plain-HTTP listener on loopback instead of the TLS one (no certificate here).
 */
function nginxConfig(prefix: string, port: number, panelPorts: number[]): string {
  const example = readFileSync(path.join(ROOT, 'docs/nginx-panels.conf'), 'utf8');
  const failTimeout = /server 10\.0\.0\.11:8080 (.*);/.exec(example)![1];
  const upstreams = panelPorts.map((p) => `    server 127.0.0.1:${p} ${failTimeout};`).join('\n');
  const site = example
    .replace(/^ {4}server 10\.0\.0\.\d+:8080 .*\n/gm, '')
    .replace(/(upstream conductor_panels \{[^}]*?ip_hash;\n)/, `$1${upstreams}\n`)
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${port};`)
    .replace(/^ {4}ssl_certificate.*\n/gm, '');
  if (site.includes('10.0.0.') || site.includes('ssl_')) throw new Error('docs/nginx-panels.conf changed shape: update this test');
  return `daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events {}
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
${site}
}
`;
}

async function startNginx(dir: string, panelPorts: number[]): Promise<{ url: string; child: ChildProcess }> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig(dir, port, panelPorts));
  execFileSync(NGINX, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'pipe' });
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await until('nginx to answer', () =>
    fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false),
  );
  return { url, child };
}

interface Client {
  /** Requests sent, and those that failed even after the client's one retry. */
  sent: number;
  failed: string[];
  call(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A client of the panels' public address that retries a refused or failed request once, as the UI's fetch wrapper would. */
function clientOf(url: string): Client {
  const client: Client = {
    sent: 0,
    failed: [],
    async call(method, route, body) {
      client.sent += 1;
      let last = '';
      for (let attempt = 0; attempt < 2; attempt++) {
        if (attempt) await sleep(300);
        try {
          const res = await fetch(`${url}${route}`, {
            method,
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
          });
          if (res.status === 502 || res.status === 503 || res.status === 504) {
            last = `${method} ${route}: ${res.status}`;
            continue;
          }
          return { status: res.status, body: res.status === 204 ? null : await res.json() };
        } catch (err) {
          last = `${method} ${route}: ${(err as Error).message}`;
        }
      }
      client.failed.push(last);
      return { status: 0, body: null };
    },
  };
  return client;
}

/**
 * A console viewer as panel-ui's live view is one: on every (re)subscribe the view starts over
 * from the backlog the panel sends, then live lines are appended; a panel that says
 * `panel:shutdown` is reconnected to (through the proxy, so to another panel).
 */
function openConsole(url: string, serverId: string): { socket: Socket; view: string[]; connects: number } {
  const socket = connect(`${url}/servers`, { auth: { token: ADMIN_TOKEN } });
  const viewer = { socket, view: [] as string[], connects: 0 };
  socket.on('panel:shutdown', () => socket.once('disconnect', () => socket.active || socket.connect()));
  socket.on('connect', () => {
    viewer.connects += 1;
    socket.emit('server:subscribe', { serverId }, (ack: { lines?: string[]; error?: unknown }) => {
      if (ack.error) return;
      viewer.view = [...(ack.lines ?? [])];
    });
  });
  socket.on('server:console', (m: { serverId: string; lines: string[] }) => {
    if (m.serverId === serverId) viewer.view.push(...m.lines);
  });
  return viewer;
}

describe('a rolling restart of two compiled panels behind nginx (docs/nginx-panels.conf)', function () {
  this.timeout(300_000);
  let storage: Awaited<ReturnType<typeof createStorage>>;
  const panels: PanelProcess[] = [];
  let proxy: { url: string; child: ChildProcess } | undefined;
  let node: TestNode | undefined;

  before(async function () {
    if (!existsSync(NGINX)) this.skip(); // Debian's nginx package (scripts/ensure-test-deps.sh)
    await testImage();
    execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'ignore' });
    storage = await createStorage('postgres');
    for (const name of ['a', 'b']) panels.push(await startPanelProcess(storage.databaseUrl!, path.join(storage.dataDir, name)));
    proxy = await startNginx(
      path.join(storage.dataDir, 'nginx'),
      panels.map((p) => p.port),
    );
  });
  after(async () => {
    await node?.close();
    proxy?.child.kill('SIGQUIT');
    for (const panel of panels) await panel.stop();
    await storage?.cleanup();
  });

  it('keeps consoles, requests and the activity log whole while each panel restarts in turn', async () => {
    const client = clientOf(proxy!.url);
    // startNodeFor only sends requests: the panels' public address stands in for a test panel.
    node = await startNodeFor(
      { request: (m: string, r: string, o?: { body?: unknown }) => client.call(m, r, o?.body) } as unknown as TestPanel,
      {
        name: 'rolling',
      },
    );
    const owner = await client.call('POST', '/api/admin/users', {
      email: 'rolling@example.org',
      password: 'a long enough password 1',
      role: 'user',
    });
    expect(owner.status, JSON.stringify(owner.body)).to.equal(201);
    const created = await client.call('POST', '/api/servers', {
      name: 'Rolling',
      templateId: 'conductor-test',
      ownerId: owner.body.user.id,
      nodeId: node.nodeId,
      memoryMb: 256,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const serverId = created.body.id as string;
    expect((await client.call('POST', `/api/servers/${serverId}/power/start`)).status).to.equal(200);
    await until('the game to run', async () => (await client.call('GET', `/api/servers/${serverId}`)).body?.state === 'running', 90_000);

    const viewer = openConsole(proxy!.url, serverId);
    await until('the console to be open', () => viewer.connects >= 1 && viewer.socket.connected);

    // Traffic all along: a console command every 150 ms, and reads in between.
    const accepted: string[] = [];
    let sending = true;
    const traffic = (async () => {
      for (let i = 0; sending; i++) {
        const mark = `mark-${i}`;
        const sent = await client.call('POST', `/api/servers/${serverId}/command`, { command: `say ${mark}` });
        if (sent.status === 204) accepted.push(mark);
        else if (sent.status) client.failed.push(`command ${mark}: ${sent.status} ${JSON.stringify(sent.body)}`);
        await client.call('GET', `/api/servers/${serverId}`);
        await sleep(150);
      }
    })();

    // One panel at a time, as docs/operations.md says: stop (SIGTERM), start the same release
    // again, wait for /readyz and then nginx's fail_timeout (3 s) before the next panel.
    for (let i = 0; i < panels.length; i++) {
      await sleep(i ? 3500 : 1000);
      const old = panels[i]!;
      await old.stop();
      await sleep(500);
      panels[i] = await startPanelProcess(storage.databaseUrl!, path.join(storage.dataDir, i ? 'b' : 'a'), { port: old.port });
    }
    await sleep(1000);
    sending = false;
    await traffic;

    expect(client.failed, `of ${client.sent} requests`).to.deep.equal([]);
    expect(accepted.length, 'commands went through during the restarts').to.be.greaterThan(10);
    // Whichever panel served the viewer stopped: it reconnected through the proxy.
    expect(viewer.connects, 'the console reconnected').to.be.at.least(2);
    const said = (mark: string) => (l: string) => l.endsWith(`[Server] ${mark}`);
    await until('the last command to reach the console', () => viewer.view.some(said(accepted.at(-1)!)), 15_000);
    for (const mark of accepted) {
      const lines = viewer.view.filter((l) => l.includes(mark));
      // The panel's echo of the command and the game's answer, each once.
      expect([lines.filter((l) => l === `> say ${mark}`).length, lines.filter(said(mark)).length], JSON.stringify(lines)).to.deep.equal([
        1, 1,
      ]);
    }
    // Each accepted command is in the activity log once, whichever panel took it.
    const activity = await client.call('GET', `/api/activity/servers/${serverId}?limit=200`);
    const logged = (activity.body.activity as Array<{ action: string; data: { command: string } }>)
      .filter((a) => a.action === 'server.command')
      .map((a) => a.data.command.replace('say ', ''));
    expect([...logged].sort()).to.deep.equal([...accepted].sort());
    viewer.socket.close();
  });
});
