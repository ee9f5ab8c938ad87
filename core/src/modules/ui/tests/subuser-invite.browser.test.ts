import { expect } from 'chai';
import { PASSWORD } from '../../accounts/tests/fixtures.js';
import { tokenFrom } from '../../accounts/tests/mailbox.js';
import { createServerFor } from '../../servers/tests/server-fixtures.js';
import { useUiWorld } from './ui-world.js';

describe('inviting a subuser by email in a real browser (Chromium)', function () {
  this.timeout(240_000);
  const world = useUiWorld('invite-ui-node');

  it('offers an invite for an address with no account; the mailed link makes the account, which then sees the server', async () => {
    const { t, node, pages } = world;
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
