import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { startAccountsPanel, totpCode, type AccountsPanel } from './fixtures.js';

for (const database of DATABASES) {
  describe(`an admin's edits of an account: email, reset mail, 2FA reset (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;

    before(async () => {
      t = await startAccountsPanel(database);
    });
    after(() => t?.close());

    const userById = async (id: string) =>
      (
        (await t.panel.request('GET', '/api/admin/users?limit=500')).body.users as Array<{
          id: string;
          email: string;
          twoFactorEnabled: boolean;
        }>
      ).find((u) => u.id === id);

    it('changes the address, and refuses a taken one (any case) or an unknown field without writing anything', async () => {
      await t.createUser('holder@example.org');
      const user = await t.createUser('before@example.org');
      const taken = await t.panel.request('PATCH', `/api/admin/users/${user.id}`, { body: { email: 'Holder@Example.org', role: 'admin' } });
      expect(taken.status).to.equal(409);
      expect(taken.body.error.code).to.equal('email_taken');
      const unknown = await t.panel.request('PATCH', `/api/admin/users/${user.id}`, { body: { email: 'x@example.org', nickname: 'x' } });
      expect(unknown.status).to.equal(400);
      expect(await userById(user.id)).to.include({ email: 'before@example.org' });
      expect(
        (await t.panel.request('GET', '/api/admin/users?limit=500')).body.users.find((u: { id: string }) => u.id === user.id).role,
      ).to.equal('user');

      const changed = await t.panel.request('PATCH', `/api/admin/users/${user.id}`, { body: { email: 'After@example.org' } });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body.user.email).to.equal('After@example.org');
      await t.signIn('after@example.org');
    });

    it('mails a reset link on request, and 404s for no such account', async () => {
      const user = await t.createUser('forgetful@example.org');
      expect((await t.panel.request('POST', `/api/admin/users/${user.id}/password-reset`, { body: {} })).status).to.equal(204);
      await t.mailbox.waitFor('forgetful@example.org', /Reset your password/);
      const missing = await t.panel.request('POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/password-reset', { body: {} });
      expect(missing.status).to.equal(404);
    });

    it('turns 2FA off for an account that has it, and answers 409 two_factor_disabled when it is off', async () => {
      const user = await t.createUser('phoneless@example.org');
      const own = await t.signIn(user.email);
      const setup = await own.post('/api/auth/2fa/setup');
      await own.post('/api/auth/2fa/confirm', { code: await totpCode(setup.body.secret) });
      expect((await userById(user.id))!.twoFactorEnabled).to.equal(true);
      expect((await t.panel.request('DELETE', `/api/admin/users/${user.id}/two-factor`)).status).to.equal(204);
      expect((await userById(user.id))!.twoFactorEnabled).to.equal(false);
      await t.signIn(user.email);
      const again = await t.panel.request('DELETE', `/api/admin/users/${user.id}/two-factor`);
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('two_factor_disabled');
    });
  });
}
