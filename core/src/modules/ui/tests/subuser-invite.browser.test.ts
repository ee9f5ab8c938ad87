import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { buildPanelUi, launchChromium, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { PASSWORD, startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { tokenFrom } from '../../accounts/tests/mailbox.js';
import { createServerFor, deleteAllServers } from '../../servers/tests/server-fixtures.js';
import { BrowserPages } from './browser-helpers.js';

describe('inviting a subuser by email in a real browser (Chromium)', function () {
  this.timeout(240_000);
  let t: AccountsPanel;
  let node: TestNode;
  let browser: Browser;
  let pages: BrowserPages;

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    await testImage();
    t = await startAccountsPanel('sqlite');
    node = await startNodeFor(t.panel, { name: 'invite-ui-node' });
    pages = new BrowserPages(browser, t.panel.url);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    await deleteAllServers(t.panel);
    await t?.close();
    await node?.close();
  });

  it('offers an invite for an address with no account; the mailed link makes the account, which then sees the server', async () => {
    const owner = await t.createUser('invite-owner@example.org');
    const serverId = await createServerFor(t.panel, owner.id, node.nodeId, 'Invited to');
    const page = await pages.newPage();
    await pages.signIn(page, owner.email);
    await page.goto(`${t.panel.url}/servers/${serverId}/users`);
    await page.getByLabel('Email').fill('friend@example.org');
    await page.getByLabel('See the console and send commands', { exact: true }).check();
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByText('Invite friend@example.org by email instead?').waitFor();
    await page.getByRole('button', { name: 'Send invite' }).click();
    await page.getByText('Invite sent to friend@example.org. The link works once and for 7 days.').waitFor();

    const token = tokenFrom(await t.mailbox.waitFor('friend@example.org', /invited to a game server/), '/subuser-invite');
    const friend = await pages.newPage();
    await friend.goto(`${t.panel.url}/subuser-invite?token=${token}`);
    await friend.getByText('Choose a password for friend@example.org.').waitFor();
    await friend.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await friend.getByLabel('Repeat the password').fill(PASSWORD);
    await friend.getByRole('button', { name: 'Create account' }).click();
    await friend.getByText('Your account friend@example.org is ready and has access to the server.').waitFor();
    await pages.shoot(friend, 'subuser-invite-desktop-light');

    await pages.signIn(friend, 'friend@example.org');
    await friend.locator('tr[data-server="Invited to"]').waitFor();

    // The link is spent: the page says so in words.
    const again = await pages.newPage();
    await again.goto(`${t.panel.url}/subuser-invite?token=${token}`);
    expect(await again.getByRole('alert').innerText()).to.equal('This invite was already used.');
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
