import { expect } from 'chai';
import mineflayer from 'mineflayer';
import { io as connect, type Socket } from 'socket.io-client';
import { AGENT_SOCKET, type AgentEvent } from '@conductor/core/protocol';
import { AGENT_TOKEN, docker, startAgent, type TestAgent, testImage, testServerSpec, until } from '@conductor/test';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function events(agent: TestAgent, serverId: string): Promise<AgentEvent[]> {
  return ((await agent.request('GET', '/api/events?after=0&limit=1000')).body.events as AgentEvent[]).filter(
    (e) => e.serverId === serverId,
  );
}

async function waitForEvent(agent: TestAgent, serverId: string, type: string, count = 1): Promise<AgentEvent> {
  return until(`${count}× ${type}`, async () => {
    const matching = (await events(agent, serverId)).filter((e) => e.type === type);
    return matching.length >= count ? matching[count - 1] : undefined;
  });
}

function subscribe(agent: TestAgent, serverId: string): Promise<{ socket: Socket; lines: string[]; recent: string[] }> {
  return new Promise((resolve, reject) => {
    const socket = connect(agent.url, { transports: ['websocket'], reconnection: false, auth: { token: AGENT_TOKEN } });
    const lines: string[] = [];
    socket.on(AGENT_SOCKET.console, (m: { serverId: string; lines: string[] }) => {
      if (m.serverId === serverId) lines.push(...m.lines);
    });
    socket.on('connect_error', reject);
    socket.on('connect', () => {
      socket.emit(AGENT_SOCKET.subscribe, { serverId }, (reply: { lines: string[] }) => resolve({ socket, lines, recent: reply.lines }));
    });
  });
}

