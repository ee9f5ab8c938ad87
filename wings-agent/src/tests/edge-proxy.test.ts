import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { expect } from 'chai';
import type { Bot } from 'mineflayer';
import { statusFE, statusLegacy } from 'minecraft-server-util';
import { Command, V2ProxyProtocol } from 'proxy-protocol-js';
import type { AgentEvent, EdgeRouteInput } from '@conductor/core/protocol';
import {
  descriptionText,
  docker,
  freePort,
  joinAs,
  pingAs,
  startAgent,
  type TestAgent,
  testImage,
  testServerSpec,
  until,
} from '@conductor/test';
import { readFrame, writeFrame, writeString } from '../edge/frames.js';
import { readHandshake } from '../edge/handshake.js';
import { pingServer } from '../game/ping.js';
import { writeVarInt } from '../edge/varint.js';

/** A handshake packet as a 1.21.4 client sends it. */
function handshake(address: string, nextState: number): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(25565);
  return writeFrame(0x00, Buffer.concat([writeVarInt(769), writeString(address), port, writeVarInt(nextState)]));
}

/** Resolves with how long the proxy took to close a raw connection after `send` ran. */
async function closedAfter(port: number, send: (socket: Socket) => void, limitMs: number): Promise<number> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const started = Date.now();
  socket.on('error', () => undefined);
  send(socket);
  const closed = await Promise.race([once(socket, 'close').then(() => true), new Promise((r) => setTimeout(() => r(false), limitMs))]);
  socket.destroy();
  if (!closed) throw new Error(`the proxy kept the connection open for ${limitMs} ms`);
  return Date.now() - started;
}

