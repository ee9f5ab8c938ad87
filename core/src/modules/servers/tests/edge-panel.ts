import type { Bot } from 'mineflayer';
import { type DatabaseKind, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';

/**
 * A panel whose servers get `<id>.play.test` on the edge, with one node, for a describe block:
 * `edge.t` and `edge.node` are set before its tests; bots pushed to `edge.bots` leave after them.
 */
export function useEdgePanel(database: DatabaseKind, nodeName: string, ports = 1): { t: AccountsPanel; node: TestNode; bots: Bot[] } {
  const edge = { bots: [] as Bot[] } as { t: AccountsPanel; node: TestNode; bots: Bot[] };
  before(async () => {
    await testImage();
    edge.t = await startAccountsPanel(database, {
      config: { plugins: { auth: { scryptCost: 1024 }, servers: { edgeBaseDomain: 'play.test' } } },
    });
    edge.node = await startNodeFor(edge.t.panel, { name: nodeName, ports });
  });
  after(async () => {
    for (const bot of edge.bots) bot.end();
    await deleteAllServers(edge.t.panel);
    await edge.t.close();
    await edge.node.close();
  });
  return edge;
}
