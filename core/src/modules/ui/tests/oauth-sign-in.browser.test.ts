import { expect } from 'chai';
import { BrowserPages, buildPanelUi, freePort, launchChromium } from '@conductor/test';
import { startAccountsPanel, totpCode, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { startOAuthProvider, type TestOAuthProvider } from '../../accounts/tests/oauth-provider.js';

/**
 * The OAuth buttons on the sign-in page, clicked in Chromium: the browser really travels to the
 * provider (oauth2-mock-server, which approves at once) and back to the panel's callback, so the
 * panel's public URL is its real address here.
 */
describe('OAuth sign-in in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let provider: TestOAuthProvider;
  let t: AccountsPanel;
  let pages: BrowserPages;

  before(async () => {
    buildPanelUi();
    provider = await startOAuthProvider();
    const at = provider.settings;
    const port = await freePort();
    t = await startAccountsPanel('sqlite', {
      config: { PORT: port, PUBLIC_URL: `http://127.0.0.1:${port}` },
      auth: { oauth: { google: at('google'), discord: at('discord') } },
    });
    // The provider's button makes accounts only where sign-up is open.
    await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: true } });
    pages = new BrowserPages(await launchChromium(), () => t.panel.url);
  });
  after(async () => {
    await pages?.close();
    await t?.close();
    await provider?.stop();
  });

  it('shows a button per configured provider; one click makes the account and lands on the server list', async () => {
    provider.profile = { sub: 'google-browser-1', email: 'oauth-browser@example.org', email_verified: true };
    const page = await pages.newPage();
    await page.goto(`${t.panel.url}/login`);
    // The page asks the panel which providers it has, so the buttons come a moment later.
    await page.getByRole('link', { name: 'Sign in with Discord' }).waitFor();
    expect(await page.getByRole('link', { name: /^Sign in with / }).allInnerTexts()).to.have.members([
      'Sign in with Google',
      'Sign in with Discord',
    ]);
    await page.getByRole('link', { name: 'Sign in with Google' }).click();
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    const me = (await page.evaluate(async () => (await fetch('/api/auth/me')).json())) as {
      user: { email: string; emailVerified: boolean };
    };
    expect(me.user).to.deep.include({ email: 'oauth-browser@example.org', emailVerified: true });
    await pages.shoot(page, 'login-oauth-desktop-light');
  });

  it('asks an account with two-factor for its code after the provider, then signs in', async () => {
    const user = await t.createUser('oauth-2fa@example.org');
    const api = await t.signIn(user.email);
    const secret = (await api.post('/api/auth/2fa/setup')).body.secret as string;
    expect((await api.post('/api/auth/2fa/confirm', { code: await totpCode(secret) })).status).to.equal(200);
    provider.profile = { sub: 'google-browser-2fa', email: user.email, email_verified: true };

    const page = await pages.newPage();
    await page.goto(`${t.panel.url}/login`);
    await page.getByRole('link', { name: 'Sign in with Google' }).click();
    await page.waitForURL(/\/login\/two-factor$/);
    expect(await page.getByRole('link', { name: /^Sign in with / }).count(), 'no provider buttons at the code step').to.equal(0);
    await page.getByLabel('Code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await page.getByRole('alert').innerText()).to.equal('That code is wrong or expired. Try the current code.');
    await page.getByLabel('Code').fill(await totpCode(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    const me = (await page.evaluate(async () => (await fetch('/api/auth/me')).json())) as {
      user: { email: string; emailVerified: boolean };
    };
    expect(me.user.email).to.equal(user.email);
    expect(pages.errors, 'no script errors').to.deep.equal([]);
  });
});
