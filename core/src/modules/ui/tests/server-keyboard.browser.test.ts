import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { installedServerFor } from '../../servers/tests/server-fixtures.js';
import { until } from './browser-helpers.js';
import { useUiWorld } from './ui-world.js';

/** The focused element in words: `input:<value>` for a field, else its label or its text. (A string: core compiles without DOM types.) */
const focusedText = (page: Page) =>
  page.evaluate(
    "(() => { const el = document.activeElement; if (el?.tagName === 'INPUT') return 'input:' + el.value; return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim(); })()",
  ) as Promise<string>;

/** Presses Tab until the focus is on what `matches` accepts; fails naming what it looked for. */
async function tabTo(page: Page, what: string, matches: (text: string) => boolean, most = 60): Promise<void> {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    if (matches(await focusedText(page))) return;
  }
  throw new Error(`Tab never reached ${what} (last: ${await focusedText(page)})`);
}

describe('the server page by keyboard alone in a real browser (Chromium)', function () {
  this.timeout(240_000);
  const world = useUiWorld('keyboard-ui');

  it('opens a server from the list, starts it, switches tabs and renames it with Tab and Enter only, the focus always visible', async () => {
    const { t, node, pages } = world;
    const owner = await t.createUser('keys-only@example.org');
    const id = await installedServerFor(t.panel, owner.id, node.nodeId, 'Keyboard');

    const page = await pages.newPage();
    await pages.signIn(page, owner.email);
    await page.getByRole('link', { name: 'Keyboard' }).waitFor();

    await tabTo(page, 'the server in the list', (s) => s === 'Keyboard');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/servers/${id}`));
    // After a navigation the focus is on the page's heading, so the next Tab starts from the page.
    await until('focus on the heading', async () => (await focusedText(page)).startsWith('Keyboard'));

    await tabTo(page, 'Start', (s) => s === 'Start');
    const outline = (await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')) as string;
    expect(outline, 'the focused button shows it').to.not.equal('none');
    await page.keyboard.press('Enter');
    await until('running', async () => (await t.panel.request('GET', `/api/servers/${id}`)).body.state === 'running', 60_000);

    await tabTo(page, 'the Settings tab', (s) => s === 'Settings');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/settings$/);
    await tabTo(page, 'the name field', (s) => s === 'input:Keyboard');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Keys only');
    expect(await focusedText(page)).to.equal('input:Keys only');
    await page.keyboard.press('Enter');
    await until('renamed', async () => (await t.panel.request('GET', `/api/servers/${id}`)).body.name === 'Keys only');
    await page.getByRole('heading', { name: 'Keys only' }).waitFor();

    await t.panel.request('POST', `/api/servers/${id}/power/kill`);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
