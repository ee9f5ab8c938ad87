import type { Browser } from 'playwright-core';
import { buildPanelUi, launchChromium, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from '../../servers/tests/server-fixtures.js';
import { BrowserPages } from './browser-helpers.js';

/** What a page test of servers needs: a panel (SQLite) serving the built UI, one real node, Chromium pages. */
export interface UiWorld {
  t: AccountsPanel;
  node: TestNode;
  pages: BrowserPages;
}

/**
 * Sets the world up in the calling describe's before hook and takes it down (servers, panel, node,
 * browser) in its after hook; the fields are there once the before hook ran.
 */
export function useUiWorld(nodeName: string, ports = 1): UiWorld {
  const world = {} as UiWorld;
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    await testImage();
    world.t = await startAccountsPanel('sqlite');
    world.node = await startNodeFor(world.t.panel, { name: nodeName, ports });
    world.pages = new BrowserPages(browser, world.t.panel.url);
  });
  after(async () => {
    await world.pages?.close();
    await browser?.close();
    if (world.t) await deleteAllServers(world.t.panel);
    await world.t?.close();
    await world.node?.close();
  });
  return world;
}