describe('node agent with a real Docker engine', function () {
  this.timeout(120_000);
  let agent: TestAgent;
  before(async () => {
    await testImage();
    agent = await startAgent();
  });
  after(async () => {
    for (const s of agent.agent.manager.list()) await agent.request('DELETE', `/api/servers/${s.id}`);
    await agent.close();
    await docker
      .getNetwork(agent.network)
      .remove()
      .catch(() => undefined);
  });

  it('refuses every request and socket without the node token, and answers /healthz with Docker reachable', async () => {
    for (const [method, path] of [
      ['GET', '/api/servers'],
      ['POST', '/api/servers'],
      ['GET', '/api/events'],
      ['PUT', '/api/token'],
    ] as const) {
      const none = await agent.request(method, path, { token: null });
      expect(none.status, `${method} ${path}`).to.equal(401);
      expect(none.body.error.code).to.equal('unauthenticated');
      expect((await agent.request(method, path, { token: `${AGENT_TOKEN}-wrong` })).status).to.equal(401);
    }
    const socket = connect(agent.url, { transports: ['websocket'], reconnection: false, auth: { token: 'nope' } });
    const err = await new Promise<Error & { data?: { code: string } }>((resolve) => socket.on('connect_error', resolve));
    socket.close();
    expect(err.data?.code).to.equal('unauthenticated');
    const health = await agent.request('GET', '/healthz', { token: null });
    expect(health.status).to.equal(200);
    expect(health.body).to.deep.include({ status: 'ok', docker: 'reachable' });
  });

  it('refuses a bad spec and variables that try to inject, leaving nothing behind', async () => {
    const { spec } = await testServerSpec('bad');
    const injected = await agent.request('POST', '/api/servers', {
      body: { ...spec, variables: { SERVER_JARFILE: 'server.jar; rm -rf /' } },
    });
    expect(injected.status).to.equal(400);
    expect(injected.body.error.details[0].path).to.equal('variables.SERVER_JARFILE');
    const subshell = await agent.request('POST', '/api/servers', { body: { ...spec, variables: { VERSION: '$(id)' } } });
    expect(subshell.status).to.equal(400);
    const noMemory = await agent.request('POST', '/api/servers', { body: { ...spec, limits: {} } });
    expect(noMemory.status).to.equal(400);
    expect((await agent.request('GET', '/api/servers')).body.servers).to.deep.equal([]);
  });

  it('runs a server: starting → running on the done line, hardened and limited as its spec says', async () => {
    const { spec } = await testServerSpec('run');
    expect((await agent.request('POST', '/api/servers', { body: spec })).status).to.equal(201);
    const sub = await subscribe(agent, spec.id);
    const started = await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
    expect(started.status).to.equal(200);
    expect(started.body.state).to.be.oneOf(['starting', 'running']);
    await waitForEvent(agent, spec.id, 'server.started');
    expect((await agent.request('GET', `/api/servers/${spec.id}`)).body.status.state).to.equal('running');
    await until('the done line on the socket', () => sub.lines.some((l) => /Done \(/.test(l)));
    sub.socket.close();

    const inspect = await docker.getContainer(`conductor-${spec.id}`).inspect();
    expect(inspect.HostConfig.Memory).to.equal(384 * 1024 * 1024);
    expect(inspect.HostConfig.PidsLimit).to.equal(256);
    expect(inspect.HostConfig.NanoCpus).to.equal(1e9);
    expect(inspect.HostConfig.SecurityOpt).to.include('no-new-privileges:true');
    expect(inspect.HostConfig.CapDrop).to.deep.equal(['ALL']);
    expect(inspect.HostConfig.Tmpfs).to.have.property('/tmp');
    expect(inspect.Config.User).to.equal('1000:1000');
    expect(inspect.Config.Cmd).to.deep.equal(['/usr/bin/node', '/app/server.mjs']);
    expect(inspect.HostConfig.NetworkMode).to.equal(agent.network);

    const stopped = await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'stop' } });
    expect(stopped.body.state).to.equal('offline');
    const stopEvent = await waitForEvent(agent, spec.id, 'server.stopped');
    expect(stopEvent.data.exitCode).to.equal(0);
    expect((await events(agent, spec.id)).map((e) => e.type)).to.deep.equal([
      'server.starting',
      'server.started',
      'server.stopping',
      'server.stopped',
    ]);
    for (const e of await events(agent, spec.id)) expect(Date.parse(e.at)).to.be.within(Date.now() - 120_000, Date.now());
  });

  it('counts a real player: a mineflayer bot joins, the console says it, a ping confirms it, and console commands reach it', async () => {
    const { spec, port } = await testServerSpec('players');
    await agent.request('POST', '/api/servers', { body: spec });
    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
    await waitForEvent(agent, spec.id, 'server.started');
    const bot = mineflayer.createBot({
      host: '127.0.0.1',
      port,
      username: 'ConductorBot',
      auth: 'offline',
      version: '1.21.4',
      hideErrors: true,
    });
    const chat: string[] = [];
    bot.on('messagestr', (m: string) => void chat.push(m));
    try {
      await new Promise<void>((resolve, reject) => {
        bot.once('spawn', () => resolve());
        bot.once('error', reject);
        bot.once('kicked', (reason: string) => reject(new Error(`kicked: ${reason}`)));
      });
      const joined = await waitForEvent(agent, spec.id, 'player.joined');
      expect(joined.data).to.deep.include({ name: 'ConductorBot', confirmedByPing: true, online: 1 });
      const stats = await until('stats showing one player', async () => {
        const s = (await agent.request('GET', `/api/servers/${spec.id}/stats`)).body.stats;
        return s?.players?.online === 1 ? s : undefined;
      });
      expect(stats.players).to.deep.include({ online: 1, motd: 'Conductor players' });
      // The test image's status lists no names: the agent fills in the player it confirmed.
      const named = await until('the name in the stats', async () => {
        const s = (await agent.request('GET', `/api/servers/${spec.id}/stats`)).body.stats;
        return s?.players?.sample?.length ? s : undefined;
      });
      expect(named.players.sample).to.deep.equal(['ConductorBot']);
      expect(stats.memoryBytes).to.be.greaterThan(10 * 1024 * 1024);
      expect(stats.memoryLimitBytes).to.equal(384 * 1024 * 1024);
      expect(stats.uptimeSeconds).to.be.at.least(0);

      const sent = await agent.request('POST', `/api/servers/${spec.id}/commands`, { body: { command: 'say hello from the panel' } });
      expect(sent.status).to.equal(204);
      await until('the bot hears it', () => chat.some((m) => m.includes('hello from the panel')));
      const twoLines = await agent.request('POST', `/api/servers/${spec.id}/commands`, { body: { command: 'say a\nstop' } });
      expect(twoLines.status).to.equal(400);
    } finally {
      bot.quit();
    }
    const left = await waitForEvent(agent, spec.id, 'player.left');
    expect(left.data.name).to.equal('ConductorBot');
    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'kill' } });
  });

  it('restarts a server killed from outside, and not when it crashes again within the window', async () => {
    const { spec } = await testServerSpec('crash');
    await agent.request('POST', '/api/servers', { body: spec });
    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
    await waitForEvent(agent, spec.id, 'server.started');
    await docker.getContainer(`conductor-${spec.id}`).kill();
    const crash = await waitForEvent(agent, spec.id, 'server.crashed');
    expect(crash.data).to.deep.include({ exitCode: 137, oomKilled: false });
    await waitForEvent(agent, spec.id, 'server.restarted');
    await waitForEvent(agent, spec.id, 'server.started', 2);

    await docker.getContainer(`conductor-${spec.id}`).kill();
    await waitForEvent(agent, spec.id, 'server.crashed', 2);
    await sleep(2000);
    const types = (await events(agent, spec.id)).map((e) => e.type);
    expect(types.filter((t) => t === 'server.restarted')).to.have.length(1);
    expect((await agent.request('GET', `/api/servers/${spec.id}`)).body.status).to.deep.include({ state: 'offline' });
    const logs = (await agent.request('GET', `/api/servers/${spec.id}/logs`)).body.lines as string[];
    expect(logs.some((l) => l.includes('Not restarting: it crashed again within 60s'))).to.equal(true);
  });

  it('reports a crash when the server runs out of memory', async function () {
    // A process that keeps allocating until the kernel's OOM killer stops it at the 64 MiB limit.
    const grow = 'const a = []; setInterval(() => a.push(Buffer.alloc(4e6, 1)), 20)';
    const { spec } = await testServerSpec('oom', {
      startup: `/usr/bin/node -e "${grow}"`,
      limits: { memoryMb: 64, pids: 256 },
      crashRestart: { enabled: false },
    });
    await agent.request('POST', '/api/servers', { body: spec });
    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
    const crash = await waitForEvent(agent, spec.id, 'server.crashed');
    expect(crash.data.oomKilled).to.equal(true);
  });

  it('runs an install script in its own container and streams its output', async () => {
    const script =
      "const fs = require('fs'); console.log('fetching files'); fs.writeFileSync('/mnt/server/eula.txt', 'eula=true\\n'); console.log('install done for ' + process.env.SERVER_VERSION);";
    const { spec } = await testServerSpec('install', {
      install: { image: await testImage(), entrypoint: ['/usr/bin/node'], script },
      variables: { SERVER_VERSION: '1.21.4' },
    });
    await agent.request('POST', '/api/servers', { body: spec });
    const sub = await subscribe(agent, spec.id);
    const output: string[] = [];
    sub.socket.on(AGENT_SOCKET.installOutput, (m: { lines: string[] }) => output.push(...m.lines));
    const res = await agent.request('POST', `/api/servers/${spec.id}/install`);
    expect(res.status).to.equal(202);
    const done = await waitForEvent(agent, spec.id, 'server.installed');
    expect(done.data.durationMs).to.be.a('number');
    expect(output).to.include('install done for 1.21.4');
    sub.socket.close();
    const { readFileSync, statSync } = await import('node:fs');
    const file = `${agent.agent.manager.volumePath(spec.id)}/eula.txt`;
    expect(readFileSync(file, 'utf8')).to.equal('eula=true\n');
    expect(statSync(file).uid).to.equal(1000);
    const leftovers = await docker.listContainers({ all: true, filters: { name: [`conductor-install-${spec.id}`] } });
    expect(leftovers).to.deep.equal([]);
  });

  it('deletes a server during its install: the install container goes, the agent keeps serving, no install result follows', async () => {
    const script = "console.log('long install'); setTimeout(() => require('fs').writeFileSync('/mnt/server/late.txt', 'x'), 60000);";
    const install = { image: await testImage(), entrypoint: ['/usr/bin/node'], script };
    // One server deleted while its install runs, others at once and a few ms after the request:
    // before the work folder is made, between it and the log file opening, and after.
    for (const delayMs of [-1, 0, 5, 20, 60]) {
      const { spec } = await testServerSpec(`install-del-${delayMs < 0 ? 'running' : delayMs}`, { install });
      await agent.request('POST', '/api/servers', { body: spec });
      expect((await agent.request('POST', `/api/servers/${spec.id}/install`)).status).to.equal(202);
      if (delayMs < 0) {
        await until(
          'the install container runs',
          async () => (await docker.listContainers({ filters: { name: [`conductor-install-${spec.id}`] } })).length === 1 || undefined,
        );
      } else await sleep(delayMs);
      expect((await agent.request('DELETE', `/api/servers/${spec.id}`)).status).to.equal(204);
      await until(
        'the install container is gone',
        async () =>
          (await docker.listContainers({ all: true, filters: { name: [`conductor-install-${spec.id}`] } })).length === 0 || undefined,
      );
      await sleep(300);
      const after = (await events(agent, spec.id)).map((e) => e.type);
      expect(after.slice(after.indexOf('server.deleted')), `delay ${delayMs}`).to.deep.equal(['server.deleted']);
    }
    expect((await agent.request('GET', '/api/servers')).status).to.equal(200);
  });

  it('reads TPS over RCON when the server enables it in server.properties', async () => {
    const { spec } = await testServerSpec('rcon');
    await agent.request('POST', '/api/servers', { body: spec });
    const { writeFileSync, chownSync } = await import('node:fs');
    const props = `${agent.agent.manager.volumePath(spec.id)}/server.properties`;
    writeFileSync(props, 'motd=RCON test\nenable-rcon=true\nrcon.port=25575\nrcon.password=s3cret-rcon\n');
    chownSync(props, 1000, 1000);
    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
    await waitForEvent(agent, spec.id, 'server.started');
    const stats = await until('a TPS figure', async () => {
      const s = (await agent.request('GET', `/api/servers/${spec.id}/stats`)).body.stats;
      return typeof s?.tps === 'number' ? s : undefined;
    });
    // Measured by the server's own 20 Hz loop: lower while the machine is busy, never above 20.
    expect(stats.tps).to.be.greaterThan(0).and.at.most(20);
    expect(stats.players.motd).to.equal('RCON test');
    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'kill' } });
  });

  it('applies new limits to a running container, and deletes a server with its container and files', async () => {
    const { spec } = await testServerSpec('limits');
    await agent.request('POST', '/api/servers', { body: spec });
    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
    await waitForEvent(agent, spec.id, 'server.started');
    const updated = await agent.request('PUT', `/api/servers/${spec.id}`, {
      body: { ...spec, limits: { memoryMb: 512, pids: 300, cpuPercent: 150 } },
    });
    expect(updated.status).to.equal(200);
    const inspect = await docker.getContainer(`conductor-${spec.id}`).inspect();
    expect(inspect.HostConfig.Memory).to.equal(512 * 1024 * 1024);
    expect(inspect.HostConfig.NanoCpus).to.equal(1.5e9);
    expect(inspect.HostConfig.PidsLimit).to.equal(300);
    const mismatch = await agent.request('PUT', `/api/servers/${spec.id}`, { body: { ...spec, id: 'test-other' } });
    expect(mismatch.status).to.equal(400);

    const volume = agent.agent.manager.volumePath(spec.id);
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${volume}/world`)).to.equal(true);
    expect((await agent.request('DELETE', `/api/servers/${spec.id}`)).status).to.equal(204);
    expect(existsSync(volume)).to.equal(false);
    expect(await docker.listContainers({ all: true, filters: { name: [`conductor-${spec.id}`] } })).to.deep.equal([]);
    expect((await agent.request('GET', `/api/servers/${spec.id}`)).status).to.equal(404);
    expect((await events(agent, spec.id)).map((e) => e.type).at(-1)).to.equal('server.deleted');
  });

  it('throttles a console flood: subscribers get at most the per-second budget and a note of what was held back', async () => {
    const flood = "for (let i = 0; i < 5000; i++) console.log('spam line ' + i); console.log('Done (0s)'); setInterval(() => {}, 1000)";
    const { spec } = await testServerSpec('flood', { startup: `/usr/bin/node -e "${flood}"` });
    await agent.request('POST', '/api/servers', { body: spec });
    const sub = await subscribe(agent, spec.id);
    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
    await until('the flood to pass', () => sub.lines.some((l) => l.includes('were not streamed')));
    sub.socket.close();
    const spam = sub.lines.filter((l) => l.startsWith('spam line'));
    expect(spam.length).to.be.at.most(250);
    expect(sub.lines.find((l) => l.includes('were not streamed'))).to.match(
      /\[conductor\] \d+ console lines were not streamed \(more than 200 a second\)/,
    );
    const history = (await agent.request('GET', `/api/servers/${spec.id}/logs`)).body.lines as string[];
    expect(history).to.have.length(500);
    expect(history.some((l) => l.startsWith('spam line 4'))).to.equal(true);
    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'kill' } });
  });

  it('stops with a signal when the stop command is ^C', async () => {
    const { spec } = await testServerSpec('sigint', { stopCommand: '^C' });
    await agent.request('POST', '/api/servers', { body: spec });
    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
    await waitForEvent(agent, spec.id, 'server.started');
    const stopped = await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'stop' } });
    expect(stopped.body.state).to.equal('offline');
    const event = await waitForEvent(agent, spec.id, 'server.stopped');
    // Node exits 130 on an unhandled SIGINT; a kill after the timeout would be 137.
    expect(event.data.exitCode).to.be.oneOf([0, 130]);
    expect((await events(agent, spec.id)).some((e) => e.type === 'server.crashed')).to.equal(false);
  });

  it('runs a shell startup through /bin/sh -c with values only in the environment', async () => {
    const { spec } = await testServerSpec('shell', {
      shell: true,
      startup: 'java -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}} $( [ -f extra.txt ] && echo --extra )',
      variables: { SERVER_JARFILE: 'paper 1.21.jar' },
    });
    await agent.request('POST', '/api/servers', { body: spec });
    // The test image has no shell, so the start fails; the container it made shows the command.
    const res = await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
    expect(res.status).to.equal(502);
    const inspect = await docker.getContainer(`conductor-${spec.id}`).inspect();
    expect(inspect.Config.Cmd).to.deep.equal([
      '/bin/sh',
      '-c',
      'java -Xmx"${SERVER_MEMORY}"M -jar "${SERVER_JARFILE}" $( [ -f extra.txt ] && echo --extra )',
    ]);
    expect(inspect.Config.Env).to.include('SERVER_JARFILE=paper 1.21.jar');
    expect(inspect.Config.Env).to.include('SERVER_MEMORY=384');
  });

  it('serves files behind the node token, stops a running server that goes over its disk quota, and refuses a restore while it runs', async () => {
    const { spec } = await testServerSpec('quota', { limits: { memoryMb: 384, pids: 256, diskMb: 50 } });
    await agent.request('POST', '/api/servers', { body: spec });
    const noToken = await fetch(`${agent.url}/api/servers/${spec.id}/files/list?path=`);
    expect(noToken.status).to.equal(401);
    const write = await fetch(`${agent.url}/api/servers/${spec.id}/files/contents?path=notes.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/octet-stream' },
      body: 'hello',
    });
    expect(write.status, await write.clone().text()).to.be.oneOf([200, 204]);
    const list = await agent.request('GET', `/api/servers/${spec.id}/files/list?path=`);
    expect(list.body.entries.map((e: { name: string }) => e.name)).to.include('notes.txt');

    await agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
    await waitForEvent(agent, spec.id, 'server.started');
    for (const path of ['files/archive/restore', 'backup-archive/restore']) {
      const restore = await agent.request('POST', `/api/servers/${spec.id}/${path}`, { body: {} });
      expect(restore.status, path).to.equal(409);
      expect(restore.body.error.code).to.equal('server_not_offline');
    }
    // The game itself writes past the quota (the file API would refuse to).
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${agent.agent.manager.volumePath(spec.id)}/huge.bin`, Buffer.alloc(60 * 1024 * 1024, 1));
    const stopped = await waitForEvent(agent, spec.id, 'server.stopped');
    expect(stopped.data.exitCode).to.equal(0);
    const logs = (await agent.request('GET', `/api/servers/${spec.id}/logs`)).body.lines as string[];
    expect(logs.some((l) => /over its quota of 50 MB/.test(l))).to.equal(true);
    const stats = (await agent.request('GET', `/api/servers/${spec.id}/stats`)).body.stats;
    expect(stats.diskBytes).to.be.greaterThan(60 * 1024 * 1024);
    expect(stats).to.deep.include({ cpuPercent: 0, memoryBytes: 0, players: null }, 'a stopped server reports no stale live figures');
    const fleet = (await agent.request('GET', '/api/stats')).body.stats.map((s: { serverId: string }) => s.serverId);
    expect(fleet).to.not.include(spec.id);
  });

  it('rotates the node token without a restart', async () => {
    const next = 'rotated-node-token-abcdefghijklmnopqrstuvwxyz';
    expect((await agent.request('PUT', '/api/token', { body: { token: next } })).status).to.equal(204);
    expect((await agent.request('GET', '/api/servers')).status).to.equal(401);
    expect((await agent.request('GET', '/api/servers', { token: next })).status).to.equal(200);
    expect((await agent.request('PUT', '/api/token', { body: { token: AGENT_TOKEN }, token: next })).status).to.equal(204);
  });
});
