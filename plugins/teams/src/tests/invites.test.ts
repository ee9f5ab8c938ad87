import { expect } from 'chai';
import { asValue } from 'awilix';
import { DATABASES } from '@conductor/test';
import { PASSWORD, startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { tokenFrom } from '../../../../core/src/modules/accounts/tests/mailbox.js';
import { MovableClock } from '@conductor/test';
import teamsPlugin from '../index.js';
import { createTeam } from './fixture.js';

for (const database of DATABASES) {
  describe(`teams: invites by mail (${database})`, function () {
    this.timeout(60_000);
    let t: AccountsPanel;
    let clock: MovableClock;
    let alice: Browser;
    let teamId: string;

    /** Alice invites an address; the token is the one in the mail that address received. */
    async function invite(email: string, role = 'member'): Promise<{ id: string; token: string }> {
      const before = t.mailbox.to(email, /invited/).length;
      const res = await alice.post(`/api/teams/${teamId}/invites`, { email, role });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const mail = await t.mailbox.waitFor(email, /invited to the team Crafters/, { count: before + 1 });
      return { id: res.body.invite.id, token: tokenFrom(mail, '/p/team-invite') };
    }

    before(async () => {
      t = await startAccountsPanel(database, { plugins: [teamsPlugin] });
      clock = new MovableClock();
      t.panel.kernel.containerOf('teams').register({ teamClock: asValue(clock) });
      await t.createUser('alice@example.com');
      alice = await t.signIn('alice@example.com');
      teamId = await createTeam(alice, 'Crafters');
    });
    after(() => t?.close());

    it('lets only the invited, verified account accept, once; a forwarded link is refused and the invite stays open', async () => {
      const danaId = (await t.createUser('dana@example.com')).id;
      await t.createUser('mallory@example.com');
      const { token } = await invite('Dana@Example.com');
      const mallory = await t.signIn('mallory@example.com');
      const forwarded = await mallory.post('/api/teams/invites/accept', { token });
      expect(forwarded.status).to.equal(403);
      expect(forwarded.body.error.code).to.equal('invite_wrong_account');
      expect((await mallory.get('/api/teams')).body.teams).to.deep.equal([]);

      const dana = await t.signIn('dana@example.com');
      expect((await dana.post('/api/teams/invites/preview', { token })).body.invite).to.deep.include({
        teamName: 'Crafters',
        email: 'dana@example.com',
        role: 'member',
        accountExists: true,
      });
      const accepted = await dana.post('/api/teams/invites/accept', { token });
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
      expect(accepted.body).to.deep.equal({ teamId });
      expect((await dana.get('/api/teams')).body.teams).to.have.length(1);
      expect(
        (await dana.get(`/api/teams/${teamId}/members`)).body.members.find((m: { userId: string }) => m.userId === danaId),
      ).to.deep.include({ role: 'member' });

      for (const who of [dana, mallory]) {
        const reused = await who.post('/api/teams/invites/accept', { token });
        expect(reused.status).to.equal(410);
        expect(reused.body.error.code).to.equal('invite_used');
      }
      // Only a hash of the token is stored.
      const rows = await t.panel.kernel.db('team_invites').select();
      expect(JSON.stringify(rows)).to.not.contain(token);
    });

    it('refuses an expired invite (7 days by default), and an address that is not verified yet', async () => {
      await t.createUser('frank@example.com');
      const { token } = await invite('frank@example.com');
      const frank = await t.signIn('frank@example.com');
      clock.advance(7 * 86_400_000 + 1000);
      try {
        for (const res of [
          await frank.post('/api/teams/invites/accept', { token }),
          await frank.post('/api/teams/invites/preview', { token }),
        ]) {
          expect(res.status).to.equal(410);
          expect(res.body.error.code).to.equal('invite_expired');
        }
        expect((await alice.get(`/api/teams/${teamId}/invites`)).body.invites.map((i: { email: string }) => i.email)).to.not.include(
          'frank@example.com',
        );
      } finally {
        clock.set(new Date());
      }
      expect((await frank.get('/api/teams')).body.teams).to.deep.equal([]);

      await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: true } });
      const signup = await t.browser().post('/api/auth/signup', { email: 'ulla@example.com', password: PASSWORD });
      expect(signup.status, JSON.stringify(signup.body)).to.equal(201);
      const unverified = await invite('ulla@example.com');
      const ulla = await t.signIn('ulla@example.com');
      const refused = await ulla.post('/api/teams/invites/accept', { token: unverified.token });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('email_unverified');
    });

    it('lets the invitee decline with the link alone, and the team withdraw an open invite', async () => {
      const declined = await invite('gina@example.com');
      expect((await t.browser().post('/api/teams/invites/decline', { token: declined.token })).status).to.equal(204);
      expect((await t.browser().post('/api/teams/invites/decline', { token: declined.token })).body.error.code).to.equal('invite_used');

      const revoked = await invite('hank@example.com');
      expect((await alice.get(`/api/teams/${teamId}/invites`)).body.invites.map((i: { email: string }) => i.email)).to.include(
        'hank@example.com',
      );
      expect((await alice.request('DELETE', `/api/teams/${teamId}/invites/${revoked.id}`)).status).to.equal(204);
      expect((await alice.request('DELETE', `/api/teams/${teamId}/invites/${revoked.id}`)).body.error.code).to.equal('invite_answered');
      expect((await alice.get(`/api/teams/${teamId}/invites`)).body.invites.map((i: { email: string }) => i.email)).to.not.include(
        'hank@example.com',
      );
      await t.createUser('hank@example.com');
      const hank = await t.signIn('hank@example.com');
      const res = await hank.post('/api/teams/invites/accept', { token: revoked.token });
      expect(res.status).to.equal(410);
      expect(res.body.error.code).to.equal('invite_revoked');
    });

    it('lets someone without an account sign up from the invite and join; the address counts as verified', async () => {
      const { token } = await invite('erin@example.com', 'admin');
      const anonymous = t.browser();
      expect((await anonymous.post('/api/teams/invites/preview', { token })).body.invite).to.deep.include({
        email: 'erin@example.com',
        role: 'admin',
        accountExists: false,
      });
      const short = await anonymous.post('/api/teams/invites/signup', { token, password: 'short' });
      expect(short.body.error.code).to.equal('validation_failed');
      const made = await anonymous.post('/api/teams/invites/signup', { token, password: PASSWORD });
      expect(made.status, JSON.stringify(made.body)).to.equal(201);
      expect(made.body.teamId).to.equal(teamId);
      const erin = await t.signIn('erin@example.com');
      expect((await erin.get('/api/teams')).body.teams).to.deep.equal([
        { id: teamId, name: 'Crafters', createdAt: (await alice.get(`/api/teams/${teamId}`)).body.team.createdAt, role: 'admin' },
      ]);
      expect((await anonymous.post('/api/teams/invites/signup', { token, password: PASSWORD })).body.error.code).to.equal('invite_used');
    });

    it("leaves an expired open invite to garbage collection, which removes only that one on the admin's word", async () => {
      const old = await invite('gc-old@example.com');
      clock.advance(8 * 86_400_000);
      try {
        const fresh = await invite('gc-new@example.com');
        const teamInvites = (items: Array<{ kind: string; id: string; reaped: boolean }>) =>
          items.filter((i) => i.kind === 'expired_token' && i.id.startsWith('team_invite:'));
        const scan = await t.panel.request('POST', '/api/servers/gc/scan', { body: {} });
        expect(scan.status, JSON.stringify(scan.body)).to.equal(200);
        const listed = teamInvites(scan.body.items).map((i) => i.id);
        expect(listed).to.include(`team_invite:${old.id}`);
        expect(listed).to.not.include(`team_invite:${fresh.id}`);
        const reap = await t.panel.request('POST', '/api/servers/gc/reap', { body: { confirm: true } });
        expect(teamInvites(reap.body.items).every((i) => i.reaped)).to.equal(true);
        const left = await t.panel.kernel.db('team_invites').whereIn('id', [old.id, fresh.id]).pluck('id');
        expect(left).to.deep.equal([fresh.id]);
      } finally {
        clock.set(new Date());
      }
    });

    it('refuses bad invites with stable codes and sends nothing', async () => {
      const before = t.mailbox.messages.length;
      await t.createUser('member@example.com');
      for (const [body, status, code] of [
        [{ email: 'not-an-address' }, 400, 'validation_failed'],
        [{ email: 'x@example.com', role: 'member', note: 'hi' }, 400, 'validation_failed'],
        [{ email: 'x@example.com', role: '5d0a1b7e-0c1a-4a8e-9a7e-1c2d3e4f5a6b' }, 400, 'unknown_role'],
        [{ email: 'dana@example.com' }, 409, 'already_member'],
      ] as const) {
        const res = await alice.post(`/api/teams/${teamId}/invites`, body);
        expect(res.status, JSON.stringify(body)).to.equal(status);
        expect(res.body.error.code).to.equal(code);
      }
      await invite('twice@example.com');
      expect((await alice.post(`/api/teams/${teamId}/invites`, { email: 'twice@example.com' })).body.error.code).to.equal('invite_pending');
      expect((await t.browser().post('/api/teams/invites/accept', { token: 'x'.repeat(43) })).status).to.equal(401);
      expect((await alice.post('/api/teams/invites/accept', { token: 'x'.repeat(43) })).body.error.code).to.equal('invite_not_found');
      expect(t.mailbox.messages.length).to.equal(before + 1);
      // A member (not an admin) neither sees nor sends invites.
      const dana = await t.signIn('dana@example.com');
      expect((await dana.get(`/api/teams/${teamId}/invites`)).status).to.equal(403);
      expect((await dana.post(`/api/teams/${teamId}/invites`, { email: 'y@example.com' })).status).to.equal(403);
    });
  });
}
