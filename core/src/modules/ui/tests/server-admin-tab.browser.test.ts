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
    await page.getByTestId('transfer').waitFor();
    await page.getByRole('heading', { name: 'Reinstall' }).first().waitFor();
    // One place each: the admin's Settings tab holds neither the limits nor the move.
    await page.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Name', exact: true }).waitFor();
    expect(await page.getByTestId('resources').count(), 'no Resources card in Settings').to.equal(0);
    expect(await page.getByTestId('transfer').count(), 'no Move card in Settings').to.equal(0);
    await page.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Admin', exact: true }).click();

    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await page.getByText('Suspended: stopped, and its owner cannot start it.').waitFor();
    expect((await t.panel.request('GET', `/api/servers/${id}`)).body.suspended).to.equal(true);
    await page.getByRole('button', { name: 'Lift the suspension' }).click();
    await page.getByRole('button', { name: 'Suspend', exact: true }).waitFor();
    expect((await t.panel.request('GET', `/api/servers/${id}`)).body.suspended).to.equal(false);

    await page.getByRole('button', { name: 'Delete server' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/servers$/);
    // The server's page is gone with it: a note on the list says what happened, read out through a live region.
    await page.getByRole('status', { name: 'Notifications' }).getByText('Governed is deleted.').waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.getByTestId('toast').count()).to.equal(0);
    await until('the server gone', async () => (await t.panel.request('GET', `/api/servers/${id}`)).status === 404, 60_000);
    expect(pages.pageErrors).to.deep.equal([]);
  });

  it('lets an admin give the server to another account from the Admin tab, refuses an unknown address in words, and the Activity tab says who got it', async () => {
    const { t, node, pages } = world;
    const admin = await t.createUser('owner-admin@example.org', { role: 'admin' });
    const before = await t.createUser('owner-before@example.org');
    const after = await t.createUser('owner-after@example.org');
    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Handed', templateId: 'conductor-test', nodeId: node.nodeId, ownerId: before.id },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as string;

    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/servers/${id}/admin`);
    const card = page.getByTestId('owner');
    await card.getByLabel('Email of the new owner').fill('nobody@example.org');
    await card.getByRole('button', { name: 'Give to another account' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Give to another account' }).click();
    await card.getByRole('alert').filter({ hasText: 'No account uses that email address' }).waitFor();
    expect((await t.panel.request('GET', `/api/servers/${id}`)).body.ownerId).to.equal(before.id);

    await card.getByLabel('Email of the new owner').fill(after.email);
    await card.getByRole('button', { name: 'Give to another account' }).click();
    await page.getByRole('dialog').getByText(`Give Handed to ${after.email}?`).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Give to another account' }).click();
    await card.getByText(`The server now belongs to ${after.email}.`).waitFor();
    expect((await t.panel.request('GET', `/api/servers/${id}`)).body.ownerId).to.equal(after.id);
    expect(await card.getByRole('link', { name: 'Open the owner’s account' }).getAttribute('href')).to.equal(`/admin/users/${after.id}`);

    await page.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('cell', { name: `Gave the server to ${after.email} (owner before: ${before.email})` }).waitFor();
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
