import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { until, type DatabaseKind } from '@conductor/test';
import type { PluginDefinition } from '@conductor/core';
import type { Catalogue } from '../../../../test/fixtures/modrinth/index.js';
import { startFakeModrinth, type FakeModrinth } from '../../../../test/fixtures/modrinth/index.js';
import marketplacePlugin from '../index.js';

export interface MarketplacePanel extends AccountsPanel {
  modrinth: FakeModrinth;
}

/** A panel with the marketplace pointed at a fake Modrinth serving this catalogue. */
export async function startMarketplacePanel(
  database: DatabaseKind,
  catalogue: Catalogue,
  extraPlugins: PluginDefinition[] = [],
  marketplace: Record<string, unknown> = {},
  otherPlugins: Record<string, unknown> = {},
): Promise<MarketplacePanel> {
  const modrinth = await startFakeModrinth(catalogue);
  try {
    const t = await startAccountsPanel(database, {
      plugins: [marketplacePlugin, ...extraPlugins],
      config: {
        plugins: {
          ...otherPlugins,
          auth: { scryptCost: 1024 },
          marketplace: {
            modrinth: { apiUrl: modrinth.apiUrl, contact: 'tests@conductor.test', cdnHosts: [new URL(modrinth.cdnUrl).host] },
            ...marketplace,
          },
        },
      },
    });
    return { ...t, modrinth, close: async () => (await t.close(), await modrinth.close()) };
  } catch (err) {
    await modrinth.close();
    throw err;
  }
}

/** Starts a sync as an admin and waits for its result. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the loosely typed API bodies
export async function syncNow(t: MarketplacePanel, full = false): Promise<any> {
  const before = (await t.panel.request('GET', '/api/marketplace/sync')).body.finishedAt;
  const started = await t.panel.request('POST', '/api/marketplace/sync', { body: { full } });
  if (started.status !== 202) throw new Error(`sync: ${started.status} ${JSON.stringify(started.body)}`);
  return until(
    'the sync finished',
    async () => {
      const s = (await t.panel.request('GET', '/api/marketplace/sync')).body;
      return s.state === 'idle' && s.finishedAt !== before && s;
    },
    60_000,
  );
}
