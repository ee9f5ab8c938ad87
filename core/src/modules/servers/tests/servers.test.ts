import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import mineflayer from 'mineflayer';
import { startNodeFor, type TestAgent, testImage, type TestNode, until } from '@conductor/test';
import { hostileArchives } from '../../../../../wings-agent/src/files/testing/hostile-archives.js';
import { openSocket, startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';

describe('servers through the panel, end to end (sqlite)', function () {
  this.timeout(180_000);
  let t: AccountsPanel;
  let node: TestNode;
  let agent: TestAgent;
  let nodeId: string;
  let gamePort: number;

  before(async () => {
    await testImage();
    t = await startAccountsPanel('sqlite');
    node = await startNodeFor(t.panel, { name: 'e2e' });
    ({ agent, nodeId } = node);
    gamePort = node.gamePorts[0]!;
  });
  after(async () => {
    await t.close();
    await node.close();
  });

  it('creates a server from a template, starts it, streams its console over socket.io, counts a real player, and stops it; strangers get nothing', async () => {
    const owner = await t.createUser('owner@example.org');
    const stranger = await t.createUser('stranger@example.org');
    const ownerBrowser = await t.signIn(owner.email);
    const strangerBrowser = await t.signIn(stranger.email);

    const bad = await ownerBrowser.post('/api/servers', {
      name: 'Lobby',
      templateId: 'conductor-test',
      variables: { MOTD: 'hi; rm -rf /' },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('invalid_variables');
    expect((await t.panel.request('GET', '/api/servers')).body.total, 'nothing left behind').to.equal(0);

    const created = await ownerBrowser.post('/api/servers', {
      name: 'Lobby',
      templateId: 'conductor-test',
      variables: { MOTD: 'Welcome to the Lobby' },
      expectedPlayers: 10,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const server = created.body;
    expect(server).to.deep.include({
      name: 'Lobby',
      ownerId: owner.id,
      nodeId,
      memoryMb: 256,
      state: 'offline',
      address: { ip: '127.0.0.1', port: gamePort },
    });

    const full = await ownerBrowser.post('/api/servers', { name: 'Second', templateId: 'conductor-test' });
    expect(full.status).to.equal(409);
    expect(full.body.error.code).to.equal('no_capacity');

    // A stranger: not in their list, 404 on every route, refused on every socket event.
    expect((await strangerBrowser.get('/api/servers')).body).to.deep.equal({ servers: [], total: 0, nextCursor: null });
    for (const [method, path] of [
      ['GET', `/api/servers/${server.id}`],
      ['POST', `/api/servers/${server.id}/power/start`],
      ['POST', `/api/servers/${server.id}/command`],
      ['PATCH', `/api/servers/${server.id}`],
    ] as const) {
      const res =
        method === 'GET'
          ? await strangerBrowser.get(path)
          : method === 'PATCH'
            ? await strangerBrowser.request('PATCH', path, { body: { name: 'mine' } })
            : await strangerBrowser.post(path, { command: 'op stranger' });
      expect(res.status, `${method} ${path}`).to.equal(404);
      expect(JSON.stringify(res.body)).to.not.contain('Lobby');
    }
    const strangerSocket = await openSocket(t, strangerBrowser, '/servers');
    const refused = await strangerSocket.timeout(5000).emitWithAck('server:subscribe', { serverId: server.id });
    expect(refused.error.code).to.equal('not_found');
    const refusedCommand = await strangerSocket
      .timeout(5000)
      .emitWithAck('server:command', { serverId: server.id, command: 'op stranger' });
    expect(refusedCommand.error.code).to.equal('not_found');
    strangerSocket.close();

    // The owner watches in two tabs: the agent streams once.
    const tabs = [await openSocket(t, ownerBrowser, '/servers'), await openSocket(t, ownerBrowser, '/servers')];
    const lines: string[] = [];
    tabs[0]!.on('server:console', (m: { lines: string[] }) => lines.push(...m.lines));
    for (const tab of tabs) {
      expect((await tab.timeout(10_000).emitWithAck('server:subscribe', { serverId: server.id })).error).to.equal(undefined);
    }
    const agentSockets = await agent.agent.io.in(`server:${server.id}`).fetchSockets();
    expect(agentSockets, 'one upstream subscription for two viewers').to.have.length(1);

    expect((await ownerBrowser.post(`/api/servers/${server.id}/power/start`)).status).to.equal(200);
    await until('the done line in the browser', async () => lines.some((l) => /Done \(/.test(l)));

    const bot = mineflayer.createBot({
      host: '127.0.0.1',
      port: gamePort,
      username: 'PanelBot',
      auth: 'offline',
      version: '1.21.4',
      hideErrors: true,
    });
    const chat: string[] = [];
    bot.on('messagestr', (m: string) => void chat.push(m));
    await new Promise<void>((resolve, reject) => {
      bot.once('spawn', () => resolve());
      bot.once('error', reject);
    });
    const ack = await tabs[1]!.timeout(5000).emitWithAck('server:command', { serverId: server.id, command: 'say hello from the browser' });
    expect(ack).to.deep.equal({ ok: true });
    await until('the bot hears the browser', async () => chat.some((m) => m.includes('hello from the browser')));

    const status = await until('one player in the fleet figures', async () => {
      await t.panel.request('POST', `/api/nodes/${nodeId}/check`);
      const s = (await t.panel.request('GET', '/api/conductor/status')).body;
      // Players and memory come from live stats, states from the event log's mirror: either may lag a moment behind.
      return s.playersOnline === 1 && s.servers.byState.running === 1 && s.memory.usedMb > 10 ? s : undefined;
    });
    expect(status.nodes).to.deep.equal({ total: 1, up: 1, down: 0 });
    expect(status.servers.byState).to.deep.equal({ running: 1 });
    expect(status.memory.allocatedMb).to.equal(256);
    expect(status.memory.usedMb).to.be.greaterThan(10);
    const joined = await until('player.joined in the panel event log', async () => {
      await t.panel.request('POST', `/api/nodes/${nodeId}/check`);
      return (await t.panel.request('GET', `/api/events?type=player.joined&serverId=${server.id}`)).body.events[0];
    });
    expect(joined.data).to.deep.include({ name: 'PanelBot', confirmedByPing: true });
    bot.quit();

    // A subuser watching the console stops receiving it the moment the owner removes them.
    const helper = await t.createUser('helper@example.org');
    expect(
      (await ownerBrowser.post(`/api/auth/servers/${server.id}/subusers`, { email: helper.email, permissions: ['control.console'] }))
        .status,
    ).to.equal(201);
    const helperSocket = await openSocket(t, await t.signIn(helper.email), '/servers');
    const helperLines: string[] = [];
    helperSocket.on('server:console', (m: { lines: string[] }) => helperLines.push(...m.lines));
    const refusedLater = new Promise<{ code: string; serverId: string }>((resolve, reject) => {
      helperSocket.once('refused', resolve);
      setTimeout(() => reject(new Error('the removed subuser was never told')), 60_000).unref();
    });
    expect((await helperSocket.timeout(10_000).emitWithAck('server:subscribe', { serverId: server.id })).error).to.equal(undefined);
    await tabs[0]!.timeout(5000).emitWithAck('server:command', { serverId: server.id, command: 'say while a subuser' });
    await until('the subuser sees the console', async () => helperLines.some((l) => l.includes('while a subuser')));
    expect((await ownerBrowser.request('DELETE', `/api/auth/servers/${server.id}/subusers/${helper.id}`)).status).to.equal(204);
    expect(await refusedLater).to.deep.include({ code: 'not_found', serverId: server.id });
    await tabs[0]!.timeout(5000).emitWithAck('server:command', { serverId: server.id, command: 'say after the removal' });
    await until('the owner sees the later line', async () => lines.some((l) => l.includes('after the removal')));
    expect(
      helperLines.some((l) => l.includes('after the removal')),
      'a removed subuser gets no more console',
    ).to.equal(false);
    const again = await helperSocket.timeout(5000).emitWithAck('server:subscribe', { serverId: server.id });
    expect(again.error.code).to.equal('not_found');
    helperSocket.close();

    // Any key opens the server itself (the list already shows it); the key a route needs is still checked.
    expect(
      (await ownerBrowser.post(`/api/auth/servers/${server.id}/subusers`, { email: helper.email, permissions: ['file.read'] })).status,
    ).to.equal(201);
    const helperBrowser = await t.signIn(helper.email);
    const seen = await helperBrowser.get(`/api/servers/${server.id}`);
    expect(seen.status).to.equal(200);
    expect(seen.body).to.deep.include({ id: server.id, name: 'Lobby' });
    expect((await helperBrowser.post(`/api/servers/${server.id}/command`, { command: 'say no' })).status).to.equal(403);
    const notGrantable = await ownerBrowser.request('PUT', `/api/auth/servers/${server.id}/subusers/${helper.id}`, {
      body: { permissions: ['server.view'] },
    });
    expect(notGrantable.status, 'server.view is implied, never granted').to.equal(400);

    const stopped = await ownerBrowser.post(`/api/servers/${server.id}/power/stop`);
    expect(stopped.body.state).to.equal('offline');

    // Files and server.properties through the panel, behind the same permissions.
    const props = await ownerBrowser.get(`/api/servers/${server.id}/properties`);
    expect(props.status, JSON.stringify(props.body)).to.equal(200);
    expect(props.body.typed.motd).to.equal('Welcome to the Lobby');
    // The MOTD: two lines at most (the game shows two); a third line or a carriage return is refused.
    for (const motd of ['one\ntwo\nthree', 'one\r\ntwo', 'one\rtwo']) {
      const refused = await ownerBrowser.request('PATCH', `/api/servers/${server.id}/properties`, { body: { motd } });
      expect(refused.status, JSON.stringify(motd)).to.equal(400);
      expect(JSON.stringify(refused.body)).to.contain('at most two lines');
    }
    expect(
      (await ownerBrowser.request('PATCH', `/api/servers/${server.id}/properties`, { body: { 'rcon.password': 'x' } })).status,
      'unknown keys refused',
    ).to.equal(400);
    const changed = await ownerBrowser.request('PATCH', `/api/servers/${server.id}/properties`, {
      body: { motd: 'Now with a new MOTD\n§aand a second line', 'max-players': 42 },
    });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
    expect(changed.body.typed).to.deep.include({ motd: 'Now with a new MOTD\n§aand a second line', 'max-players': 42 });
    // Stored as the escape Minecraft reads, read back as a real line break.
    const file = (await ownerBrowser.get(`/api/servers/${server.id}/files/contents?path=server.properties`)).body as string;
    expect(file).to.match(/^motd=Now with a new MOTD\\n§aand a second line$/m);
    expect((await ownerBrowser.get(`/api/servers/${server.id}/properties`)).body.typed.motd).to.equal(
      'Now with a new MOTD\n§aand a second line',
    );
    expect((await strangerBrowser.request('PATCH', `/api/servers/${server.id}/properties`, { body: { motd: 'pwned' } })).status).to.equal(
      404,
    );
    const listing = await ownerBrowser.get(`/api/servers/${server.id}/files/list?path=`);
    expect(listing.body.entries.map((e: { name: string }) => e.name)).to.include.members(['server.properties', 'world']);
    expect((await ownerBrowser.get(`/api/servers/${server.id}/files/list?path=../../etc`)).status).to.equal(400);
    const download = await fetch(`${t.panel.url}/api/servers/${server.id}/files/download?path=server.properties`, {
      headers: { cookie: [...ownerBrowser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), range: 'bytes=0-3' },
    });
    expect(download.status).to.equal(206);
    expect(await download.text()).to.equal('#Min');
    expect((await strangerBrowser.get(`/api/servers/${server.id}/files/download?path=server.properties`)).status).to.equal(404);
    // A zip whose entry, 60 folders deep, lies about its size once ended the agent (502 node_unreachable): now the owner gets a 400.
    const liar = (await hostileArchives(60, { zstd: false })).find((a) => a.kind.startsWith('declares 10 bytes'))!;
    await writeFile(path.join(agent.agent.manager.volumePath(server.id), 'liar.zip'), liar.data);
    const unzip = await ownerBrowser.post(`/api/servers/${server.id}/files/decompress`, { path: 'liar.zip', destination: '' });
    expect(unzip.status, JSON.stringify(unzip.body)).to.equal(400);
    expect(unzip.body.error.code).to.equal('archive_corrupt');
    expect((await ownerBrowser.get(`/api/servers/${server.id}/files/list?path=`)).status, 'the node still answers').to.equal(200);

    await ownerBrowser.post(`/api/servers/${server.id}/power/start`);
    const { ping } = (await import('minecraft-protocol')).default;
    const pinged = await until('the new MOTD in a status ping', async () => {
      try {
        const res = (await ping({ host: '127.0.0.1', port: gamePort })) as { description: unknown; players: { max: number } };
        return JSON.stringify(res.description).includes('Now with a new MOTD') ? res : undefined;
      } catch {
        return undefined;
      }
    });
    expect(pinged.players.max).to.equal(42);
    // The game answers the status ping with both lines.
    expect(JSON.stringify(pinged.description)).to.contain('Now with a new MOTD\\n').and.contain('and a second line');
    await ownerBrowser.post(`/api/servers/${server.id}/power/stop`);
    for (const tab of tabs) tab.close();
    await until(
      'the upstream subscription released',
      async () => (await agent.agent.io.in(`server:${server.id}`).fetchSockets()).length === 0,
    );

    await t.panel.request('POST', `/api/nodes/${nodeId}/check`);
    const types = (await t.panel.request('GET', `/api/events?serverId=${server.id}`)).body.events.map((e: { type: string }) => e.type);
    // The mirror follows the event log asynchronously, replaying each transition in order.
    await until(
      'the state mirror to follow the events',
      async () => (await t.panel.request('GET', `/api/servers/${server.id}`)).body.state === 'offline',
    );
    expect(types).to.include.members(['server.created', 'server.starting', 'server.started', 'player.joined', 'server.stopped']);
    const results = (
      await t.panel.request('POST', '/api/servers/bulk', { body: { action: 'delete', serverIds: [server.id, 'snotthere'] } })
    ).body.results;
    expect(results).to.deep.equal([
      { serverId: server.id, ok: true },
      { serverId: 'snotthere', ok: false, error: { code: 'not_found', message: 'No such server' } },
    ]);
    expect(
      (await t.panel.request('GET', `/api/nodes/${nodeId}/allocations`)).body.allocations[0].serverId,
      'the port is free again',
    ).to.equal(null);
  });

  it('manages whitelist, operators and bans: lists edited while stopped, console commands while running', async () => {
    const owner = await t.createUser('players@example.org');
    const browser = await t.signIn(owner.email);
    const server = (await browser.post('/api/servers', { name: 'Bans', templateId: 'conductor-test' })).body;
    expect(server.id, JSON.stringify(server)).to.be.a('string');
    expect(
      (await browser.post(`/api/servers/${server.id}/players`, { action: 'op', name: 'Notch' })).body.error.code,
      'online-mode needs a UUID',
    ).to.equal('uuid_required');
    await browser.request('PATCH', `/api/servers/${server.id}/properties`, { body: { 'online-mode': false } });
    for (const body of [
      { action: 'whitelist.add', name: 'Notch' },
      { action: 'op', name: 'Notch' },
      { action: 'ban', name: 'Griefer', reason: 'broke the spawn' },
      { action: 'ban-ip', ip: '203.0.113.9' },
    ]) {
      const res = await browser.post(`/api/servers/${server.id}/players`, body);
      expect(res.body, JSON.stringify(body)).to.deep.equal({ applied: 'file' });
    }
    expect((await browser.post(`/api/servers/${server.id}/players`, { action: 'ban', name: 'bad name!' })).status).to.equal(400);
    expect((await browser.post(`/api/servers/${server.id}/players`, { action: 'kick', name: 'Notch' })).body.error.code).to.equal(
      'server_not_running',
    );
    let lists = (await browser.get(`/api/servers/${server.id}/players`)).body;
    expect(lists.whitelist).to.deep.equal([{ uuid: 'b50ad385-829d-3141-a216-7e7d7539ba7f', name: 'Notch' }]);
    expect(lists.ops).to.deep.equal([
      { uuid: 'b50ad385-829d-3141-a216-7e7d7539ba7f', name: 'Notch', level: 4, bypassesPlayerLimit: false },
    ]);
    expect(lists.bannedPlayers[0]).to.deep.include({ name: 'Griefer', reason: 'broke the spawn', expires: 'forever' });
    expect(lists.bannedPlayers[0].created).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(lists.bannedIps[0]).to.deep.include({ ip: '203.0.113.9' });
    await browser.post(`/api/servers/${server.id}/players`, { action: 'deop', name: 'notch' });
    lists = (await browser.get(`/api/servers/${server.id}/players`)).body;
    expect(lists.ops).to.deep.equal([]);

    // Running: the game is told, and a banned player is thrown out.
    await browser.post(`/api/servers/${server.id}/power/start`);
    await until('running', async () => {
      await t.panel.request('POST', `/api/nodes/${nodeId}/check`);
      return (await browser.get(`/api/servers/${server.id}`)).body.state === 'running' || undefined;
    });
    const bot = mineflayer.createBot({
      host: '127.0.0.1',
      port: gamePort,
      username: 'Troll',
      auth: 'offline',
      version: '1.21.4',
      hideErrors: true,
    });
    await new Promise<void>((resolve, reject) => {
      bot.once('spawn', () => resolve());
      bot.once('error', reject);
    });
    // The game's answer decides: flying-squid has no whitelist command, so nothing may claim success.
    const whitelisted = await browser.post(`/api/servers/${server.id}/players`, { action: 'whitelist.add', name: 'Troll' });
    expect(whitelisted.status, JSON.stringify(whitelisted.body)).to.equal(502);
    expect(whitelisted.body.error.code).to.equal('command_unsupported');
    expect(whitelisted.body.error.details).to.deep.equal({ answer: 'Command not found' });
    expect(whitelisted.body.error.message).to.contain('Command not found');
    const kickNobody = await browser.post(`/api/servers/${server.id}/players`, { action: 'kick', name: 'Nobody' });
    expect(kickNobody.status, JSON.stringify(kickNobody.body)).to.equal(409);
    expect(kickNobody.body.error).to.deep.include({ code: 'game_refused', details: { answer: 'Nobody is not on this server!' } });
    const gone = new Promise<string>((resolve) => bot.once('end', (reason: string) => resolve(reason)));
    expect((await browser.post(`/api/servers/${server.id}/players`, { action: 'ban', name: 'Troll', reason: 'spam' })).body).to.deep.equal({
      applied: 'command',
      answer: 'Troll was banned',
    });
    await gone;
    const again = await browser.post(`/api/servers/${server.id}/players`, { action: 'ban', name: 'Troll', reason: 'spam' });
    expect(again.body, 'already banned: nothing changed, and it says so').to.deep.equal({ applied: 'command', answer: 'Troll is banned!' });
    const logs = (await agent.request('GET', `/api/servers/${server.id}/logs`)).body.lines as string[];
    expect(logs.some((l) => l.includes('Troll'))).to.equal(true);
    await browser.post(`/api/servers/${server.id}/power/kill`);
    await t.panel.request('DELETE', `/api/servers/${server.id}`);
  });

  it('hides variables the template keeps for administrators from users', async () => {
    const base = (await t.panel.request('GET', '/api/templates/conductor-test')).body.template;
    const secret = {
      env: 'LICENSE_KEY',
      name: 'Licence key',
      default: 'lic-1234',
      userViewable: false,
      userEditable: false,
      rules: { required: true },
    };
    expect(
      (await t.panel.request('POST', '/api/templates', { body: { ...base, id: 'licensed-test', variables: [...base.variables, secret] } }))
        .status,
    ).to.equal(201);
    const user = await t.createUser('licensee@example.org');
    const browser = await t.signIn(user.email);
    const template = (await browser.get('/api/templates/licensed-test')).body.template;
    expect(template.variables.map((v: { env: string }) => v.env)).to.not.include('LICENSE_KEY');
    expect(JSON.stringify((await browser.get('/api/templates?q=conductor')).body)).to.not.contain('lic-1234');
    expect(
      (await browser.post('/api/servers', { name: 'L', templateId: 'licensed-test', variables: { LICENSE_KEY: 'mine' } })).body.error.code,
      'users may not set it either',
    ).to.equal('invalid_variables');
    const created = await browser.post('/api/servers', { name: 'L', templateId: 'licensed-test' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.variables).to.not.have.property('LICENSE_KEY');
    expect((await browser.get(`/api/servers/${created.body.id}`)).body.variables).to.not.have.property('LICENSE_KEY');
    expect(JSON.stringify((await browser.get('/api/servers')).body)).to.not.contain('lic-1234');
    expect((await t.panel.request('GET', `/api/servers/${created.body.id}`)).body.variables.LICENSE_KEY, 'admins see it').to.equal(
      'lic-1234',
    );
    await t.panel.request('DELETE', `/api/servers/${created.body.id}`);
  });

  it('manages worlds: list, download, upload as a new world, choose the active one, reset', async () => {
    const owner = await t.createUser('worlds@example.org');
    const browser = await t.signIn(owner.email);
    const server = (await browser.post('/api/servers', { name: 'Worlds', templateId: 'conductor-test' })).body;
    await browser.post(`/api/servers/${server.id}/power/start`);
    await until('a generated world', async () => {
      await t.panel.request('POST', `/api/nodes/${nodeId}/check`);
      return (await browser.get(`/api/servers/${server.id}`)).body.state === 'running' || undefined;
    });
    expect((await browser.post(`/api/servers/${server.id}/worlds/world/reset`)).body.error.code, 'not while it runs').to.equal(
      'server_not_offline',
    );
    await browser.post(`/api/servers/${server.id}/power/stop`);
    const listed = await browser.get(`/api/servers/${server.id}/worlds`);
    expect(listed.body, JSON.stringify(listed.body)).to.deep.equal({ active: 'world', worlds: [{ name: 'world', active: true }] });

    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const download = await fetch(`${t.panel.url}/api/servers/${server.id}/worlds/world/download`, { headers: { cookie } });
    expect(download.status).to.equal(200);
    const zip = Buffer.from(await download.arrayBuffer());
    expect(zip.subarray(0, 2).toString()).to.equal('PK');

    const upload = (name: string, body: Buffer) =>
      fetch(`${t.panel.url}/api/servers/${server.id}/worlds/${encodeURIComponent(name)}/upload`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': browser.cookies.get('cdr_csrf')!, 'content-type': 'application/zip' },
        body,
      });
    const copied = await upload('copy', zip);
    expect(copied.status, await copied.clone().text()).to.equal(201);
    const yazl = (await import('yazl')).default;
    const notAWorld = new yazl.ZipFile();
    notAWorld.addBuffer(Buffer.from('just a readme'), 'readme.txt');
    notAWorld.end();
    const chunks: Buffer[] = [];
    for await (const c of notAWorld.outputStream) chunks.push(c as Buffer);
    const refused = await upload('junk', Buffer.concat(chunks));
    expect(refused.status).to.equal(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal('not_a_world');
    expect((await upload('copy', zip)).status, 'no overwriting').to.equal(409);
    expect((await upload('../escape', zip)).status).to.equal(400);
    const names = (await browser.get(`/api/servers/${server.id}/files/list?path=`)).body.entries.map((e: { name: string }) => e.name);
    expect(names).to.include.members(['world', 'copy']);
    expect(names, 'no upload leftovers').to.not.include.members(['junk', '.conductor-worlds']);

    expect((await browser.request('PUT', `/api/servers/${server.id}/worlds/active`, { body: { name: 'copy' } })).body).to.deep.equal({
      active: 'copy',
    });
    expect((await browser.get(`/api/servers/${server.id}/properties`)).body.typed['level-name']).to.equal('copy');
    expect((await browser.post(`/api/servers/${server.id}/worlds/world/reset`)).status).to.equal(204);
    expect((await browser.get(`/api/servers/${server.id}/worlds`)).body).to.deep.equal({
      active: 'copy',
      worlds: [{ name: 'copy', active: true }],
    });
    const stranger = await t.signIn((await t.createUser('nosy@example.org')).email);
    expect((await stranger.get(`/api/servers/${server.id}/worlds`)).status).to.equal(404);
    await t.panel.request('DELETE', `/api/servers/${server.id}`);
  });
});
