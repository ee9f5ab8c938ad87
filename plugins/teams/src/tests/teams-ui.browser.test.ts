import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { BrowserPages, buildPanelUi, launchChromium, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { deleteAllServers } from '../../../../core/src/modules/servers/tests/server-fixtures.js';
import { PASSWORD, startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { tokenFrom } from '../../../../core/src/modules/accounts/tests/mailbox.js';
import teamsPlugin from '../index.js';

/** The Teams page (switcher and dashboard) and the invite page in Chromium, against a real panel and its real mail path. */
describe('teams UI in a real browser (Chromium): switcher, dashboard, invites accepted and signed up from', function () {
  this.timeout(180_000);
  let t: AccountsPanel;
  let pages: BrowserPages;
  let node: TestNode;

  before(async () => {
    pages = new BrowserPages(await launchChromium(), () => t.panel.url);
    buildPanelUi();
    t = await startAccountsPanel('sqlite', { plugins: [teamsPlugin] });
    await t.createUser('alice@example.org');
    await t.createUser('dana@example.org');
    await testImage();
    node = await startNodeFor(t.panel, { name: 'teams-ui' });
  });
  after(async () => {
    await pages?.close();
    if (t) await deleteAllServers(t.panel).catch(() => undefined);
    await t?.close();
    await node?.close();
  });

  /** The link of the newest invite mail to an address, as the reader would click it. */
  async function inviteLink(email: string, count: number): Promise<string> {
    const mail = await t.mailbox.waitFor(email, /invited to the team/, { count });
    return `${t.panel.url}/p/team-invite?token=${tokenFrom(mail, '/p/team-invite')}`;
  }

  const members = (page: Page) => page.locator('[data-test="members"] li').allInnerTexts();

  it('creates a team, invites an existing account and a newcomer, and both join from the mail; the owner changes a role and adds a custom role', async () => {
    const alice = await pages.newPage();
    await pages.signIn(alice, 'alice@example.org', PASSWORD);
    await alice.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Teams' }).click();
    await alice.getByText('You are in no team yet.').waitFor();
    await alice.getByRole('button', { name: 'New team' }).click();
    await alice.getByLabel('Name', { exact: true }).fill('Crafters');
    await alice.getByRole('button', { name: 'New team' }).last().click();
    await alice.getByText('Your role: Owner').waitFor();
    await alice.locator('[data-test="members"] li').filter({ hasText: 'alice@example.org' }).waitFor();

    for (const email of ['dana@example.org', 'erin@example.org']) {
      await alice.getByLabel('Email address').fill(email);
      await alice.getByRole('button', { name: 'Send invite' }).click();
      await alice.locator('[data-test="invites"] li').filter({ hasText: email }).waitFor();
    }

    // Dana has an account: she signs in and joins from the link.
    const dana = await pages.newPage();
    await pages.signIn(dana, 'dana@example.org', PASSWORD);
    const danaLink = await inviteLink('dana@example.org', 1);
    await dana.goto(danaLink);
    await dana.getByText('You are invited to join the team “Crafters” as Member.').waitFor();
    await dana.getByRole('button', { name: 'Join the team' }).click();
    await dana.waitForURL(/\/p\/teams$/);
    await dana.getByText('Your role: Member').waitFor();
    expect(await dana.locator('[data-test="invite-form"]').count(), 'a member sends no invites').to.equal(0);

    // The same link again: refused with a sentence.
    await dana.goto(danaLink);
    expect(await dana.locator('[data-test="invite-error"]').innerText()).to.equal('This invite was already answered.');

    // Erin has no account: she makes one from the invite, without signing in first.
    const erin = await pages.newPage();
    await erin.goto(await inviteLink('erin@example.org', 1));
    await erin.getByText('There is no account for erin@example.org yet: choose a password to create it and join.').waitFor();
    await erin.getByLabel('Password').fill(PASSWORD);
    await erin.getByRole('button', { name: 'Create account and join' }).click();
    await erin.locator('[data-test="invite-done"]').waitFor();
    await pages.signIn(erin, 'erin@example.org', PASSWORD);
    await erin.goto(`${t.panel.url}/p/teams`);
    await erin.getByText('Your role: Member').waitFor();

    // The owner sees both, makes Dana an admin and adds a role made of server keys.
    await alice.reload();
    await alice.locator('[data-test="members"] li').nth(2).waitFor();
    expect((await members(alice)).join('\n'))
      .to.contain('dana@example.org')
      .and.contain('erin@example.org');
    await alice.getByLabel('Role of dana@example.org').selectOption('admin');
    // Asked as Alice (her page's cookies): the change reached the API.
    const [team] = ((await (await alice.request.get(`${t.panel.url}/api/teams`)).json()) as { teams: Array<{ id: string }> }).teams;
    await until('Dana is an admin', async () => {
      const { members: list } = (await (await alice.request.get(`${t.panel.url}/api/teams/${team!.id}/members`)).json()) as {
        members: Array<{ email: string; role: string }>;
      };
      return list.some((m) => m.email === 'dana@example.org' && m.role === 'admin');
    });
    await alice.getByLabel('Role name').fill('Console');
    await alice.locator('[data-key="control.console"]').check();
    await alice.getByRole('button', { name: 'Add role' }).click();
    await alice.locator('[data-test="roles"] li').filter({ hasText: 'Console' }).waitFor();
    await dana.goto(`${t.panel.url}/p/teams`);
    await dana.getByText('Your role: Admin').waitFor();
    await dana.locator('[data-test="invite-form"]').waitFor();
    expect(pages.errors).to.deep.equal([]);
  });

  it('switches between teams with the team switcher, and remembers the choice', async () => {
    const alice = await pages.newPage();
    await pages.signIn(alice, 'alice@example.org', PASSWORD);
    await alice.goto(`${t.panel.url}/p/teams`);
    await alice.getByRole('button', { name: 'New team' }).click();
    await alice.getByLabel('Name', { exact: true }).fill('Builders');
    await alice.getByRole('button', { name: 'New team' }).last().click();
    await alice.locator('[data-test="members"] li').first().waitFor();
    await until('the new team shown', async () => (await members(alice)).length === 1);
    await alice.getByLabel('Team', { exact: true }).selectOption({ label: 'Crafters' });
    await until('Crafters shown', async () => (await members(alice)).length === 3);
    await alice.reload();
    await until('Crafters still shown', async () => (await members(alice)).length === 3);
    expect(await alice.getByLabel('Team', { exact: true }).inputValue()).to.equal(
      (await alice.getByLabel('Team', { exact: true }).locator('option', { hasText: 'Crafters' }).getAttribute('value'))!,
    );
    expect(pages.errors).to.deep.equal([]);
  });

  it('creates a server for the team, gives it back to a member, and makes an API key that reaches only the team', async () => {
    const alice = await pages.newPage();
    await pages.signIn(alice, 'alice@example.org', PASSWORD);
    await alice.goto(`${t.panel.url}/p/teams`);
    await alice.getByLabel('Team', { exact: true }).selectOption({ label: 'Crafters' });
    const teams = ((await (await alice.request.get(`${t.panel.url}/api/teams`)).json()) as { teams: Array<{ id: string; name: string }> })
      .teams;
    const crafters = teams.find((x) => x.name === 'Crafters')!.id;
    await alice.getByLabel('Server name').fill('Shared world');
    await alice.getByLabel('Template').selectOption('conductor-test');
    await alice.getByRole('button', { name: 'Create server for the team' }).click();
    const row = alice.locator('[data-test="team-servers"] li').filter({ hasText: 'Shared world' });
    await row.waitFor();
    const serverId = (await row.getByRole('link', { name: 'Shared world' }).getAttribute('href'))!.split('/').pop()!;
    await alice.getByLabel('Give Shared world to').selectOption({ label: 'dana@example.org' });
    await row.getByRole('button', { name: 'Give back' }).click();
    await alice.getByText('The team owns no servers yet.').waitFor();
    const { members: list } = (await (await alice.request.get(`${t.panel.url}/api/teams/${crafters}/members`)).json()) as {
      members: Array<{ userId: string; email: string }>;
    };
    expect((await t.panel.request('GET', `/api/servers/${serverId}`)).body.ownerId).to.equal(
      list.find((m) => m.email === 'dana@example.org')!.userId,
    );

    await alice.getByLabel('Key name').fill('CI');
    await alice.getByRole('button', { name: 'Create key' }).click();
    const key = (await alice.locator('[data-test="team-key"] code').innerText()).trim();
    await alice.locator('[data-test="team-keys"] li').filter({ hasText: 'CI' }).waitFor();
    const seen = await t.panel.request('GET', '/api/teams', { headers: { authorization: `Bearer ${key}` } });
    expect(seen.body.teams.map((x: { name: string }) => x.name)).to.deep.equal(['Crafters']);
    expect(pages.errors).to.deep.equal([]);
  });
});
