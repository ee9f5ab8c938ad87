import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { BrowserPages, buildPanelUi, launchChromium, until } from '@conductor/test';
import { PASSWORD, startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { tokenFrom } from '../../../../core/src/modules/accounts/tests/mailbox.js';
import teamsPlugin from '../index.js';

/** The Teams page (switcher and dashboard) and the invite page in Chromium, against a real panel and its real mail path. */
describe('teams UI in a real browser (Chromium): switcher, dashboard, invites accepted and signed up from', function () {
  this.timeout(180_000);
  let t: AccountsPanel;
  let pages: BrowserPages;

  before(async () => {
    pages = new BrowserPages(await launchChromium(), () => t.panel.url);
    buildPanelUi();
    t = await startAccountsPanel('sqlite', { plugins: [teamsPlugin] });
    await t.createUser('alice@example.org');
    await t.createUser('dana@example.org');
  });
  after(async () => {
    await pages?.close();
    await t?.close();
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
    expect((await members(alice)).join('\n')).to.contain('dana@example.org').and.contain('erin@example.org');
    await alice.getByLabel('Role of dana@example.org').selectOption('admin');
    // Asked as Alice (her page's cookies): the change reached the API.
    const [team] = ((await (await alice.request.get(`${t.panel.url}/api/teams`)).json()) as { teams: Array<{ id: string }> }).teams;
    await until('Dana is an admin', async () => {
      const { members: list } = (await (await alice.request.get(`${t.panel.url}/api/teams/${team!.id}/members`)).json()) as { members: Array<{ email: string; role: string }> };
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
    await alice.getByLabel('Team').selectOption({ label: 'Crafters' });
    await until('Crafters shown', async () => (await members(alice)).length === 3);
    await alice.reload();
    await until('Crafters still shown', async () => (await members(alice)).length === 3);
    expect(await alice.getByLabel('Team').inputValue()).to.equal((await alice.getByLabel('Team').locator('option', { hasText: 'Crafters' }).getAttribute('value'))!);
    expect(pages.errors).to.deep.equal([]);
  });
});
