import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import mineflayer from 'mineflayer';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { answerConfirm, buildPanelUi, launchChromium, screenshotBothThemes, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { PASSWORD, startAccountsPanel, totpCode, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { DESKTOP, PHONE, sleep, until } from './browser-helpers.js';

const EGG = fileURLToPath(new URL('../../templates/tests/eggs/egg-paper.json', import.meta.url));

/** What xterm shows: its rows, as text. */
const consoleText = (page: Page) => page.locator('[data-testid="console"] .xterm-rows').innerText();

describe('panel UI in a real browser (Chromium), against a real panel, agent and game server', function () {
  this.timeout(240_000);
  let t: AccountsPanel;
  let node: TestNode;
  let browser: Browser;
  let gamePort: number;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function newPage(viewport = DESKTOP, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const context = await browser.newContext({ viewport, colorScheme, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return page;
  }

  async function signIn(page: Page, email: string, code?: () => Promise<string>): Promise<void> {
    await page.goto(`${t.panel.url}/servers`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    if (code) {
      await page.getByLabel('Code').fill(await code());
      await page.getByRole('button', { name: 'Verify' }).click();
    }
    await page.waitForURL(/\/servers$/);
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await sleep(300);
    await screenshotBothThemes(page, name);
  }

  before(async () => {
    // First, so a machine without Chromium fails with the message that says how to install it.
    browser = await launchChromium();
    buildPanelUi();
    await testImage();
    t = await startAccountsPanel('sqlite');
    node = await startNodeFor(t.panel, { name: 'browser-node' });
    gamePort = node.gamePorts[0]!;
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    const ids = t ? ((await t.panel.request('GET', '/api/servers')).body.servers?.map((s: { id: string }) => s.id) ?? []) : [];
    if (ids.length) await t.panel.request('POST', '/api/servers/bulk', { body: { action: 'delete', serverIds: ids } });
    await t?.close();
    await node?.close();
  });

  it('signs in with 2FA, creates a server in the wizard, starts it, streams the console, sends a command, sees a player join; a stranger sees nothing', async () => {
    // An owner with two-factor enrolled through the API; the page signs in with a fresh code.
    const owner = await t.createUser('owner@example.org');
    const api = await t.signIn(owner.email);
    const setup = (await api.post('/api/auth/2fa/setup')).body;
    expect((await api.post('/api/auth/2fa/confirm', { code: await totpCode(setup.secret) })).status).to.equal(200);

    const page = await newPage();
    await page.goto(`${t.panel.url}/servers`);
    await page.waitForURL(/\/login/);
    await shoot(page, 'login-desktop-light');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(await page.getByRole('alert').innerText()).to.equal('Email or password is wrong.');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Code').fill(await totpCode(setup.secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/servers$/);
    await page.getByText('You have no servers yet.').waitFor();

    // The wizard: a template, the recommended size, variables checked as they are typed.
    await page.getByRole('link', { name: 'Create server' }).click();
    await page.locator('[data-template="conductor-test"]').click();
    await shoot(page, 'wizard-desktop-light');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Expected players').fill('10');
    await page.getByTestId('recommendation').filter({ hasText: '256 MB' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Server name').fill('Lobby');
    const motd = page.getByLabel('Message of the day');
    await motd.fill('hi; rm -rf /');
    await page.locator('.field-error').filter({ hasText: /./ }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Create server' }).isDisabled()).to.equal(true);
    await motd.fill('Welcome to the Lobby');
    await until('the variable error to clear', async () => (await page.locator('.field.invalid').count()) === 0);
    await page.getByRole('button', { name: 'Create server' }).click();
    await page.waitForURL((url) => /^\/servers\/(?!new$)[^/]+$/.test(url.pathname));
    const serverId = new URL(page.url()).pathname.split('/')[2]!;
    expect((await t.panel.request('GET', `/api/servers/${serverId}`)).body).to.deep.include({
      name: 'Lobby',
      ownerId: owner.id,
      memoryMb: 256,
    });

    // Power follows the state; the console fills from the live feed.
    expect(await page.getByRole('button', { name: 'Stop', exact: true }).isDisabled()).to.equal(true);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await until('the Done line in xterm', async () => /Done \(/.test(await consoleText(page)), 60_000);
    await page.getByTestId('state').filter({ hasText: 'Running' }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: 'Start', exact: true }).isDisabled()).to.equal(true);

    const bot = mineflayer.createBot({
      host: '127.0.0.1',
      port: gamePort,
      username: 'PanelBot',
      auth: 'offline',
      version: '1.21.4',
      hideErrors: true,
    });
    const chat: string[] = [];
    bot.on('messagestr', (m: string) => void chat.push(m));
    await new Promise<void>((resolve, reject) => {
      bot.once('spawn', () => resolve());
      bot.once('error', reject);
    });
    try {
      await until('the join line in xterm', async () => /PanelBot .*connected/.test(await consoleText(page)));
      const input = page.getByLabel('Console command');
      await input.fill('say hello from the browser');
      await input.press('Enter');
      await until('the command echoed in xterm', async () => (await consoleText(page)).includes('hello from the browser'));
      await until('the bot hears the browser', async () => chat.some((m) => m.includes('hello from the browser')));
      // Command history: the arrow key brings the last command back.
      await input.press('ArrowUp');
      expect(await input.inputValue()).to.equal('say hello from the browser');
      await until(
        'the player count on the page',
        async () => /Players online: 1 \//.test(await page.getByTestId('players').innerText()),
        45_000,
      );
      await shoot(page, 'server-console-desktop-light');
      await page.getByRole('link', { name: 'Players' }).click();
      await page.getByText('Players online: 1 /').first().waitFor();
      await page.getByRole('heading', { name: 'Whitelist' }).waitFor();

      await page.getByRole('link', { name: 'Charts' }).click();
      expect(await page.getByLabel('Range').inputValue()).to.equal('live');
      // A live CPU figure on its plot (uPlot draws on canvas; the caption holds the latest value).
      const cpuChart = page.getByRole('img', { name: /^CPU/ });
      await until('a CPU figure', async () => /%/.test(await cpuChart.locator('figcaption strong').innerText()), 30_000);
      expect(await cpuChart.locator('[data-testid="chart-plot"] canvas').count()).to.be.greaterThan(0);
      await shoot(page, 'server-charts-desktop-light');
    } finally {
      bot.quit();
    }

    // The list: live figures, and bulk actions with a result per server.
    await page.getByRole('link', { name: 'Servers' }).first().click();
    await page.locator('tr[data-server="Lobby"]').waitFor();
    await shoot(page, 'servers-desktop-light');
    await page.getByLabel('Select all servers').check();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByTestId('bulk-results').filter({ hasText: 'Lobby: done' }).waitFor({ timeout: 30_000 });

    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByTestId('security-log').waitFor();
    await shoot(page, 'account-desktop-light');
    // An API key: shown once, listed by its prefix, revoked.
    await page.getByLabel('Name', { exact: true }).fill('ci');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByTestId('new-api-key').innerText();
    expect((await fetch(`${t.panel.url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } })).status, 'the key works').to.equal(
      200,
    );
    await page.getByRole('button', { name: 'Revoke' }).click();
    await answerConfirm(page);
    await page.getByText('You have no API keys.').waitFor();
    expect(
      (await fetch(`${t.panel.url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } })).status,
      'the revoked key does not',
    ).to.equal(401);

    // A stranger signs in through the page: no server in the list, nothing at its address.
    const stranger = await t.createUser('stranger@example.org');
    const strangerPage = await newPage();
    await signIn(strangerPage, stranger.email);
    await strangerPage.getByText('You have no servers yet.').waitFor();
    await strangerPage.goto(`${t.panel.url}/servers/${serverId}`);
    await strangerPage.getByText('This does not exist, or you may not see it.').waitFor();
    expect(await strangerPage.content()).to.not.contain('Lobby');
    expect(pageErrors, 'no script errors in the pages').to.deep.equal([]);
  });

  it('looks right on a phone and in the dark theme, in German too (screenshots in artifacts/screenshots)', async () => {
    const admin = await t.createUser('admin@example.org', { role: 'admin' });
    for (const [label, viewport, scheme] of [
      ['phone-dark', PHONE, 'dark'],
      ['desktop-dark', DESKTOP, 'dark'],
      ['phone-light', PHONE, 'light'],
    ] as const) {
      const page = await newPage(viewport, scheme);
      await page.goto(`${t.panel.url}/login`);
      await shoot(page, `login-${label}`);
      await signIn(page, admin.email);
      await shoot(page, `servers-${label}`);
      await page.goto(`${t.panel.url}/admin/nodes`);
      await page.getByTestId('fleet-summary').waitFor();
      await shoot(page, `admin-nodes-${label}`);
      if (label === 'desktop-dark') {
        // A Pterodactyl egg through the file picker becomes a template; a node's token is shown once.
        await page.goto(`${t.panel.url}/admin/templates`);
        await page.getByLabel('Template id (optional)').fill('paper-egg');
        await page.getByLabel('Egg file').setInputFiles(EGG);
        await page.getByText(/Imported ".+"/).waitFor();
        // The same egg again: its id is taken, so the dialog offers update and import as new.
        await page.getByLabel('Egg file').setInputFiles(EGG);
        const clash = page.getByTestId('import-clash');
        await clash.getByText('A template with id paper-egg exists.', { exact: false }).waitFor();
        await shoot(page, `admin-templates-clash-${label}`);
        await clash.getByRole('button', { name: 'Import as new (paper-egg-2)' }).click();
        await page.getByText('Imported "Paper".').waitFor();
        await page.getByText('paper-egg-2', { exact: true }).waitFor();
        await page.getByLabel('Egg file').setInputFiles(EGG);
        await clash.getByRole('button', { name: 'Update paper-egg from this egg' }).click();
        await page.getByText('Updated "Paper" from the egg.').waitFor();
        expect(
          (await t.panel.request('GET', '/api/events?type=template.updated')).body.events.map(
            (e: { data: { templateId: string } }) => e.data.templateId,
          ),
        ).to.include('paper-egg');
        await shoot(page, `admin-templates-${label}`);
        await page.goto(`${t.panel.url}/admin/nodes`);
        await page.getByLabel('Name', { exact: true }).fill('second-node');
        await page.getByLabel('Host name or IP address').fill('10.0.0.2');
        await page.getByRole('button', { name: 'Add node' }).click();
        await page.getByTestId('node-token').getByText('AGENT_TOKEN=cdn_', { exact: false }).waitFor();
      }
      await page.goto(`${t.panel.url}/admin/plugins`);
      await page.getByText('ui', { exact: true }).waitFor();
      await shoot(page, `admin-plugins-${label}`);
      const [server] = (await t.panel.request('GET', '/api/servers')).body.servers;
      if (server) {
        await page.goto(`${t.panel.url}/servers/${server.id}`);
        await page.getByTestId('console').waitFor();
        await shoot(page, `server-console-${label}`);
      }
      await page.goto(`${t.panel.url}/account`);
      await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
      await shoot(page, `account-${label}`);
    }
    // German: the language switch changes every label, and the choice sticks across reloads.
    const page = await newPage(DESKTOP, 'light');
    await signIn(page, admin.email);
    if ((await page.getByRole('button', { name: 'Menu' }).count()) && (await page.getByRole('button', { name: 'Menu' }).isVisible()))
      await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByLabel('Language').selectOption('de');
    await page.getByRole('heading', { name: 'Server' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Server erstellen' }).waitFor();
    await page.goto(`${t.panel.url}/servers/new`);
    await page.getByRole('heading', { name: 'Server erstellen' }).waitFor();
    await shoot(page, 'wizard-desktop-light-de');
    // Signing out ends the session: the app is back at the sign-in form, and the API refuses the old tab.
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    await page.goto(`${t.panel.url}/servers`);
    await page.waitForURL(/\/login/);
    expect(pageErrors, 'no script errors in the pages').to.deep.equal([]);
  });
});
