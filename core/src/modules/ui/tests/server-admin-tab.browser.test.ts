import { expect } from 'chai';
import { until } from './browser-helpers.js';
import { useUiWorld } from './ui-world.js';

describe("the server page's Admin tab in a real browser: limits, owner, suspend, reinstall, move and delete in one place", function () {
  this.timeout(240_000);
  const world = useUiWorld('admin-tab');

  it('lets an admin suspend, lift the suspension and delete a server from the Admin tab; its owner has no such tab', async () => {
    const { t, node, pages } = world;
    const admin = await t.createUser('tab-admin@example.org', { role: 'admin' });
    const owner = await t.createUser('tab-owner@example.org');
    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Governed', templateId: 'conductor-test', nodeId: node.nodeId, ownerId: owner.id },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as string;
    await until('installed', async () => (await t.panel.request('GET', `/api/servers/${id}`)).body.state === 'offline', 60_000);

    const ownerPage = await pages.newPage();
    await pages.signIn(ownerPage, owner.email);
    await ownerPage.goto(`${t.panel.url}/servers/${id}`);
    const ownerTabs = ownerPage.getByRole('navigation', { name: 'Server sections' });
    await ownerTabs.getByRole('link', { name: 'Settings' }).waitFor();
    expect(await ownerTabs.getByRole('link', { name: 'Admin', exact: true }).count()).to.equal(0);

    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/servers/${id}`);
    await page.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Admin', exact: true }).click();
    await page.waitForURL(/\/admin$/);
    expect(await page.getByRole('link', { name: 'Open the owner’s account' }).getAttribute('href')).to.equal(`/admin/users/${owner.id}`);
    await page.getByTestId('resources').waitFor();
    await page.getByRole('heading', { name: 'Reinstall' }).first().waitFor();

    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await page.getByText('Suspended: stopped, and its owner cannot start it.').waitFor();
    expect((await t.panel.request('GET', `/api/servers/${id}`)).body.suspended).to.equal(true);
    await page.getByRole('button', { name: 'Lift the suspension' }).click();
    await page.getByRole('button', { name: 'Suspend', exact: true }).waitFor();
    expect((await t.panel.request('GET', `/api/servers/${id}`)).body.suspended).to.equal(false);

    await page.getByRole('button', { name: 'Delete server' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/servers$/);
    await until('the server gone', async () => (await t.panel.request('GET', `/api/servers/${id}`)).status === 404, 60_000);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