describe('edge proxy with real game containers and real clients', function () {
  this.timeout(180_000);
  let agent: TestAgent;
  let shared: number;
  const servers: Record<'alpha' | 'beta', { id: string; port: number; ownPort: number }> = {} as never;
  const bots: Bot[] = [];

  const events = async (serverId: string, type: string): Promise<AgentEvent[]> =>
    ((await agent.request('GET', '/api/events?after=0&limit=1000')).body.events as AgentEvent[]).filter(
      (e) => e.serverId === serverId && e.type === type,
    );
  const started = (serverId: string, count = 1) =>
    until(`${serverId} started`, async () => (await events(serverId, 'server.started')).length >= count, 60_000);

  function route(name: 'alpha' | 'beta', overrides: Partial<EdgeRouteInput> = {}): EdgeRouteInput {
    const s = servers[name];
    return {
      serverId: s.id,
      hostnames: [`${name}.example.com`],
      listenPorts: [s.ownPort],
      backend: { host: '127.0.0.1', port: s.port },
      phase: 'active',
      status: { motd: `Conductor ${name}`, versionName: '1.21.4', maxPlayers: 20, sleepingLine: 'sleeping — join to wake it' },
      ...overrides,
    };
  }
  let version = 0;
  async function pushRoutes(routes: EdgeRouteInput[]): Promise<void> {
    const res = await agent.request('PUT', '/api/edge/routes', { body: { version: ++version, routes } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  }

  before(async () => {
    await testImage();
    agent = await startAgent({ config: { EDGE_HANDSHAKE_TIMEOUT_MS: '2000', EDGE_HOLD_SECONDS: '15', EDGE_CONNECTIONS_PER_10S: '25' } });
    shared = agent.agent.edge!.sharedPort!;
    for (const name of ['alpha', 'beta'] as const) {
      const { spec, port } = await testServerSpec(`edge-${name}`, { environment: { MOTD: `Conductor ${name}` } });
      expect((await agent.request('POST', '/api/servers', { body: spec })).status).to.equal(201);
      await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
      servers[name] = { id: spec.id, port, ownPort: await freePort() };
    }
    await Promise.all([started(servers.alpha.id), started(servers.beta.id)]);
  });
  after(async () => {
    for (const bot of bots) bot.end();
    for (const s of agent.agent.manager.list()) await agent.request('DELETE', `/api/servers/${s.id}`);
    await agent.close();
    await docker
      .getNetwork(agent.network)
      .remove()
      .catch(() => undefined);
  });

  it('routes two servers behind one port by hostname, a Forge-style suffix included, and each on its own port', async () => {
    await pushRoutes([route('alpha'), route('beta')]);
    expect(descriptionText((await pingAs(shared, 'alpha.example.com')).description)).to.contain('Conductor alpha');
    expect(descriptionText((await pingAs(shared, 'BETA.example.com.')).description)).to.contain('Conductor beta');
    expect(descriptionText((await pingAs(servers.alpha.ownPort, 'anything.example.net')).description)).to.contain('Conductor alpha');
    const bot = await joinAs(shared, 'Beta.Example.com.\0FML3\0', 'ForgeBot');
    bots.push(bot);
    await until('ForgeBot on beta', async () => (await events(servers.beta.id, 'player.joined')).some((e) => e.data.name === 'ForgeBot'));
    expect((await events(servers.alpha.id, 'player.joined')).length).to.equal(0);
    // An unknown hostname reaches nothing: a login is told so.
    await joinAs(shared, 'nobody.example.com', 'Lost', 10_000).then(
      () => expect.fail('joined a server nobody routed'),
      (err: Error) => expect(err.message).to.contain('No server is reachable at nobody.example.com'),
    );
  });

  it('answers legacy pings itself: a lone 0xFE, FE 01, and 1.6 FE 01 FA routed by its hostname', async () => {
    await pushRoutes([route('alpha'), route('beta')]);
    const old = await statusFE('127.0.0.1', servers.beta.ownPort, { timeout: 5000 });
    expect(old.motd).to.equal('Conductor beta');
    expect(old.players.max).to.equal(20);
    const fe01 = await statusLegacy('127.0.0.1', servers.alpha.ownPort, { timeout: 5000 });
    expect(fe01.motd.clean).to.equal('Conductor alpha');
    expect(fe01.version?.name).to.equal('1.21.4');
    // 1.6's ping names the host (MC|PingHost); on the shared port that picks the server.
    const utf16 = (text: string) => Buffer.from(text, 'utf16le').swap16();
    const short = (n: number) => Buffer.from([n >> 8, n & 0xff]);
    const host = 'Beta.example.com';
    const payload = Buffer.concat([Buffer.from([74]), short(host.length), utf16(host), Buffer.from([0, 0, 0x63, 0xdd])]);
    const socket = connect(shared, '127.0.0.1');
    socket.write(Buffer.concat([Buffer.from([0xfe, 0x01, 0xfa]), short(11), utf16('MC|PingHost'), short(payload.length), payload]));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    await once(socket, 'close');
    const reply = Buffer.concat(chunks);
    expect(reply[0]).to.equal(0xff);
    expect(Buffer.from(reply.subarray(3)).swap16().toString('utf16le').split('\0')).to.deep.equal([
      '§1',
      '127',
      '1.21.4',
      'Conductor beta',
      '0',
      '20',
    ]);
  });

  it('sends a PROXY protocol v2 header naming the player when the route asks for it', async () => {
    const backend = createServer();
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    const received = new Promise<Buffer>((resolve) => backend.once('connection', (s) => s.once('data', (d: Buffer) => resolve(d))));
    await pushRoutes([
      route('alpha'),
      route('beta', { backend: { host: '127.0.0.1', port: (backend.address() as AddressInfo).port }, proxyProtocol: true }),
    ]);
    const player = connect(shared, '127.0.0.1');
    await once(player, 'connect');
    player.write(handshake('beta.example.com', 1));
    const bytes = await received;
    const parsed = V2ProxyProtocol.parse(bytes);
    const address = parsed.proxyAddress as unknown as { sourceAddress: { address: number[] }; sourcePort: number };
    expect(address.sourceAddress.address).to.deep.equal([127, 0, 0, 1]);
    expect(address.sourcePort).to.equal(player.localPort);
    expect(Buffer.from(parsed.data!)).to.deep.equal(handshake('beta.example.com', 1));
    player.destroy();
    backend.close();
    await pushRoutes([route('alpha'), route('beta')]);
  });

  it('relays a large download to a player who reads slowly byte for byte, and ends it when the backend ends', async () => {
    // Different bytes in every 64 KiB read: a read buffer reused while the player's socket still
    // held an earlier write would show up as repeated or overwritten blocks.
    const download = randomBytes(24 * 1024 * 1024);
    const backend = createServer((socket) => socket.once('data', () => socket.end(download)));
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    await pushRoutes([route('alpha'), route('beta', { backend: { host: '127.0.0.1', port: (backend.address() as AddressInfo).port } })]);
    try {
      const player = connect(shared, '127.0.0.1');
      await once(player, 'connect');
      player.write(handshake('beta.example.com', 2));
      const chunks: Buffer[] = [];
      // A slow reader to the last byte: the proxy's writes toward it back up, it must pause the
      // backend, and bytes still queued for the player when the backend ends must reach them.
      player.on('data', (d: Buffer) => {
        chunks.push(d);
        player.pause();
        setTimeout(() => player.resume(), 1);
      });
      await once(player, 'end');
      const received = Buffer.concat(chunks);
      expect(received.length).to.equal(download.length);
      expect(createHash('sha256').update(received).digest('hex')).to.equal(createHash('sha256').update(download).digest('hex'));
      player.destroy();
    } finally {
      backend.close();
      await pushRoutes([route('alpha'), route('beta')]);
    }
  });

  it('checks a PROXY-protocol backend with a LOCAL header before letting a held player in; pings asked to speak the protocol send the header', async () => {
    // A backend that, like Paper with proxy-protocol on, refuses a connection without the header.
    const seen: Array<{ command: Command; nextState: number; rest: Buffer }> = [];
    const backend = createServer((socket) => {
      socket.once('data', (first: Buffer) => {
        let parsed;
        try {
          parsed = V2ProxyProtocol.parse(first);
        } catch {
          socket.destroy();
          return;
        }
        const rest = Buffer.from(parsed.data ?? []);
        const hello = readHandshake(rest);
        if (hello.kind !== 'handshake') return void socket.destroy();
        seen.push({ command: parsed.command, nextState: hello.handshake.nextState, rest });
        if (hello.handshake.nextState === 1)
          socket.end(
            writeFrame(
              0x00,
              writeString(
                JSON.stringify({
                  version: { name: '1.21.4', protocol: 769 },
                  players: { online: 0, max: 5 },
                  description: { text: '§aBehind a proxy' },
                }),
              ),
            ),
          );
      });
    });
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    const port = (backend.address() as AddressInfo).port;
    try {
      expect((await pingServer('127.0.0.1', port, 2000, { proxyProtocol: true })).motd).to.equal('Behind a proxy');
      await pingServer('127.0.0.1', port, 2000).then(
        () => expect.fail('a ping without the header was answered'),
        () => undefined,
      );
      const gamma = (phase: 'sleep' | 'active'): EdgeRouteInput => ({
        ...route('beta'),
        serverId: `${servers.beta.id}-gamma`,
        hostnames: ['gamma.example.com'],
        listenPorts: [],
        backend: { host: '127.0.0.1', port },
        phase,
        proxyProtocol: true,
      });
      await pushRoutes([route('alpha'), route('beta'), gamma('sleep')]);
      seen.length = 0;
      const player = connect(shared, '127.0.0.1');
      await once(player, 'connect');
      player.write(
        Buffer.concat([handshake('gamma.example.com', 2), writeFrame(0x00, Buffer.concat([writeString('Proxied'), Buffer.alloc(16)]))]),
      );
      await until('the wake request', async () => (await events(`${servers.beta.id}-gamma`, 'server.wake_requested')).length > 0);
      await pushRoutes([route('alpha'), route('beta'), gamma('active')]);
      await until('the held player forwarded', () => seen.some((c) => c.nextState === 2), 10_000);
      expect(seen[0]).to.deep.include({ command: Command.LOCAL, nextState: 1 });
      const login = seen.find((c) => c.nextState === 2)!;
      expect(login.command).to.equal(Command.PROXY);
      const loginStart = readFrame(
        login.rest,
        readHandshake(login.rest).kind === 'handshake' ? (readHandshake(login.rest) as { size: number }).size : 0,
        2048,
      );
      expect(typeof loginStart === 'object' && loginStart.id).to.equal(0x00);
      player.destroy();
    } finally {
      backend.close();
      await pushRoutes([route('alpha'), route('beta')]);
    }
  });

  it('answers a ping for a sleeping server with the sleeping line, holds a joining player while it starts, and lets them in', async () => {
    await agent.request('POST', `/api/servers/${servers.alpha.id}/power`, { body: { action: 'stop' } });
    await until('alpha stopped', async () => (await events(servers.alpha.id, 'server.stopped')).length >= 1);
    await pushRoutes([route('alpha', { phase: 'sleep', whitelist: ['Sleeper', 'Early'], banned: ['Griefer'] }), route('beta')]);
    const ping = await pingAs(shared, 'alpha.example.com');
    expect(descriptionText(ping.description)).to.equal('Conductor alpha\nsleeping — join to wake it');
    expect(ping.players).to.deep.include({ online: 0, max: 20 });
    expect(ping.version.name).to.equal('1.21.4');
    expect((await events(servers.alpha.id, 'server.wake_requested')).length, 'a ping alone does not wake').to.equal(0);
    await pushRoutes([route('alpha', { phase: 'sleep', wakeOnPing: true }), route('beta')]);
    await pingAs(shared, 'alpha.example.com');
    const [byPing] = await until('a wake by ping', () =>
      events(servers.alpha.id, 'server.wake_requested').then((e) => (e.length ? e : undefined)),
    );
    expect(byPing!.data).to.deep.equal({ player: null, address: '127.0.0.1' });
    await pushRoutes([route('alpha', { phase: 'sleep', whitelist: ['Sleeper', 'Early'], banned: ['Griefer'] }), route('beta')]);

    for (const [name, why] of [
      ['Griefer', 'banned'],
      ['Stranger', 'not whitelisted'],
    ]) {
      await joinAs(shared, 'alpha.example.com', name!, 10_000).then(
        () => expect.fail(`${why} joined`),
        (err: Error) => expect(err.message).to.contain('not allowed'),
      );
    }
    expect(
      (await events(servers.alpha.id, 'server.wake_requested')).filter((e) => e.data.player !== null),
      'refused names never wake',
    ).to.deep.equal([]);

    // The panel's part, played by the test: a wake request starts the server.
    const joining = joinAs(shared, 'alpha.example.com', 'Sleeper');
    const wake = await until('a wake request', () =>
      events(servers.alpha.id, 'server.wake_requested').then((e) => e.find((w) => w.data.player === 'Sleeper')),
    );
    expect(wake.data).to.deep.include({ player: 'Sleeper', address: '127.0.0.1' });
    // As the panel does: mark it active (the proxy stops answering for it), then start it.
    await pushRoutes([route('alpha'), route('beta')]);
    await agent.request('POST', `/api/servers/${servers.alpha.id}/power`, { body: { action: 'start' } });
    const bot = await joining;
    bots.push(bot);
    await until('Sleeper on alpha', async () => (await events(servers.alpha.id, 'player.joined')).some((e) => e.data.name === 'Sleeper'));
  });

  it('tells a player to rejoin when the server is not up within the hold time, with the estimate in force then, and lets them in on the rejoin', async () => {
    await agent.request('POST', `/api/servers/${servers.alpha.id}/power`, { body: { action: 'stop' } });
    await until('alpha stopped again', async () => (await events(servers.alpha.id, 'server.stopped')).length >= 2);
    await pushRoutes([route('alpha', { phase: 'sleep', startEstimateSeconds: 40 }), route('beta')]);
    const heldFrom = Date.now();
    const told = joinAs(shared, 'alpha.example.com', 'Early', 30_000).then(
      () => expect.fail('joined a server that never started'),
      (err: Error) => err.message,
    );
    // Held by then (the login takes well under a second); the hold lasts 15 s. The wake itself may be
    // refused by the per-address wake limit after this file's earlier wakes, which still holds the player.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    // The panel found no room on this node and moves the server first: a longer estimate while the player is held.
    await pushRoutes([route('alpha', { phase: 'sleep', startEstimateSeconds: 95 }), route('beta')]);
    expect(await told).to.contain('Starting, rejoin in about 95 s');
    expect(Date.now() - heldFrom).to.be.within(14_000, 25_000);
    await pushRoutes([route('alpha'), route('beta')]);
    await agent.request('POST', `/api/servers/${servers.alpha.id}/power`, { body: { action: 'start' } });
    await started(servers.alpha.id, 3);
    bots.push(await joinAs(shared, 'alpha.example.com', 'Early'));
  });

  it('drops oversized, garbage, trickling and flooding connections while a connected bot keeps playing', async () => {
    await pushRoutes([route('alpha'), route('beta')]);
    const bot = bots.find((b) => b.username === 'ForgeBot')!;
    const chat: string[] = [];
    bot.on('messagestr', (m: string) => void chat.push(m));

    expect(await closedAfter(shared, (s) => s.write(Buffer.from([0xff, 0xff, 0xff, 0x7f])), 500), 'oversized length').to.be.below(500);
    expect(
      await closedAfter(shared, (s) => s.write(Buffer.from('\x05\x07garbage that is no packet at all', 'latin1')), 500),
      'garbage',
    ).to.be.below(500);
    const trickle = handshake('beta.example.com', 2);
    const trickled = await closedAfter(
      shared,
      (s) => {
        let i = 0;
        const timer = setInterval(
          () => (i < trickle.length && !s.destroyed ? s.write(trickle.subarray(i, ++i)) : clearInterval(timer)),
          150,
        );
      },
      5000,
    );
    // The handshake needs about 3.6 s at this pace; the 2 s deadline cuts it.
    expect(trickled, 'a trickled handshake is cut at the deadline').to.be.within(1900, 3300);

    // A flood from one address: past the limit, connections are closed before a byte is read.
    const flood = await Promise.all(Array.from({ length: 60 }, () => closedAfter(shared, () => undefined, 3000).catch(() => 3000)));
    expect(flood.filter((ms) => ms < 300).length).to.be.at.least(30);

    await agent.request('POST', `/api/servers/${servers.beta.id}/commands`, { body: { command: 'say still-here' } });
    await until('the bot hears the server after the abuse', () => chat.some((m) => m.includes('still-here')), 10_000);
    expect(bot.entity).to.not.equal(undefined);
  });
  // Last: proxied players are cut when the agent process stops (the proxy lives in it).
  it('keeps the pushed table across an agent restart and refuses a stale or malformed one', async () => {
    const stale = await agent.request('PUT', '/api/edge/routes', { body: { version: 0, routes: [] } });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('stale_routes');
    const unknownField = await agent.request('PUT', '/api/edge/routes', {
      body: { version: 99, routes: [{ ...route('alpha'), colour: 'red' }] },
    });
    expect(unknownField.status).to.equal(400);
    const twice = await agent.request('PUT', '/api/edge/routes', {
      body: { version: 99, routes: [route('alpha'), route('beta', { hostnames: ['alpha.example.com'] })] },
    });
    expect(twice.status).to.equal(400);
    expect(twice.body.error.message).to.contain('routed twice');
    expect((await agent.request('GET', '/api/edge/routes')).body.version).to.equal(version);

    const { dataDir, network } = agent;
    await agent.agent.stop();
    agent = await startAgent({
      dataDir,
      network,
      config: { EDGE_HANDSHAKE_TIMEOUT_MS: '2000', EDGE_HOLD_SECONDS: '15', EDGE_CONNECTIONS_PER_10S: '25' },
    });
    shared = agent.agent.edge!.sharedPort!;
    const state = (await agent.request('GET', '/api/edge/routes')).body;
    expect(state.version).to.equal(version);
    expect(state.listening).to.deep.equal([servers.alpha.ownPort, servers.beta.ownPort].sort((a, b) => a - b));
    expect(descriptionText((await pingAs(shared, 'alpha.example.com')).description)).to.contain('Conductor alpha');
    expect(descriptionText((await pingAs(servers.beta.ownPort, 'beta.example.com')).description)).to.contain('Conductor beta');
  });
});
