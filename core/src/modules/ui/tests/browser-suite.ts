import type { Browser } from 'playwright-core';
import { buildPanelUi, launchChromium, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from '../../servers/tests/server-fixtures.js';
import { BrowserPages } from './browser-helpers.js';

/** What a browser test of server pages stands on: Chromium, the built UI, a panel (SQLite) with one real node. */
export interface BrowserSuite {
  t: AccountsPanel;
  node: TestNode;
  browser: Browser;
  pages: BrowserPages;
  /** Deletes the servers, then closes pages, browser, panel and node. */
  close(): Promise<void>;
}

export async function startBrowserSuite(nodeName: string, options: { ports?: number } = {}): Promise<BrowserSuite> {
  const browser = await launchChromium();
  buildPanelUi();
  await testImage();
  const t = await startAccountsPanel('sqlite');
  const node = await startNodeFor(t.panel, { name: nodeName, ports: options.ports ?? 1 });
  const pages = new BrowserPages(browser, t.panel.url);
  return {
    t,
    node,
    browser,
    pages,
    async close() {
      await pages.close();
      await browser.close();
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    },
  };
}
