import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { up as recordOldDefault } from '../migrations/005_registration_choice.js';
import { PASSWORD, startAccountsPanel, type AccountsPanel } from './fixtures.js';

const settings = async (t: AccountsPanel) => (await t.panel.request('GET', '/api/admin/settings/auth')).body;
const signUp = (t: AccountsPanel, email: string) => t.browser().post('/api/auth/signup', { email, password: PASSWORD });
const accountsNamed = async (t: AccountsPanel, email: string) =>
  (await t.panel.kernel.db('users').where({ email_normalized: email })).length;

/** Open or closed sign-up is an admin's explicit choice on a fresh panel, and upgrades keep what they had. */
for (const database of DATABASES) {
  describe(`accounts: sign-up is the admin's explicit first-run choice (${database})`, () => {
    let t: AccountsPanel;
    before(async () => {
      t = await startAccountsPanel(database);
    });
    after(() => t.close());

    it('keeps sign-up closed on a fresh panel until an admin chooses, then follows the choice', async () => {
      expect(await settings(t)).to.deep.equal({ registrationOpen: false, registrationChosen: false, requireTwoFactor: 'off' });
      expect((await t.browser().get('/api/auth/signup')).body).to.deep.equal({ registrationOpen: false });
      const refused = await signUp(t, 'early@example.com');
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('registration_closed');
      expect(await accountsNamed(t, 'early@example.com')).to.equal(0);

      // Choosing closed is a choice too: the question is answered, sign-up stays shut.
      const closed = await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: false } });
      expect(closed.body).to.deep.include({ registrationOpen: false, registrationChosen: true });
      expect((await signUp(t, 'early@example.com')).status).to.equal(403);

      const open = await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: true } });
      expect(open.body).to.deep.include({ registrationOpen: true, registrationChosen: true });
      expect((await signUp(t, 'early@example.com')).status).to.equal(201);
      expect(await accountsNamed(t, 'early@example.com')).to.equal(1);
    });

    it('refuses setting "chosen" by hand: it follows from storing a choice', async () => {
      const res = await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationChosen: false } });
      expect(res.status).to.equal(400);
      expect((await settings(t)).registrationChosen).to.equal(true);
    });

    it('an install that already has accounts keeps open sign-up through the upgrade; one without stays unchosen', async () => {
      await t.panel.kernel.db('auth_settings').where({ key: 'registrationOpen' }).delete();
      expect((await settings(t)).registrationChosen).to.equal(false);
      await recordOldDefault(t.panel.kernel.db);
      expect(await settings(t)).to.deep.include({ registrationOpen: true, registrationChosen: true });
    });
  });
}
