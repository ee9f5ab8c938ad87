import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { until } from './browser-helpers.js';
import { startBrowserSuite, type BrowserSuite } from './browser-suite.js';

const consoleText = (page: Page) => page.locator('[data-testid="console"] .xterm-rows').innerText();

describe('the console by keyboard in a real browser: no keyboard trap, typed commands echoed to every viewer', function () {
  this.timeout(180_000);
  let suite: BrowserSuite;

  before(async () => {
    suite = await startBrowserSuite('console-ui');
  });
  after(() => suite?.close());

  it('Tab leaves the terminal for the controls and the command field; a command sent shows as "> command" in this and another viewer’s console; CPU, memory and players beside it; search, copy and clear', async () => {
    const { t, node, pages } = suite;
    const owner = await t.createUser('typist@example.org');
    const api = await t.signIn(owner.email);
    const server = (await api.post('/api/servers', { name: 'Typist', templateId: 'conductor-test', expectedPlayers: 10 })).body;
    await api.post(`/api/servers/${server.id}/power/start`);
    await until('running', async () => (await api.get(`/api/servers/${server.id}`)).body.state === 'running', 60_000);

    const page = await pages.newPage();
    const other = await pages.newPage();
    for (const p of [page, other]) {
      await pages.signIn(p, owner.email);
      await p.goto(`${t.panel.url}/servers/${server.id}`);
    }
    await until('the Done line in xterm', async () => /Done \(/.test(await consoleText(page)), 60_000);

    // Into the terminal (its own focusable pane), then out of it with Tab alone.
    await page.locator('[data-testid="console"] textarea').focus();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').innerText(), 'Tab left the terminal for the next control').to.equal('Copy console');
    // Clear, the search field and Find, then the command field.
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    expect(
      await page.locator('#console-command').evaluate((el) => el === el.ownerDocument.activeElement),
      'Tab reached the field',
    ).to.equal(true);
    await page.keyboard.type('say typed by keyboard');
    await page.keyboard.press('Enter');
    await until('the echo here', async () => (await consoleText(page)).includes('> say typed by keyboard'));
    await until('the echo for the other viewer', async () => (await consoleText(other)).includes('> say typed by keyboard'));
    const history = (await node.agent.request('GET', `/api/servers/${server.id}/logs`)).body.lines as string[];
    expect(
      history.some((l) => l.endsWith('> say typed by keyboard')),
      'kept in the console history',
    ).to.equal(true);
    // The live figures sit beside the console.
    const stats = page.getByTestId('console-stats');
    await until(
      'memory beside the console',
      async () => /MB \/ /.test(await stats.locator('[data-figure="memory"] dd').innerText()),
      30_000,
    );
    expect(await stats.locator('[data-figure="cpu"] dd').innerText()).to.match(/%/);
    expect(await stats.locator('[data-figure="players"] dd').innerText()).to.match(/^0 \/ \d+$/);
    await pages.shoot(page, 'server-console-stats-desktop-light');

    // Search finds a line and says so; a miss is said too.
    const searchbox = page.getByRole('searchbox', { name: 'Search the console' });
    await searchbox.fill('typed by keyboard');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('status').filter({ hasText: 'Found “typed by keyboard”' }).waitFor();
    await searchbox.fill('no such words here');
    await searchbox.press('Enter');
    await page.getByRole('status').filter({ hasText: 'No line holds “no such words here”.' }).waitFor();

    // Copy puts the console's text on the clipboard; Clear empties this screen only.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.panel.url });
    await page.getByRole('button', { name: 'Copy console' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Copied \d+ lines\./ })
      .waitFor();
    const clipboard = await page.evaluate(() =>
      (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
    );
    expect(clipboard).to.contain('Done (').and.to.contain('> say typed by keyboard');
    await page.getByRole('button', { name: 'Clear' }).click();
    await until('the screen cleared', async () => !(await consoleText(page)).includes('Done ('));
    expect(await consoleText(other), 'the other viewer keeps the lines').to.contain('Done (');
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
