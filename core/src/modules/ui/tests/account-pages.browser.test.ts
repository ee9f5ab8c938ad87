import { expect } from 'chai';
import type { Page } from 'playwright-core';
import {
  answerConfirm,
  BrowserPages,
  buildPanelUi,
  launchChromium,
  PHONE,
  startNodeFor,
  testImage,
  until,
  type TestNode,
} from '@conductor/test';
import { PASSWORD, startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { tokenFrom } from '../../accounts/tests/mailbox.js';
import { chooseLocale } from './browser-helpers.js';

const NEW_PASSWORD = 'a brand new passphrase';

/**
 * The account pages in Chromium against a real panel: mails go through nodemailer to a real SMTP
 * server (the accounts tests' mailbox), and the subuser part runs a real agent and the test image.
 */
describe('account pages in a real browser (Chromium): sign-up, reset, verification, sessions, subusers, security settings', function () {
  this.timeout(240_000);
  let t: AccountsPanel;
  let node: TestNode;
  let pages: BrowserPages;
  let serverId: string | null = null;

  const url = (path: string) => `${t.panel.url}${path}`;
  /** The link of a mail, opened on this panel rather than on PUBLIC_URL (http://panel.test). */
  const linkIn = async (to: string, subject: RegExp, path: string, count = 1) =>
    `${path}?token=${tokenFrom(await t.mailbox.waitFor(to, subject, { count }), path)}`;
  const serverTabs = (page: Page) => page.getByRole('navigation', { name: 'Server sections' }).getByRole('link').allInnerTexts();

  before(async () => {
    pages = new BrowserPages(await launchChromium(), () => t.panel.url);
    buildPanelUi();
    await testImage();
    // Every first-party plugin, as `npm start` runs them: the subuser page offers their keys.
    t = await startAccountsPanel('sqlite', { discover: true });
    node = await startNodeFor(t.panel, { name: 'accounts-node' });
  });
  after(async () => {
    await pages?.close();
    if (serverId) {
      await t.panel.request('POST', `/api/servers/${serverId}/power/kill`).catch(() => undefined);
      await t.panel.request('DELETE', `/api/servers/${serverId}`).catch(() => undefined);
    }
    await t?.close();
    await node?.close();
  });

  it('on a fresh panel keeps sign-up closed and asks the first admin who may create an account until answered', async () => {
    const visitor = await pages.newPage();
    await visitor.goto(url('/signup'));
    await visitor.getByText('Sign-up is closed on this panel.').waitFor();

    const admin = await t.createUser('first-admin@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email, PASSWORD);
    const question = page.getByRole('region', { name: 'Who may create an account?' });
    await question.waitFor();
    await pages.shoot(page, 'first-run-registration-choice-desktop-light');
    // Not a one-off notice: it stays above other pages until answered.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(await question.isVisible()).to.equal(true);
    await question.getByRole('button', { name: 'Anyone: open sign-up' }).click();
    await question.waitFor({ state: 'detached' });
    expect((await t.panel.request('GET', '/api/admin/settings/auth')).body).to.deep.include({
      registrationOpen: true,
      registrationChosen: true,
    });
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
    expect(await page.getByLabel('Anyone may create an account (open sign-up)').isChecked()).to.equal(true);
    expect(await question.count()).to.equal(0);
  });

  it('signs up from the sign-in page, is asked to confirm the address, confirms it with the mailed link, and the link works once', async () => {
    const page = await pages.newPage();
    await page.goto(url('/login'));
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await page.getByLabel('Email').fill('newcomer@example.org');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill('something else entirely');
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await page.getByRole('alert').innerText()).to.equal('The two passwords are not the same.');
    expect((await t.panel.request('GET', '/api/admin/users')).body.users.map((u: { email: string }) => u.email)).to.not.include(
      'newcomer@example.org',
    );
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Your account is ready. We sent a link to newcomer@example.org').waitFor();
    await pages.shoot(page, 'signup-desktop-light');

    // Signed in, the account page says the address is not confirmed yet.
    await pages.signIn(page, 'newcomer@example.org', PASSWORD);
    await page.goto(url('/account'));
    await page.getByTestId('email-not-verified').getByText('Your email address newcomer@example.org is not confirmed yet').waitFor();
    const link = await linkIn('newcomer@example.org', /Confirm your email address/, '/verify-email');
    await page.goto(url(link));
    await page.getByText('Your email address is confirmed. Thank you!').waitFor();
    await pages.shoot(page, 'verify-email-desktop-light');
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(await page.getByTestId('email-not-verified').count()).to.equal(0);
    const me = (await t.panel.request('GET', '/api/admin/users')).body.users.find(
      (u: { email: string }) => u.email === 'newcomer@example.org',
    );
    expect(me.emailVerified).to.equal(true);

    // The same link again: a sentence, not a raw error.
    const again = await pages.newPage();
    await again.goto(url(link));
    expect(await again.getByRole('alert').innerText()).to.equal('This link is invalid, expired or already used. Ask for a new one.');
  });

  it('hides sign-up when an admin closes registration on the security page, and makes an application key there', async () => {
    const admin = await t.createUser('security-admin@example.org', { role: 'admin' });
    const page = await pages.newPage({ colorScheme: 'dark' });
    await pages.signIn(page, admin.email, PASSWORD);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Security settings' }).waitFor();
    const open = page.getByLabel('Anyone may create an account (open sign-up)');
    expect(await open.isChecked()).to.equal(true);
    await open.uncheck();
    expect(await page.getByLabel('Two-factor authentication is required for').inputValue()).to.equal('off');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    expect((await t.panel.request('GET', '/api/admin/settings/auth')).body).to.deep.equal({
      registrationOpen: false,
      registrationChosen: true,
      requireTwoFactor: 'off',
    });

    // An application key: shown once, works on the admin API, revoked.
    await page.getByLabel('Name', { exact: true }).fill('billing-sync');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByTestId('new-api-key').innerText();
    expect(key).to.match(/^cdr_a_/);
    expect((await fetch(url('/api/admin/users'), { headers: { authorization: `Bearer ${key}` } })).status).to.equal(200);
    await pages.shoot(page, 'admin-security-desktop-dark');
    await page.getByRole('button', { name: 'Revoke' }).click();
    await answerConfirm(page);
    await page.getByText('You have no API keys.').waitFor();
    expect((await fetch(url('/api/admin/users'), { headers: { authorization: `Bearer ${key}` } })).status).to.equal(401);

    // A visitor whose browser speaks German: no sign-up link, and the page says why, in German.
    const visitor = await pages.newPage({ locale: 'de-DE' });
    await visitor.goto(url('/login'));
    await visitor.getByRole('link', { name: 'Passwort vergessen?' }).waitFor();
    expect(await visitor.getByRole('link', { name: 'Konto anlegen' }).count()).to.equal(0);
    await visitor.goto(url('/signup'));
    await visitor.getByText('Die Registrierung ist auf diesem Panel geschlossen.').waitFor();
    expect(await visitor.getByRole('button', { name: 'Konto anlegen' }).count()).to.equal(0);
    await pages.shoot(visitor, 'signup-closed-desktop-light-de');

    await page.getByLabel('Anyone may create an account (open sign-up)').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await until(
      'registration open again',
      async () => (await t.panel.request('GET', '/api/admin/settings/auth')).body.registrationOpen === true,
    );
  });

  it('resets a forgotten password through the mailed link, which signs out every session, then signs in with the new password', async () => {
    const user = await t.createUser('forgetful@example.org');
    const elsewhere = await t.signIn(user.email);
    const page = await pages.newPage({ viewport: PHONE });
    await page.goto(url('/login'));
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    // The sign-in page has an Email field too: fill the one on the reset page, once it is there.
    await page.getByRole('button', { name: 'Send the link' }).waitFor();
    await page.getByLabel('Email').fill(user.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText(`If an account uses ${user.email}, a link to reset its password is on its way.`).waitFor();
    await pages.shoot(page, 'forgot-password-phone-light');

    await page.goto(url(await linkIn(user.email, /Reset your password/, '/reset-password')));
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password').fill('short');
    await page.getByLabel('Repeat the password').fill('short');
    await page.getByRole('button', { name: 'Set password' }).click();
    expect(await page.getByRole('alert').innerText()).to.equal('The new password needs at least 10 characters.');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the password').fill(NEW_PASSWORD);
    await pages.shoot(page, 'reset-password-phone-light');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is set and every session of the account was signed out.').waitFor();
    expect((await elsewhere.get('/api/auth/me')).status, 'the other session ended').to.equal(401);

    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await page.getByRole('alert').innerText(), 'the old password is gone').to.equal('Email or password is wrong.');
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/servers$/);
    await t.mailbox.waitFor(user.email, /Your password was changed/);
  });

  it('keeps a time zone chosen on the account page', async () => {
    const user = await t.createUser('traveller@example.org');
    const page = await pages.newPage();
    await pages.signIn(page, user.email, PASSWORD);
    await page.goto(url('/account'));
    const select = page.getByLabel('Time zone');
    expect(await select.inputValue(), 'nothing chosen yet').to.equal('');
    await select.selectOption('Asia/Tokyo');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Preferences saved.').waitFor();
    const me = (await t.panel.request('GET', '/api/admin/users')).body.users.find((u: { email: string }) => u.email === user.email);
    expect(me.timeZone).to.equal('Asia/Tokyo');
    await page.reload();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(await page.getByLabel('Time zone').inputValue()).to.equal('Asia/Tokyo');
  });

  it('deletes the own account from the account page: a wrong password is refused with a sentence, the right one deletes it and signs the browser out', async () => {
    const user = await t.createUser('leaving@example.org');
    const listed = async () =>
      (await t.panel.request('GET', '/api/admin/users')).body.users.some((u: { email: string }) => u.email === user.email);
    const page = await pages.newPage();
    await pages.signIn(page, user.email, PASSWORD);
    await page.goto(url('/account'));
    const card = page.getByRole('region', { name: 'Delete my account' });
    await card.getByRole('button', { name: 'Delete my account…' }).click();
    await card.getByLabel('Your password').fill('not the password at all');
    await card.getByRole('button', { name: 'Delete my account for good' }).click();
    const confirmed = await answerConfirm(page);
    expect(await card.getByRole('alert').innerText()).to.equal('The password is wrong. Your account was not deleted.');
    expect(confirmed).to.equal(`Really delete the account ${user.email}? This cannot be undone.`);
    expect(await card.getByLabel('Your password').getAttribute('aria-invalid')).to.equal('true');
    expect(await listed(), 'a wrong password deletes nothing').to.equal(true);
    await pages.shoot(page, 'account-delete-desktop-light');

    await card.getByLabel('Your password').fill(PASSWORD);
    await card.getByRole('button', { name: 'Delete my account for good' }).click();
    await answerConfirm(page);
    await page.waitForURL(/\/login\?deleted=1$/);
    await page.getByText('Your account was deleted.').waitFor();
    expect(await listed(), 'the account is gone').to.equal(false);
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).status), 'the browser is signed out').to.equal(401);
    await page.goto(url('/account'));
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByTestId('sign-out').count()).to.equal(0);
  });

  it('lists the sessions on the account page; ending one signs that browser out, and "end all other sessions" the rest', async () => {
    const user = await t.createUser('many-browsers@example.org');
    const [a, b, c] = [await pages.newPage(), await pages.newPage(), await pages.newPage()];
    for (const p of [a, b, c]) await pages.signIn(p, user.email, PASSWORD);
    await a.goto(url('/account'));
    const rows = a.getByTestId('sessions').locator('tbody tr');
    await until('three sessions listed', async () => (await rows.count()) === 3);
    expect(await a.locator('tr[data-current="true"]').innerText()).to.contain('This browser');
    await pages.shoot(a, 'account-sessions-desktop-light');

    await a
      .getByRole('button', { name: /^End the session of Chrome on Linux, last active / })
      .first()
      .click();
    await until('one session ended', async () => (await rows.count()) === 2);

    // Whichever of b and c lost its session goes back to sign-in on its next request; the other stays.
    const signedOut = async (p: Page) => {
      await p.goto(url('/account'));
      await p.getByRole('heading', { name: /^(Your account|Sign in)$/ }).waitFor();
      return /\/login/.test(p.url());
    };
    const outcome = [await signedOut(b), await signedOut(c)];
    expect(outcome.filter(Boolean), 'exactly one browser was signed out').to.have.length(1);
    const survivor = outcome[0] ? c : b;
    await survivor.getByRole('heading', { name: 'Your account' }).waitFor();

    await a.getByRole('button', { name: 'End all other sessions' }).click();
    await a.getByText('Every other session was ended.').waitFor();
    expect(await rows.count()).to.equal(1);
    expect(await signedOut(survivor), 'the last other browser is signed out too').to.equal(true);
    expect(await signedOut(a), 'this browser stays signed in').to.equal(false);
  });

  it('lets an owner add a subuser with a few permissions; the subuser sees only those tabs and buttons, and loses the server when removed', async () => {
    const owner = await t.createUser('server-owner@example.org');
    const helper = await t.createUser('helper@example.org');
    const api = await t.signIn(owner.email);
    const created = await api.post('/api/servers', { name: 'Shared', templateId: 'conductor-test' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    serverId = created.body.id as string;

    const page = await pages.newPage();
    await pages.signIn(page, owner.email, PASSWORD);
    await page.goto(url(`/servers/${serverId}/users`));
    await page.getByText('Nobody else has access to this server.').waitFor();
    await page.getByLabel('Email').fill('nobody@example.org');
    await page.getByLabel('See the console and send commands', { exact: true }).check();
    await page.getByRole('button', { name: 'Add user' }).click();
    expect(await page.getByRole('alert').innerText()).to.equal('No account uses that email address. The person needs to sign up first.');

    await page.getByLabel('Email').fill(helper.email);
    await page.getByLabel('Start the server', { exact: true }).check();
    await page.getByLabel('See the activity log', { exact: true }).check();
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByText(`${helper.email} was added.`).waitFor();
    const row = page.locator(`tr[data-subuser="${helper.email}"]`);
    // The list reloads after the notice: wait for the new row's keys before reading them.
    await until("the new subuser's three keys", async () => (await row.locator('.chips li').count()) === 3);
    expect(await row.locator('.chips li').allInnerTexts()).to.have.members([
      'See the console and send commands',
      'Start the server',
      'See the activity log',
    ]);
    // Change: a whole group ticked with one box.
    await row.getByRole('button', { name: 'Change permissions' }).click();
    await page
      .getByRole('form', { name: `Permissions of ${helper.email}` })
      .getByLabel('All of “Webhooks”')
      .check();
    await page
      .getByRole('form', { name: `Permissions of ${helper.email}` })
      .getByRole('button', { name: 'Save' })
      .click();
    await row.locator('.chips li').filter({ hasText: 'See webhooks and their delivery log' }).waitFor();
    const grant = (await api.get(`/api/auth/servers/${serverId}/subusers`)).body.subusers[0];
    expect(grant.permissions).to.have.members(['control.console', 'control.start', 'activity.read', 'webhook.read', 'webhook.manage']);
    await pages.shoot(page, 'server-users-desktop-light');
    // The labels are the owners' own declarations, in the person's language: the schedules module's group and backups' keys in German.
    await chooseLocale(page, 'de');
    await page.reload();
    await page.getByText('Zeitpläne', { exact: true }).first().waitFor();
    // Backups' keys arrive with the plugin's own catalogue, which may render after the core groups.
    await page.getByLabel('Backups herunterladen', { exact: true }).first().waitFor();
    await chooseLocale(page, 'en');
    await page.reload();
    await row.getByRole('button', { name: 'Remove' }).waitFor();

    // The subuser: the tabs and the one power button their keys allow, nothing else.
    const hp = await pages.newPage();
    await pages.signIn(hp, helper.email, PASSWORD);
    await hp.locator('tr[data-server="Shared"]').getByRole('link', { name: 'Shared' }).click();
    await hp.getByRole('heading', { name: 'Shared' }).waitFor();
    await hp.getByTestId('console').waitFor();
    expect(await serverTabs(hp)).to.deep.equal(['Console', 'Charts', 'Activity', 'Network', 'Webhooks', 'Players', 'Settings']);
    expect(await hp.getByRole('button', { name: 'Stop', exact: true }).count()).to.equal(0);
    expect(await hp.getByRole('button', { name: 'Restart', exact: true }).count()).to.equal(0);
    await hp.goto(url(`/servers/${serverId}/settings`));
    await hp.getByText('Resources').waitFor();
    expect(await hp.getByRole('button', { name: 'Save' }).count(), 'no rename without settings.rename').to.equal(0);
    await hp.goto(url(`/servers/${serverId}/users`));
    await hp.getByText('You may not do this.').waitFor();
    expect(await hp.getByTestId('subusers').count()).to.equal(0);
    await hp.goto(url(`/servers/${serverId}`));
    await hp.getByRole('button', { name: 'Start', exact: true }).click();
    await hp
      .getByTestId('state')
      .filter({ hasText: /Starting|Running/ })
      .waitFor({ timeout: 60_000 });
    await pages.shoot(hp, 'server-subuser-desktop-light');
    const helperApi = await t.signIn(helper.email);
    expect((await helperApi.post(`/api/servers/${serverId}/power/stop`)).status, 'the API refuses what the page hides').to.equal(403);

    // Removed: the server is gone from the helper's view.
    await row.getByRole('button', { name: 'Remove' }).click();
    await answerConfirm(page);
    await page.getByText('Nobody else has access to this server.').waitFor();
    await hp.reload();
    await hp.getByText('This does not exist, or you may not see it.').first().waitFor();
    expect(pages.errors, 'no script errors in the pages').to.deep.equal([]);
  });
});
