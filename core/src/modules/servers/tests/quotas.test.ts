import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';

const NO_LIMITS = { servers: null, memoryMb: null, cpuPercent: null, diskMb: null, backups: null };

for (const database of DATABASES) {
  describe(`quotas on what an account's servers hold (${database})`, function () {
    this.timeout(180_000);
    let t: AccountsPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: `quotas-${database}`, ports: 6 });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    const serverCount = async () => (await t.panel.request('GET', '/api/servers?limit=1000')).body.total as number;
    const small = (name: string) => ({ name, templateId: 'conductor-test', memoryMb: 512, cpuPercent: 100, diskMb: 1024 });

    it('refuses a create past the default or the account quota with 409 quota_exceeded naming the limit, leaving nothing behind, and shows the user their usage', async () => {
      const setDefault = await t.panel.request('PUT', '/api/admin/settings/quota', { body: { servers: 1 } });
      expect(setDefault.body).to.deep.equal({ ...NO_LIMITS, servers: 1 });
      const user = await t.createUser(`quota-${database}@example.org`);
      const browser = await t.signIn(user.email);

      expect((await browser.post('/api/servers', small('First'))).status).to.equal(201);
      const before = await serverCount();
      const second = await browser.post('/api/servers', small('Second'));
      expect([second.status, second.body.error.code, second.body.error.details]).to.deep.equal([
        409,
        'quota_exceeded',
        { limit: 'servers', quota: 1, used: 1, requested: 1 },
      ]);
      expect(await serverCount(), 'no half-made server').to.equal(before);

      // The account's own quota replaces the default.
      const own = await t.panel.request('PUT', `/api/admin/users/${user.id}/quota`, { body: { servers: 5, memoryMb: 768 } });
      expect(own.status, JSON.stringify(own.body)).to.equal(200);
      expect(own.body.source).to.equal('account');
      const tooBig = await browser.post('/api/servers', small('Too big'));
      expect([tooBig.status, tooBig.body.error.code, tooBig.body.error.details?.limit]).to.deep.equal([409, 'quota_exceeded', 'memoryMb']);
      expect(await serverCount()).to.equal(before);

      const mine = await browser.get('/api/account/quota');
      expect(mine.status).to.equal(200);
      expect(mine.body).to.deep.equal({
        limits: { ...NO_LIMITS, servers: 5, memoryMb: 768 },
        source: 'account',
        usage: { servers: 1, memoryMb: 512, cpuPercent: 100, diskMb: 1024, backups: 0 },
      });

      // Back on the default.
      expect((await t.panel.request('DELETE', `/api/admin/users/${user.id}/quota`)).body.source).to.equal('default');
    });

    it("refuses an admin's limits change that takes the owner past their quota, with the container and record unchanged", async () => {
      const user = await t.createUser(`limits-quota-${database}@example.org`);
      await t.panel.request('PUT', `/api/admin/users/${user.id}/quota`, { body: { cpuPercent: 150 } });
      const browser = await t.signIn(user.email);
      const created = await browser.post('/api/servers', small('Capped'));
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const raised = await t.panel.request('PUT', `/api/servers/${created.body.id}/limits`, { body: { cpuPercent: 200 } });
      expect([raised.status, raised.body.error.code, raised.body.error.details?.limit]).to.deep.equal([
        409,
        'quota_exceeded',
        'cpuPercent',
      ]);
      expect((await browser.get(`/api/servers/${created.body.id}`)).body.cpuPercent).to.equal(100);
      // Lowering is always allowed, and so is a change within the quota.
      expect((await t.panel.request('PUT', `/api/servers/${created.body.id}/limits`, { body: { cpuPercent: 150 } })).status).to.equal(200);
    });

    it('lets exactly one of two creates racing for the last server through', async () => {
      const user = await t.createUser(`race-${database}@example.org`);
      await t.panel.request('PUT', `/api/admin/users/${user.id}/quota`, { body: { servers: 1 } });
      const browser = await t.signIn(user.email);
      const results = await Promise.all([browser.post('/api/servers', small('Race A')), browser.post('/api/servers', small('Race B'))]);
      expect(results.map((r) => r.status).sort()).to.deep.equal([201, 409]);
      expect((await browser.get('/api/account/quota')).body.usage.servers).to.equal(1);
    });

    it('exempts administrators, and refuses unknown fields, bad limits and unknown accounts', async () => {
      const admin = await t.createUser(`quota-admin-${database}@example.org`, { role: 'admin' });
      const adminBrowser = await t.signIn(admin.email);
      const exempt = await adminBrowser.get('/api/account/quota');
      expect([exempt.body.source, exempt.body.limits]).to.deep.equal(['exempt', NO_LIMITS]);

      const user = await t.createUser(`quota-input-${database}@example.org`);
      const unknown = await t.panel.request('PUT', `/api/admin/users/${user.id}/quota`, { body: { servers: 1, swapMb: 5 } });
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([400, 'validation_failed']);
      const negative = await t.panel.request('PUT', '/api/admin/settings/quota', { body: { memoryMb: -1 } });
      expect([negative.status, negative.body.error.code]).to.deep.equal([400, 'validation_failed']);
      const nobody = await t.panel.request('PUT', '/api/admin/users/00000000-0000-4000-8000-000000000000/quota', { body: {} });
      expect(nobody.status).to.equal(404);
      expect((await t.panel.request('GET', `/api/admin/users/${user.id}/quota`)).body.source, 'nothing was stored').to.equal('default');
      const byUser = await (await t.signIn(user.email)).request('PUT', `/api/admin/users/${user.id}/quota`, { body: {} });
      expect(byUser.status).to.equal(403);
    });
  });
}
