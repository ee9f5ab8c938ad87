import { compileErrors, validate } from '@readme/openapi-parser';
import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { openSocket } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { addMember, createTeam, createTeamServer, startTeamsPanel, type TeamsPanel } from './fixture.js';

for (const database of DATABASES) {
  describe(`teams: members, roles and team-owned servers (${database})`, function () {
    this.timeout(180_000);
    let t: TeamsPanel;
    let alice: Browser;
    let bob: Browser;
    let carol: Browser;
    let aliceId: string;
    let bobId: string;
    let carolId: string;
    let teamA: string;
    let teamB: string;
    let serverA: string;
    let serverB: string;
    let inviteB: string;

    before(async () => {
      t = await startTeamsPanel(database);
      aliceId = (await t.createUser('alice@example.com')).id;
      bobId = (await t.createUser('bob@example.com')).id;
      carolId = (await t.createUser('carol@example.com')).id;
      [alice, bob, carol] = await Promise.all([t.signIn('alice@example.com'), t.signIn('bob@example.com'), t.signIn('carol@example.com')]);
      teamA = await createTeam(alice, 'Team A');
      teamB = await createTeam(carol, 'Team B');
      await addMember(t, teamA, bobId, 'member');
      serverA = await createTeamServer(alice, teamA, 'A survival');
      serverB = await createTeamServer(carol, teamB, 'B secret');
      inviteB = (await carol.post(`/api/teams/${teamB}/invites`, { email: 'friend@example.com' })).body.invite.id;
    });
    after(() => t?.close());

    it("shows a team's servers to its members in their own list, and to nobody else", async () => {
      expect((await bob.get('/api/servers')).body.servers.map((s: { id: string }) => s.id)).to.deep.equal([serverA]);
      expect((await alice.get('/api/servers')).body.servers.map((s: { id: string }) => s.id)).to.deep.equal([serverA]);
      expect((await carol.get('/api/servers')).body.servers.map((s: { id: string }) => s.id)).to.deep.equal([serverB]);
      expect((await bob.get(`/api/teams/${teamA}/servers`)).body.servers.map((s: { id: string }) => s.id)).to.deep.equal([serverA]);
      // The built-in member role reads; it does not run the server.
      expect((await bob.get(`/api/servers/${serverA}`)).status).to.equal(200);
      expect((await bob.get(`/api/servers/${serverA}/files/list`)).status).to.equal(200);
      const start = await bob.post(`/api/servers/${serverA}/power/start`);
      expect(start.status).to.equal(403);
      expect(start.body.error.code).to.equal('forbidden');
    });

    it('lets a member of team A read or change nothing of team B: team, members, roles, servers, files, backups, activity, console', async () => {
      for (const who of [alice, bob]) {
        for (const [method, path, body] of [
          ['GET', `/api/teams/${teamB}`],
          ['PATCH', `/api/teams/${teamB}`, { name: 'mine' }],
          ['DELETE', `/api/teams/${teamB}`],
          ['GET', `/api/teams/${teamB}/members`],
          ['PUT', `/api/teams/${teamB}/members/${carolId}/role`, { role: 'member' }],
          ['DELETE', `/api/teams/${teamB}/members/${carolId}`],
          ['POST', `/api/teams/${teamB}/transfer`, { userId: aliceId }],
          ['GET', `/api/teams/${teamB}/roles`],
          ['POST', `/api/teams/${teamB}/roles`, { name: 'spy', permissions: ['control.console'] }],
          ['GET', `/api/teams/${teamB}/servers`],
          ['POST', `/api/teams/${teamB}/servers`, { name: 'planted', templateId: 'conductor-test' }],
          ['POST', `/api/teams/${teamB}/servers/${serverB}/release`, {}],
          ['GET', `/api/teams/${teamB}/activity`],
          ['GET', `/api/teams/${teamB}/invites`],
          ['POST', `/api/teams/${teamB}/invites`, { email: 'spy@example.com' }],
          ['DELETE', `/api/teams/${teamB}/invites/${inviteB}`],
        ] as Array<[string, string, object?]>) {
          const res = await who.request(method, path, body ? { body } : {});
          expect(res.status, `${method} ${path}`).to.equal(404);
          expect(res.body, `${method} ${path}`).to.deep.equal({ error: { code: 'team_not_found', message: 'No such team' } });
        }
        // Team B's server, through every door a user has to a server.
        for (const [method, path] of [
          ['GET', `/api/servers/${serverB}`],
          ['GET', `/api/servers/${serverB}/files/list`],
          ['GET', `/api/servers/${serverB}/files/contents?path=server.properties`],
          ['POST', `/api/servers/${serverB}/power/start`],
          ['GET', `/api/backups/servers/${serverB}/backups`],
          ['POST', `/api/backups/servers/${serverB}/backups`],
          ['GET', `/api/activity/servers/${serverB}`],
          ['GET', `/api/auth/servers/${serverB}/permissions`],
          ['GET', `/api/auth/servers/${serverB}/subusers`],
        ] as const) {
          const res = await who.request(method, path, method === 'POST' ? { body: {} } : {});
          expect(res.status, `${method} ${path}`).to.equal(404);
          expect(JSON.stringify(res.body)).to.not.contain('B secret');
        }
        // Moving team B's server into team A is refused as if it did not exist.
        expect((await alice.request('PUT', `/api/teams/${teamA}/servers/${serverB}`)).body.error.code).to.equal('not_found');
        const socket = await openSocket(t, who, '/servers');
        try {
          expect((await socket.timeout(10_000).emitWithAck('server:subscribe', { serverId: serverB })).error.code).to.equal('not_found');
          expect(
            (await socket.timeout(10_000).emitWithAck('server:command', { serverId: serverB, command: 'op alice' })).error.code,
          ).to.equal('not_found');
        } finally {
          socket.close();
        }
      }
      // Team B saw nothing happen.
      expect((await carol.get(`/api/teams/${teamB}`)).body.team).to.deep.include({ name: 'Team B', role: 'owner' });
      expect((await carol.get(`/api/teams/${teamB}/roles`)).body.roles).to.deep.equal([]);
      expect((await carol.get(`/api/teams/${teamB}/members`)).body.members.map((m: { email: string }) => m.email)).to.deep.equal([
        'carol@example.com',
      ]);
      expect((await carol.get(`/api/teams/${teamB}/servers`)).body.servers.map((s: { id: string }) => s.id)).to.deep.equal([serverB]);
      expect((await carol.get(`/api/teams/${teamB}/invites`)).body.invites.map((i: { id: string }) => i.id)).to.deep.equal([inviteB]);
    });

    it("applies a role change to a console that is open: the stream ends at once, and the member's next subscribe is refused", async () => {
      const role = await alice.post(`/api/teams/${teamA}/roles`, { name: 'Console', permissions: ['control.console'] });
      expect(role.status, JSON.stringify(role.body)).to.equal(201);
      const roleId = role.body.role.id as string;
      expect(
        (await alice.request('PUT', `/api/teams/${teamA}/members/${bobId}/role`, { body: { role: roleId } })).body.member,
      ).to.deep.include({ email: 'bob@example.com', role: roleId });
      const socket = await openSocket(t, bob, '/servers');
      try {
        expect((await socket.timeout(10_000).emitWithAck('server:subscribe', { serverId: serverA })).error).to.equal(undefined);
        const refused = new Promise<{ code: string; serverId: string }>((resolve) => socket.once('refused', resolve));
        // Replacing the role's keys is a role change for everyone holding it.
        expect(
          (await alice.request('PATCH', `/api/teams/${teamA}/roles/${roleId}`, { body: { permissions: ['file.read'] } })).status,
        ).to.equal(200);
        expect(await refused).to.deep.include({ code: 'deny', serverId: serverA });
        expect((await socket.timeout(10_000).emitWithAck('server:subscribe', { serverId: serverA })).error.code).to.equal('forbidden');

        // Given the console back and then removed from the team: the open stream ends with not_found.
        expect(
          (await alice.request('PATCH', `/api/teams/${teamA}/roles/${roleId}`, { body: { permissions: ['control.console'] } })).status,
        ).to.equal(200);
        expect((await socket.timeout(10_000).emitWithAck('server:subscribe', { serverId: serverA })).error).to.equal(undefined);
        const gone = new Promise<{ code: string; serverId: string }>((resolve) => socket.once('refused', resolve));
        expect((await alice.request('DELETE', `/api/teams/${teamA}/members/${bobId}`)).status).to.equal(204);
        expect(await gone).to.deep.include({ code: 'not_found', serverId: serverA });
        expect((await bob.get(`/api/servers/${serverA}`)).status).to.equal(404);
        expect((await bob.get(`/api/teams/${teamA}`)).status).to.equal(404);
        expect((await bob.get('/api/servers')).body.servers).to.deep.equal([]);
      } finally {
        socket.close();
      }
      // A role someone holds stays; one nobody holds goes.
      await addMember(t, teamA, bobId, roleId);
      expect((await alice.request('DELETE', `/api/teams/${teamA}/roles/${roleId}`)).body.error.code).to.equal('role_in_use');
      expect((await alice.request('PUT', `/api/teams/${teamA}/members/${bobId}/role`, { body: { role: 'member' } })).status).to.equal(200);
      expect((await alice.request('DELETE', `/api/teams/${teamA}/roles/${roleId}`)).status).to.equal(204);
    });

    it('refuses bad input with stable codes, unknown fields included, and stores nothing', async () => {
      const cases: Array<[string, string, object, number, string]> = [
        ['POST', '/api/teams', { name: '' }, 400, 'validation_failed'],
        ['POST', '/api/teams', { name: 'Sneaky', owner: carolId }, 400, 'validation_failed'],
        ['PATCH', `/api/teams/${teamA}`, { name: 'A', extra: true }, 400, 'validation_failed'],
        ['POST', `/api/teams/${teamA}/roles`, { name: 'Bad', permissions: ['control.everything'] }, 400, 'unknown_permission'],
        ['POST', `/api/teams/${teamA}/roles`, { name: 'Bad', permissions: ['control.console'], team: teamB }, 400, 'validation_failed'],
        ['PUT', `/api/teams/${teamA}/members/${bobId}/role`, { role: 'superuser' }, 400, 'validation_failed'],
        ['PUT', `/api/teams/${teamA}/members/${bobId}/role`, { role: '5d0a1b7e-0c1a-4a8e-9a7e-1c2d3e4f5a6b' }, 400, 'unknown_role'],
        [
          'POST',
          `/api/teams/${teamA}/servers`,
          { name: 'Bad', templateId: 'conductor-test', variables: { MOTD: 'x; rm -rf /' } },
          400,
          'invalid_variables',
        ],
        ['POST', `/api/teams/${teamA}/servers`, { name: 'Bad', templateId: 'conductor-test', nodeId: t.node.nodeId }, 403, 'forbidden'],
        ['POST', `/api/teams/${teamA}/servers/${serverA}/release`, { ownerId: carolId }, 400, 'not_a_member'],
        ['POST', `/api/teams/${teamA}/servers/${serverA}/release`, { ownerId: bobId, keep: true }, 400, 'validation_failed'],
        ['POST', `/api/teams/${teamA}/transfer`, { userId: aliceId }, 400, 'same_member'],
      ];
      for (const [method, path, body, status, code] of cases) {
        const res = await alice.request(method, path, { body });
        expect(res.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).to.equal(status);
        expect(res.body.error.code, `${method} ${path}`).to.equal(code);
      }
      expect((await alice.get('/api/teams/not-a-team')).body.error.code).to.equal('validation_failed');
      expect((await alice.get('/api/teams')).body.teams.map((x: { name: string }) => x.name)).to.deep.equal(['Team A']);
      expect((await alice.get(`/api/teams/${teamA}/roles`)).body.roles).to.deep.equal([]);
      expect((await alice.get(`/api/teams/${teamA}/servers`)).body.servers.map((s: { id: string }) => s.id)).to.deep.equal([serverA]);
      expect((await t.panel.request('GET', '/api/servers')).body.total, 'no half-made server').to.equal(2);
    });

    it('moves a server its owner holds into the team and out to a member; only its owner may give it', async () => {
      const own = await alice.post('/api/servers', { name: 'Alice own', templateId: 'conductor-test', memoryMb: 256 });
      expect(own.status, JSON.stringify(own.body)).to.equal(201);
      const serverP = own.body.id as string;
      expect((await bob.get(`/api/servers/${serverP}`)).status).to.equal(404);
      expect((await carol.request('PUT', `/api/teams/${teamB}/servers/${serverP}`)).body.error.code, 'not hers to give').to.equal(
        'not_found',
      );
      const moved = await alice.request('PUT', `/api/teams/${teamA}/servers/${serverP}`);
      expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
      expect((await alice.request('PUT', `/api/teams/${teamA}/servers/${serverP}`)).body.error.code).to.equal('not_found');
      expect((await bob.get(`/api/servers/${serverP}`)).status).to.equal(200);
      expect((await alice.get('/api/servers')).body.servers.map((s: { id: string }) => s.id).sort()).to.deep.equal(
        [serverA, serverP].sort(),
      );

      const out = await alice.post(`/api/teams/${teamA}/servers/${serverP}/release`, { ownerId: bobId });
      expect(out.status, JSON.stringify(out.body)).to.equal(204);
      expect((await bob.get(`/api/servers/${serverP}`)).body).to.deep.include({ ownerId: bobId });
      expect((await alice.get(`/api/servers/${serverP}`)).status, 'given away').to.equal(404);
      expect((await t.panel.request('GET', `/api/events?type=server.owner_changed&serverId=${serverP}`)).body.events[0].data).to.deep.equal(
        { from: aliceId, to: bobId },
      );
    });

    it("keeps the team's activity and declared events", async () => {
      const activity = (await bob.get(`/api/teams/${teamA}/activity`)).body.activity as Array<{ action: string; actor: string }>;
      expect(activity.map((a) => a.action)).to.include.members([
        'team.create',
        'team.server.add',
        'team.role.create',
        'team.member.role',
        'team.member.remove',
        'team.server.remove',
      ]);
      expect(activity.find((a) => a.action === 'team.create')!.actor).to.equal('alice@example.com');
      const types = (await t.panel.request('GET', '/api/events/types')).body.types.map((x: { type: string }) => x.type);
      expect(types).to.include.members([
        'team.created',
        'team.member_added',
        'team.member_role_changed',
        'team.member_removed',
        'team.ownership_transferred',
        'team.server_added',
        'team.server_removed',
      ]);
      const created = (await t.panel.request('GET', '/api/events?type=team.created')).body.events;
      expect(created.map((e: { data: { teamId: string } }) => e.data.teamId)).to.include.members([teamA, teamB]);
    });

    it('keeps one owner when two owners demote each other at the same moment', async () => {
      const doraId = (await t.createUser(`dora-${database}@example.com`)).id;
      const eveId = (await t.createUser(`eve-${database}@example.com`)).id;
      const [dora, eve] = await Promise.all([t.signIn(`dora-${database}@example.com`), t.signIn(`eve-${database}@example.com`)]);
      for (let round = 0; round < 5; round++) {
        const team = await createTeam(dora, `Race ${round}`);
        await addMember(t, team, eveId, 'owner');
        const answers = await Promise.all([
          dora.request('PUT', `/api/teams/${team}/members/${eveId}/role`, { body: { role: 'admin' } }),
          eve.request('PUT', `/api/teams/${team}/members/${doraId}/role`, { body: { role: 'admin' } }),
        ]);
        // The later one finds either the last owner (409) or that its caller is no owner any more (403).
        expect(answers.map((a) => a.status).sort(), JSON.stringify(answers.map((a) => a.body))).to.deep.equal([
          200,
          answers.find((a) => a.status !== 200)!.status,
        ]);
        expect(answers.find((a) => a.status !== 200)!.body.error.code).to.be.oneOf(['last_owner', 'forbidden']);
        const roles = ((await dora.get(`/api/teams/${team}/members`)).body.members as Array<{ role: string }>).map((m) => m.role).sort();
        expect(roles, `round ${round}`).to.deep.equal(['admin', 'owner']);
      }
    });

    it('describes its routes in the OpenAPI document, with the request schemas it validates', async () => {
      const doc = (await t.panel.request('GET', '/api/openapi.json')).body;
      for (const path of [
        '/api/teams',
        '/api/teams/{teamId}/members/{userId}/role',
        '/api/teams/{teamId}/invites',
        '/api/teams/invites/accept',
        '/api/teams/{teamId}/servers/{serverId}/release',
      ])
        expect(Object.keys(doc.paths)).to.include(path);
      const role = doc.paths['/api/teams/{teamId}/members/{userId}/role'].put;
      expect(JSON.stringify(role.requestBody)).to.contain('owner').and.contain('admin').and.contain('member');
      expect(role.responses).to.include.keys('200', '400', '404', '409');
      const result = await validate(structuredClone(doc));
      expect(result.valid, result.valid ? '' : compileErrors(result)).to.equal(true);
    });

    it('protects the last owner: no leaving, no removal, no demotion; an owner hands over first', async () => {
      const leave = await alice.request('DELETE', `/api/teams/${teamA}/members/${aliceId}`);
      expect(leave.status).to.equal(409);
      expect(leave.body.error.code).to.equal('last_owner');
      expect(
        (await alice.request('PUT', `/api/teams/${teamA}/members/${aliceId}/role`, { body: { role: 'admin' } })).body.error.code,
      ).to.equal('last_owner');
      expect((await alice.request('PUT', `/api/teams/${teamA}/members/${bobId}/role`, { body: { role: 'admin' } })).status).to.equal(200);
      // An admin does not touch an owner.
      expect((await bob.request('DELETE', `/api/teams/${teamA}/members/${aliceId}`)).status).to.equal(403);
      expect((await bob.request('PUT', `/api/teams/${teamA}/members/${bobId}/role`, { body: { role: 'owner' } })).status).to.equal(403);
      expect((await bob.post(`/api/teams/${teamA}/transfer`, { userId: bobId })).status).to.equal(403);

      expect((await alice.post(`/api/teams/${teamA}/transfer`, { userId: bobId })).status).to.equal(204);
      const members = (await bob.get(`/api/teams/${teamA}/members`)).body.members as Array<{ email: string; role: string }>;
      expect(Object.fromEntries(members.map((m) => [m.email, m.role]))).to.deep.equal({
        'alice@example.com': 'admin',
        'bob@example.com': 'owner',
      });
      expect((await bob.request('DELETE', `/api/teams/${teamA}/members/${bobId}`)).body.error.code).to.equal('last_owner');
      expect((await alice.request('DELETE', `/api/teams/${teamA}/members/${aliceId}`)).status).to.equal(204);
      expect((await alice.get('/api/teams')).body.teams).to.deep.equal([]);
      expect((await alice.get(`/api/servers/${serverA}`)).status, 'the team server stays with the team').to.equal(404);
      expect((await bob.get(`/api/servers/${serverA}`)).status).to.equal(200);
      // A team with servers is not deleted; the server must go first.
      expect((await bob.request('DELETE', `/api/teams/${teamA}`)).body.error.code).to.equal('team_has_servers');
    });
  });
}
