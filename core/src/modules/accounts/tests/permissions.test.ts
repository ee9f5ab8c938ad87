import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import { DATABASES } from '@conductor/test';
import type { Browser } from './browser.js';
import { openSocket, startAccountsPanel, type AccountsPanel } from './fixtures.js';
import { serversFixture } from './servers-fixture.js';

const socketOf = (t: AccountsPanel, b: Browser) => openSocket(t, b, '/fixture-servers');

for (const database of DATABASES) {
  describe(`accounts: per-server permissions, subusers, activity (${database})`, () => {
    let t: AccountsPanel;
    let fixture: ReturnType<typeof serversFixture>;
    let owner: Browser;
    let stranger: Browser;
    let helper: Browser;
    let admin: Browser;
    let helperId: string;

    before(async () => {
      fixture = serversFixture();
      t = await startAccountsPanel(database, { plugins: [fixture.plugin] });
      await t.createUser('owner@example.com');
      await t.createUser('stranger@example.com');
      helperId = (await t.createUser('helper@example.com')).id;
      await t.createUser('admin@example.com', { role: 'admin' });
      owner = await t.signIn('owner@example.com');
      stranger = await t.signIn('stranger@example.com');
      helper = await t.signIn('helper@example.com');
      admin = await t.signIn('admin@example.com');
      expect((await owner.post('/api/fixture-servers', { id: 'srv-1', name: 'Secret Survival' })).status).to.equal(201);
    });
    after(() => t.close());

    it('lets the owner read and start the server, and records who did it', async () => {
      expect((await owner.get('/api/fixture-servers/srv-1')).body).to.deep.equal({
        id: 'srv-1',
        name: 'Secret Survival',
        state: 'stopped',
      });
      expect((await owner.post('/api/fixture-servers/srv-1/start')).body).to.deep.equal({ state: 'running' });
      const activity = (await owner.get('/api/activity/servers/srv-1')).body.activity;
      expect(activity).to.have.length(1);
      expect(activity[0]).to.deep.include({ serverId: 'srv-1', actor: 'owner@example.com', action: 'server.power.start', ip: '127.0.0.1' });
    });

    it("answers a stranger 404 for another user's server, its activity and its subusers, with no data in the body, and runs no handler", async () => {
      const handledBefore = fixture.handled.length;
      for (const [method, path] of [
        ['GET', '/api/fixture-servers/srv-1'],
        ['POST', '/api/fixture-servers/srv-1/start'],
        ['GET', '/api/activity/servers/srv-1'],
        ['GET', '/api/auth/servers/srv-1/subusers'],
      ] as const) {
        const res = await stranger.request(method, path);
        expect(res.status, `${method} ${path}`).to.equal(404);
        expect(res.body).to.deep.equal({ error: { code: 'not_found', message: 'No such server' } });
      }
      expect(fixture.handled.length).to.equal(handledBefore);
      // A server that does not exist looks exactly the same.
      expect((await stranger.get('/api/fixture-servers/srv-404')).body).to.deep.equal(
        (await stranger.get('/api/fixture-servers/srv-1')).body,
      );
    });

    it("never shows one user another user's security log", async () => {
      const log = (await stranger.get('/api/auth/security-log')).body.events;
      expect(log.length).to.be.greaterThan(0);
      const ownerId = (await owner.get('/api/auth/me')).body.user.id;
      expect(JSON.stringify(log)).to.not.contain('owner@example.com').and.not.contain(ownerId);
      const raw = await t.panel.kernel.db('security_log').where({ user_id: ownerId }).count({ n: '*' }).first();
      expect(Number(raw!.n)).to.be.greaterThan(0);
    });

    it('gives a subuser exactly the granted keys: allowed with one, 403 without another', async () => {
      const grant = await owner.post('/api/auth/servers/srv-1/subusers', {
        email: 'HELPER@example.com',
        permissions: ['control.console', 'activity.read'],
      });
      expect(grant.status).to.equal(201);
      expect(grant.body.subuser).to.deep.include({ userId: helperId, permissions: ['control.console', 'activity.read'] });
      expect((await helper.get('/api/fixture-servers/srv-1')).status).to.equal(200);
      expect((await helper.get('/api/activity/servers/srv-1')).status).to.equal(200);
      const start = await helper.post('/api/fixture-servers/srv-1/start');
      expect(start.status).to.equal(403);
      expect(start.body.error).to.deep.include({ code: 'forbidden', details: { permission: 'control.start' } });
      const subusers = await helper.get('/api/auth/servers/srv-1/subusers');
      expect(subusers.status).to.equal(403);
    });

    it('does not let a subuser grant keys it does not hold', async () => {
      expect(
        (
          await owner.request('PUT', `/api/auth/servers/srv-1/subusers/${helperId}`, {
            body: { permissions: ['control.console', 'user.create'] },
          })
        ).status,
      ).to.equal(204);
      const res = await helper.post('/api/auth/servers/srv-1/subusers', { email: 'stranger@example.com', permissions: ['control.start'] });
      expect(res.status).to.equal(403);
      expect(res.body.error.details).to.deep.equal({ missing: ['control.start'] });
      expect((await stranger.get('/api/fixture-servers/srv-1')).status).to.equal(404);
      const ok = await helper.post('/api/auth/servers/srv-1/subusers', { email: 'stranger@example.com', permissions: ['control.console'] });
      expect(ok.status).to.equal(201);
      expect((await stranger.get('/api/fixture-servers/srv-1')).status).to.equal(200);
      expect((await owner.request('DELETE', '/api/auth/servers/srv-1/subusers/' + ok.body.subuser.userId)).status).to.equal(204);
      expect((await stranger.get('/api/fixture-servers/srv-1')).status).to.equal(404);
    });

    it('adds keys another plugin grants through auth.serverPermissions (the teams plugin later)', async () => {
      const adminId = (await admin.get('/api/auth/me')).body.user.id;
      const teammate = (await t.createUser('teammate@example.com')).id;
      const b = await t.signIn('teammate@example.com');
      expect((await b.get('/api/activity/servers/srv-1')).status).to.equal(404);
      fixture.teamKeys.set(`srv-1:${teammate}`, ['activity.read']);
      expect((await b.get('/api/activity/servers/srv-1')).status).to.equal(200);
      expect((await b.get('/api/fixture-servers/srv-1')).status).to.equal(403);
      expect(adminId).to.be.a('string');
    });

    it('tells each caller the keys it holds on a server, wildcards spelled out, and strangers nothing', async () => {
      const mine = await owner.get('/api/auth/servers/srv-1/permissions');
      expect(mine.body.owner).to.equal(true);
      expect(mine.body.permissions).to.include.members(['control.start', 'file.update', 'players.manage']);
      expect((await admin.get('/api/auth/servers/srv-1/permissions')).body.owner).to.equal(true);
      expect(
        (
          await owner.request('PUT', `/api/auth/servers/srv-1/subusers/${helperId}`, {
            body: { permissions: ['control.console', 'file.*'] },
          })
        ).status,
      ).to.equal(204);
      const theirs = (await helper.get('/api/auth/servers/srv-1/permissions')).body;
      expect(theirs).to.deep.equal({
        owner: false,
        permissions: ['control.console', 'file.archive', 'file.create', 'file.delete', 'file.read', 'file.read-content', 'file.update'],
      });
      for (const [who, id] of [
        [stranger, 'srv-1'],
        [admin, 'srv-404'],
        [owner, 'srv-404'],
      ] as const) {
        const res = await who.get(`/api/auth/servers/${id}/permissions`);
        expect(res.status, id).to.equal(404);
        expect(res.body).to.deep.equal({ error: { code: 'not_found', message: 'No such server' } });
      }
    });

    it('refuses a permission key no active plugin declares, naming it, and stores nothing', async () => {
      const before = (await owner.get('/api/auth/servers/srv-1/subusers')).body;
      for (const keys of [['control.everything'], ['control.console', 'database.read'], ['nothing.*'], ['server.view']]) {
        const res = await owner.post('/api/auth/servers/srv-1/subusers', { email: 'admin@example.com', permissions: keys });
        expect(res.status, keys.join()).to.equal(400);
        expect(res.body.error.code).to.equal('unknown_permission');
        expect(res.body.error.details.unknown).to.deep.equal(keys.filter((k) => k !== 'control.console'));
      }
      expect((await owner.get('/api/auth/servers/srv-1/subusers')).body).to.deep.equal(before);
    });

    it('follows what a key implies: file.update lets a subuser list files, not read their content', async () => {
      expect(
        (await owner.request('PUT', `/api/auth/servers/srv-1/subusers/${helperId}`, { body: { permissions: ['file.update'] } })).status,
      ).to.equal(204);
      expect((await helper.get('/api/auth/servers/srv-1/permissions')).body.permissions).to.deep.equal(['file.read', 'file.update']);
      expect(
        (
          await owner.request('PUT', `/api/auth/servers/srv-1/subusers/${helperId}`, {
            body: { permissions: ['control.console', 'file.*'] },
          })
        ).status,
      ).to.equal(204);
    });

    it('lets admins use every key on any server, but not on one that does not exist', async () => {
      expect((await admin.get('/api/fixture-servers/srv-1')).status).to.equal(200);
      expect((await admin.get('/api/activity/servers/srv-1')).status).to.equal(200);
      expect((await admin.get('/api/fixture-servers/nope')).status).to.equal(404);
    });

    it('checks socket events in the same place: refused events never reach the handler', async () => {
      const own = await socketOf(t, owner);
      const other = await socketOf(t, stranger);
      const sub = await socketOf(t, helper);
      try {
        const handledBefore = fixture.handled.length;
        expect(await other.timeout(3000).emitWithAck('console:command', { serverId: 'srv-1', command: 'op stranger' })).to.deep.equal({
          error: { code: 'not_found', message: 'No such server' },
        });
        expect(await sub.timeout(3000).emitWithAck('power:stop', { serverId: 'srv-1' })).to.deep.include({
          error: { code: 'forbidden', message: 'This needs the control.stop permission on this server' },
        });
        expect(await own.timeout(3000).emitWithAck('console:command', { command: 'no server' })).to.deep.equal({
          error: { code: 'validation_failed', message: 'console:command needs a serverId' },
        });
        expect(fixture.handled.length).to.equal(handledBefore);
        expect(fixture.servers.get('srv-1')!.state).to.equal('running');
        expect(await sub.timeout(3000).emitWithAck('console:command', { serverId: 'srv-1', command: 'list' })).to.deep.equal({
          ran: 'list',
        });
        expect(await own.timeout(3000).emitWithAck('power:stop', { serverId: 'srv-1' })).to.deep.equal({ state: 'stopped' });
        // Without an acknowledgement the refusal arrives as a `refused` event.
        const error = new Promise<{ code: string; event: string }>((resolve) => other.on('refused', resolve));
        other.emit('power:stop', { serverId: 'srv-1' });
        expect(await error).to.deep.include({ code: 'not_found', event: 'power:stop' });
      } finally {
        own.close();
        other.close();
        sub.close();
      }
    });

    it('refuses a cookie socket opened from another origin', async () => {
      const cookie = [...owner.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      for (const namespace of ['/fixture-servers', '/servers', '']) {
        // forceNew: socket.io-client would otherwise reuse an earlier connection and its headers.
        const socket = connect(`${t.panel.url}${namespace}`, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          extraHeaders: { cookie, origin: 'https://evil.example' },
        });
        const result = await new Promise<string>((resolve) => {
          socket.on('connect', () => resolve('connected'));
          socket.on('connect_error', (err: Error & { data?: { code: string } }) => resolve(err.data?.code ?? err.message));
        });
        socket.close();
        expect(result, namespace || '/').to.equal('unauthenticated');
      }
    });
  });
}
