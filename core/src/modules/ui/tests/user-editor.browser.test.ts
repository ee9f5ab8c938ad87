import { expect } from 'chai';
import { totpCode } from '../../accounts/tests/fixtures.js';
import { until } from './browser-helpers.js';
import { useUiWorld } from './ui-world.js';

describe("the admin's account page in a real browser: email, a password reset mail, a lost authenticator, the account's servers", function () {
  this.timeout(240_000);
  const world = useUiWorld('user-editor');

  it("changes the address (a taken one is refused), mails a reset link, turns 2FA off, and lists the account's servers", async () => {
    const { t, node, pages } = world;
    const admin = await t.createUser('people-keeper@example.org', { role: 'admin' });
    await t.createUser('taken@example.org');
    const player = await t.createUser('lost-phone@example.org');
    const own = await t.signIn(player.email);
    const setup = await own.post('/api/auth/2fa/setup');
    expect((await own.post('/api/auth/2fa/confirm', { code: await totpCode(setup.body.secret) })).status).to.equal(200);
    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Lost phone world', templateId: 'conductor-test', nodeId: node.nodeId, ownerId: player.id },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);

    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/admin/users/${player.id}`);
    await page.getByTestId('user-servers').getByRole('link', { name: 'Lost phone world' }).waitFor();

    const address = page.getByLabel('Email', { exact: true });
    await address.fill('taken@example.org');
    await page.getByRole('button', { name: 'Change email' }).click();
    await page.getByText('An account with this email address exists.').waitFor();
    await address.fill('found-phone@example.org');
    await page.getByRole('button', { name: 'Change email' }).click();
    await page.getByText('The email address is changed.').waitFor();
    await page.getByRole('heading', { name: 'found-phone@example.org', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Send a password reset' }).click();
    await page.getByText('A link to set a new password was mailed to found-phone@example.org.').waitFor();
    await t.mailbox.waitFor('found-phone@example.org', /Reset your password/);

    await page.getByRole('button', { name: 'Reset two-factor' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reset two-factor' }).click();
    await page.getByText('Two-factor authentication is off for this account.').waitFor();
    // Signing in with the password alone works again, under the new address.
    await t.signIn('found-phone@example.org');
    await until('no 2FA in the account list', async () => {
      const list = await t.panel.request('GET', '/api/admin/users?limit=500');
      const found = (list.body.users as Array<{ id: string; email: string; twoFactorEnabled: boolean }>).find((u) => u.id === player.id);
      return found?.email === 'found-phone@example.org' && found.twoFactorEnabled === false;
    });
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
