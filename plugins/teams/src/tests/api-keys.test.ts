import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import { DATABASES } from '@conductor/test';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { addMember, createTeam, createTeamServer, startTeamsPanel, type TeamsPanel } from './fixture.js';

for (const database of DATABASES) {
  describe(`teams: API keys scoped to a team (${database})`, function () {
    this.timeout(180_000);
    let t: TeamsPanel;
    let alice: Browser;
    let teamA: string;
    let teamB: string;
    let serverA: string;
    let serverB: string;
    let own: string;

    const withKey = (key: string, method: string, path: string, body?: unknown) =>
      t.panel.request(method, path, { headers: { authorization: `Bearer ${key}` }, ...(body ? { body } : {}) });

    before(async () => {
      t = await startTeamsPanel(database, { ports: 3 });
      const aliceId = (await t.createUser('alice@example.com')).id;
      await t.createUser('carol@example.com');
      alice = await t.signIn('alice@example.com');
      const carol = await t.signIn('carol@example.com');
      teamA = await createTeam(alice, 'Team A');
      teamB = await createTeam(carol, 'Team B');
      await addMember(t, teamB, aliceId, 'admin');
      serverA = await createTeamServer(alice, teamA, 'A');
      serverB = await createTeamServer(carol, teamB, 'B');
      const made = await alice.post('/api/servers', { name: 'Alice own', templateId: 'conductor-test', memoryMb: 256 });
      expect(made.status, JSON.stringify(made.body)).to.equal(201);
      own = made.body.id;
    });
    after(() => t?.close());

    it("reaches only its team: that team's servers and pages, not the user's own servers, other teams or account", async () => {
      const created = await alice.post('/api/auth/api-keys', { name: 'CI for team A', scope: `team:${teamA}` });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.apiKey.scope).to.equal(`team:${teamA}`);
      const key = created.body.key as string;

      // The whole account sees all three servers; the key sees team A's only.
      expect((await alice.get('/api/servers')).body.servers.map((s: { id: string }) => s.id).sort()).to.deep.equal(
        [own, serverA, serverB].sort(),
      );
      expect((await withKey(key, 'GET', '/api/servers')).body.servers.map((s: { id: string }) => s.id)).to.deep.equal([serverA]);
      expect((await withKey(key, 'GET', `/api/servers/${serverA}`)).status).to.equal(200);
      expect((await withKey(key, 'GET', `/api/servers/${serverA}/files/list`)).status).to.equal(200);
      for (const id of [own, serverB]) {
        for (const path of [`/api/servers/${id}`, `/api/servers/${id}/files/list`, `/api/activity/servers/${id}`]) {
          expect((await withKey(key, 'GET', path)).status, path).to.equal(404);
        }
        expect((await withKey(key, 'POST', `/api/servers/${id}/power/start`, {})).status).to.equal(404);
      }
      expect((await withKey(key, 'GET', '/api/teams')).body.teams.map((x: { id: string }) => x.id)).to.deep.equal([teamA]);
      expect((await withKey(key, 'GET', `/api/teams/${teamA}/members`)).status).to.equal(200);
      for (const path of [`/api/teams/${teamB}`, `/api/teams/${teamB}/members`, `/api/teams/${teamB}/servers`]) {
        const res = await withKey(key, 'GET', path);
        expect(res.status, path).to.equal(404);
        expect(res.body.error.code).to.equal('team_not_found');
      }
      // Routes outside any team refuse the key outright.
      for (const [method, path] of [
        ['GET', '/api/auth/me'],
        ['GET', '/api/auth/api-keys'],
        ['POST', '/api/teams'],
      ] as const) {
        const res = await withKey(key, method, path, method === 'POST' ? { name: 'Sneaky' } : undefined);
        expect(res.status, path).to.equal(403);
        expect(res.body.error.code).to.equal('key_scope_refused');
      }

      // Sockets too.
      const socket = connect(`${t.panel.url}/servers`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token: key },
      });
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', () => resolve());
        socket.on('connect_error', reject);
      });
      try {
        expect((await socket.timeout(10_000).emitWithAck('server:subscribe', { serverId: serverA })).error).to.equal(undefined);
        for (const id of [own, serverB])
          expect((await socket.timeout(10_000).emitWithAck('server:subscribe', { serverId: id })).error.code).to.equal('not_found');
      } finally {
        socket.close();
      }
    });

    it('is made only for a team the user belongs to, and follows the membership', async () => {
      for (const scope of ['team:5d0a1b7e-0c1a-4a8e-9a7e-1c2d3e4f5a6b', 'banana', `team:${teamB}x`]) {
        const res = await alice.post('/api/auth/api-keys', { name: 'nope', scope });
        expect(res.status, scope).to.equal(400);
        expect(res.body.error.code).to.equal('unknown_key_scope');
      }
      expect((await alice.get('/api/auth/api-keys')).body.apiKeys.filter((k: { name: string }) => k.name === 'nope')).to.deep.equal([]);

      const key = (await alice.post('/api/auth/api-keys', { name: 'team B', scope: `team:${teamB}` })).body.key as string;
      expect((await withKey(key, 'GET', `/api/servers/${serverB}`)).status).to.equal(200);
      expect(
        (await alice.request('DELETE', `/api/teams/${teamB}/members/${(await alice.get('/api/auth/me')).body.user.id}`)).status,
      ).to.equal(204);
      expect((await withKey(key, 'GET', `/api/servers/${serverB}`)).status, 'no longer a member').to.equal(404);
      expect((await withKey(key, 'GET', '/api/servers')).body.servers).to.deep.equal([]);
    });
  });
}
