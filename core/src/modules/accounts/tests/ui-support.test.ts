import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import type { Browser } from './browser.js';
import { startAccountsPanel, type AccountsPanel } from './fixtures.js';
import { serversFixture } from './servers-fixture.js';

/** The small routes the panel UI needs to show only what a person may use. */
for (const database of DATABASES) {
  describe(`accounts: what the panel UI asks before drawing a page (${database})`, () => {
    let t: AccountsPanel;
    let owner: Browser;
    let helper: Browser;
    let stranger: Browser;
    let admin: Browser;

    before(async () => {
      const fixture = serversFixture();
      t = await startAccountsPanel(database, { plugins: [fixture.plugin] });
      await t.createUser('owner@example.com');
      await t.createUser('helper@example.com');
      await t.createUser('stranger@example.com');
      await t.createUser('admin@example.com', { role: 'admin' });
      [owner, helper, stranger, admin] = await Promise.all([
        t.signIn('owner@example.com'),
        t.signIn('helper@example.com'),
        t.signIn('stranger@example.com'),
        t.signIn('admin@example.com'),
      ]);
      expect((await owner.post('/api/fixture-servers', { id: 'srv-1', name: 'Lobby' })).status).to.equal(201);
      expect(
        (
          await owner.post('/api/auth/servers/srv-1/subusers', {
            email: 'helper@example.com',
            permissions: ['control.console', 'webhook.*'],
          })
        ).status,
      ).to.equal(201);
      fixture.teamKeys.set(`srv-1:${(await helper.get('/api/auth/me')).body.user.id}`, ['activity.read']);
    });
    after(() => t.close());

    let allKeys: string[];
    before(async () => {
      allKeys = (await owner.get('/api/auth/permission-keys')).body.keys;
    });

    it("tells each caller the keys they hold on a server: all for owner and admin, the grant (and a team's keys) for a subuser, 404 for anyone else", async () => {
      expect((await owner.get('/api/auth/servers/srv-1/permissions')).body).to.deep.equal({ owner: true, permissions: allKeys });
      expect((await admin.get('/api/auth/servers/srv-1/permissions')).body).to.deep.equal({ owner: true, permissions: allKeys });
      expect((await helper.get('/api/auth/servers/srv-1/permissions')).body, 'wildcards spelled out, sorted').to.deep.equal({
        owner: false,
        permissions: ['activity.read', 'control.console', 'webhook.manage', 'webhook.read'],
      });
      for (const [who, b] of [
        ['stranger', stranger],
        ['admin', admin],
      ] as const) {
        const res = await b.get(`/api/auth/servers/${who === 'admin' ? 'srv-404' : 'srv-1'}/permissions`);
        expect(res.status, who).to.equal(404);
        expect(res.body).to.deep.equal({ error: { code: 'not_found', message: 'No such server' } });
      }
      expect((await t.browser().get('/api/auth/servers/srv-1/permissions')).status).to.equal(401);
    });

    it('keeps a time zone per user: set, shown by /me, cleared; a made-up zone refused with nothing stored', async () => {
      expect((await helper.get('/api/auth/me')).body.user.timeZone).to.equal(null);
      const set = await helper.request('PATCH', '/api/auth/me', { body: { timeZone: 'Europe/Berlin' } });
      expect(set.status, JSON.stringify(set.body)).to.equal(200);
      expect(set.body.user.timeZone).to.equal('Europe/Berlin');
      const bad = await helper.request('PATCH', '/api/auth/me', { body: { timeZone: 'Mars/Olympus_Mons' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('invalid_timezone');
      expect((await helper.get('/api/auth/me')).body.user.timeZone, 'the refused change left the old zone').to.equal('Europe/Berlin');
      expect((await owner.get('/api/auth/me')).body.user.timeZone, "another user's zone is untouched").to.equal(null);
      expect((await helper.request('PATCH', '/api/auth/me', { body: { timeZone: null } })).body.user.timeZone).to.equal(null);
      expect((await t.browser().request('PATCH', '/api/auth/me', { body: { timeZone: 'UTC' } })).status).to.equal(401);
    });

    it("lists every active plugin's keys for the subuser form, by group with labels in English and German", async () => {
      const res = await helper.get('/api/auth/permission-keys');
      expect(res.status).to.equal(200);
      expect(res.body.keys).to.include.members(['control.console', 'user.create', 'webhook.manage', 'activity.read']);
      expect(res.body.keys, 'keys for features that do not exist are gone').to.not.include.members([
        'database.read',
        'allocation.read',
        'file.sftp',
      ]);
      const groups = new Map<
        string,
        { plugin: string; label: { en: string; de: string }; keys: Array<{ key: string; implies: string[] }> }
      >(res.body.groups.map((g: { group: string }) => [g.group, g]));
      expect(groups.get('user')).to.include({ plugin: 'auth' });
      expect(groups.get('user')!.label).to.deep.equal({ en: 'Users', de: 'Benutzer' });
      expect(groups.get('activity')!.plugin).to.equal('activity');
      expect(groups.get('webhook')!.keys.find((k) => k.key === 'webhook.manage')!.implies).to.deep.equal(['webhook.read']);
      expect(res.body.groups.flatMap((g: { keys: Array<{ key: string }> }) => g.keys.map((k) => k.key))).to.deep.equal(res.body.keys);
    });

    it('says without signing in whether sign-up is open, and follows the admin setting', async () => {
      const anonymous = t.browser();
      // A fresh panel: closed until an admin chooses (registration-choice.test.ts).
      expect((await anonymous.get('/api/auth/signup')).body).to.deep.equal({ registrationOpen: false });
      expect((await admin.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: true } })).status).to.equal(200);
      expect((await anonymous.get('/api/auth/signup')).body).to.deep.equal({ registrationOpen: true });
      expect((await admin.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: false } })).status).to.equal(200);
      expect((await anonymous.get('/api/auth/signup')).body).to.deep.equal({ registrationOpen: false });
      const refused = await anonymous.post('/api/auth/signup', { email: 'new@example.com', password: 'long enough password' });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code, 'the documented code, so the page can say it in the reader’s language').to.equal(
        'registration_closed',
      );
      expect((await admin.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: true } })).status).to.equal(200);
      expect((await anonymous.get('/api/auth/signup')).body).to.deep.equal({ registrationOpen: true });
    });
  });
}
