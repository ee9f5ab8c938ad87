import { expect } from 'chai';
import { chooseLocale } from './browser-helpers.js';
import { useUiWorld } from './ui-world.js';

describe('quotas in a real browser (Chromium): the default and an account’s own set by an admin, the usage shown to the user', function () {
  this.timeout(240_000);
  const world = useUiWorld('quota-ui-node', 2);

  it('saves the default quota and a user’s own from the users pages, and shows the user their usage against it in English and German', async () => {
    const { t, node, pages } = world;
    const admin = await t.createUser('quota-admin@example.org', { role: 'admin' });
    const user = await t.createUser('quota-player@example.org');
    const adminPage = await pages.newPage();
    await pages.signIn(adminPage, admin.email);
    await adminPage.goto(`${t.panel.url}/admin/users`);

    const defaults = adminPage.locator('.card', { has: adminPage.getByRole('heading', { name: 'Default quota' }) });
    await defaults.getByLabel('Servers').fill('1');
    await defaults.getByRole('button', { name: 'Save default quota' }).click();
    await defaults.getByText('Saved.').waitFor();
    expect((await t.panel.request('GET', '/api/admin/settings/quota')).body).to.include({ servers: 1, memoryMb: null });

    await adminPage.getByRole('link', { name: user.email }).click();
    await adminPage.getByRole('heading', { name: user.email }).waitFor();
    await adminPage.getByText('This account follows the default quota.').waitFor();
    await adminPage.getByLabel('Servers', { exact: true }).fill('3');
    await adminPage.getByLabel('Memory (MB)').fill('1024');
    await adminPage.getByRole('button', { name: 'Save as this account’s quota' }).click();
    await adminPage.getByText('This account has its own quota.').waitFor();
    await pages.shoot(adminPage, 'admin-user-quota-desktop-light');
    expect((await t.panel.request('GET', `/api/admin/users/${user.id}/quota`)).body.limits).to.include({
      servers: 3,
      memoryMb: 1024,
      diskMb: null,
    });

    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Counted', templateId: 'conductor-test', ownerId: user.id, nodeId: node.nodeId, memoryMb: 512 },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);

    const userPage = await pages.newPage();
    await pages.signIn(userPage, user.email);
    await userPage.goto(`${t.panel.url}/account`);
    const card = userPage.locator('#quota');
    await card.getByRole('heading', { name: 'Your quota' }).waitFor();
    expect(await card.getByTestId('quota-memoryMb').innerText()).to.equal('512 of 1024');
    expect(await card.getByTestId('quota-servers').innerText()).to.equal('1 of 3');
    expect(await card.getByTestId('quota-diskMb').innerText()).to.match(/^10240 \(no limit\)$/);
    await pages.shoot(userPage, 'account-quota-desktop-light');

    await chooseLocale(userPage, 'de');
    await userPage.reload();
    await card.getByRole('heading', { name: 'Dein Kontingent' }).waitFor();
    expect(await card.getByTestId('quota-memoryMb').innerText()).to.equal('512 von 1024');
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
