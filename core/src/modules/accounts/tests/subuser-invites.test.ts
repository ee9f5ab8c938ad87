import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { createServerFor, deleteAllServers } from '../../servers/tests/server-fixtures.js';
import { PASSWORD, startAccountsPanel, type AccountsPanel } from './fixtures.js';
import { tokenFrom } from './mailbox.js';

for (const database of DATABASES) {
  describe(`subusers invited by email (${database})`, function () {
    this.timeout(180_000);
    let t: AccountsPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: `invites-${database}` });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    it('mails a single-use link to an address with no account; signing up from it makes the account and the grant', async () => {
      const owner = await t.createUser(`invite-owner-${database}@example.org`);
      const existing = await t.createUser(`invite-existing-${database}@example.org`);
      const stranger = await t.createUser(`invite-stranger-${database}@example.org`);
      const serverId = await createServerFor(t.panel, owner.id, node.nodeId, 'Shared by mail');
      const ob = await t.signIn(owner.email);
      const invites = `/api/auth/servers/${serverId}/subuser-invites`;
      const newcomer = `newcomer-${database}@example.org`;

      // Bad input and the wrong people: refused, nothing sent.
      for (const [body, status, code] of [
        [{ email: newcomer, permissions: ['control.console'], role: 'admin' }, 400, 'validation_failed'],
        [{ email: 'not an address', permissions: ['control.console'] }, 400, 'validation_failed'],
        [{ email: newcomer, permissions: ['no.such-key'] }, 400, undefined],
        [{ email: existing.email, permissions: ['control.console'] }, 409, 'account_exists'],
      ] as const) {
        const res = await ob.post(invites, body);
        expect(res.status, JSON.stringify(body)).to.equal(status);
        if (code) expect(res.body.error.code).to.equal(code);
      }
      expect((await (await t.signIn(stranger.email)).post(invites, { email: newcomer, permissions: ['control.console'] })).status).to.equal(
        404,
      );

      const sent = await ob.post(invites, { email: newcomer, permissions: ['control.console', 'control.start'] });
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
      expect(sent.body.invite).to.deep.include({ email: newcomer, permissions: ['control.console', 'control.start'] });
      expect((await ob.post(invites, { email: newcomer, permissions: ['control.console'] })).body.error.code).to.equal('invite_pending');
      const token = tokenFrom(await t.mailbox.waitFor(newcomer, /invited to a game server/), '/subuser-invite');

      const anyone = t.browser();
      expect((await anyone.post('/api/auth/subuser-invites/preview', { token })).body).to.deep.include({ email: newcomer });
      expect((await anyone.post('/api/auth/subuser-invites/preview', { token: 'x'.repeat(43) })).status).to.equal(404);
      expect((await anyone.post('/api/auth/subuser-invites/signup', { token, password: 'short' })).status).to.equal(400);
      const made = await anyone.post('/api/auth/subuser-invites/signup', { token, password: PASSWORD });
      expect(made.status, JSON.stringify(made.body)).to.equal(201);
      expect(made.body.serverId).to.equal(serverId);

      const nb = await t.signIn(newcomer);
      const access = await nb.get(`/api/auth/servers/${serverId}/permissions`);
      expect(access.body).to.deep.equal({ owner: false, permissions: ['control.console', 'control.start'] });
      expect((await nb.get('/api/servers')).body.servers.map((s: { id: string }) => s.id)).to.deep.equal([serverId]);
      const subusers = (await ob.get(`/api/auth/servers/${serverId}/subusers`)).body.subusers as Array<{ email: string }>;
      expect(subusers.map((s) => s.email)).to.deep.equal([newcomer]);

      // Single use: the link is spent.
      const again = await t.browser().post('/api/auth/subuser-invites/signup', { token, password: PASSWORD });
      expect([again.status, again.body.error.code]).to.deep.equal([410, 'invite_used']);
    });
  });
}
