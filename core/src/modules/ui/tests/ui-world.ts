import type { Browser } from 'playwright-core';
import { buildPanelUi, launchChromium, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from '../../servers/tests/server-fixtures.js';
import { BrowserPages } from './browser-helpers.js';

/** What a page test needs: a panel (SQLite) serving the built UI, and Chromium pages. */
export interface PanelUiWorld {
  t: AccountsPanel;
  pages: BrowserPages;
}

/** A page test of servers: the panel and pages, and one real node. */
export interface UiWorld extends PanelUiWorld {
  node: TestNode;
}

/**
 * Sets the world up in the calling describe's before hook and takes it down (servers, panel, node,
 * browser) in its after hook; the fields are there once the before hook ran. Without a node name
 * there is no node (pages that need no game server: navigation, editors, account lists).
 */
function setUp(node: { name: string; ports: number } | null): UiWorld {
  const world = {} as UiWorld;
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    if (node) await testImage();
    world.t = await startAccountsPanel('sqlite');
    if (node) world.node = await startNodeFor(world.t.panel, { name: node.name, ports: node.ports });
    world.pages = new BrowserPages(browser, world.t.panel.url);
  });
  after(async () => {
    await world.pages?.close();
    await browser?.close();
    if (world.t && node) await deleteAllServers(world.t.panel);
    await world.t?.close();
    await world.node?.close();
  });
  return world;
}

export function useUiWorld(nodeName: string, ports = 1): UiWorld {
  return setUp({ name: nodeName, ports });
}

export function usePanelUiWorld(): PanelUiWorld {
  return setUp(null);
}
