import { freePort, startNodeFor, testImage, type DatabaseKind, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { deleteAllServers } from '../../../../core/src/modules/servers/tests/server-fixtures.js';
import { FakeHetzner } from '../../../../test/fixtures/hetzner/server.js';
import { ContainerVms } from '../../../../test/fixtures/hetzner/node-vm.js';
import forecastPlugin from '@conductor/plugin-forecast';
import scalingPlugin from '../index.js';

export interface ScalingPanel extends AccountsPanel {
  cloud: FakeHetzner;
  /** A static node outside the cluster, made full (no room) until a test opens it. */
  staticNode: TestNode;
  /** The scaling plugin's services. */
  scaling(): ReturnType<AccountsPanel['panel']['kernel']['containerOf']>['cradle'];
}

/** A panel with the scaling plugin pointed at a fake Hetzner Cloud whose machines are real agents in containers. */
export async function startScalingPanel(
  database: DatabaseKind,
  options: {
    forecast?: boolean;
    /** A database of the test's own, for panels that share it. */
    storage?: { dataDir: string; databaseUrl?: string };
    /** Another panel's fake cloud (that panel stops it). */
    cloud?: FakeHetzner;
    /** Told apart from another panel's: its static node's name and container prefix. */
    label?: string;
  } = {},
): Promise<ScalingPanel> {
  await testImage();
  const cloud = options.cloud ?? (await new FakeHetzner(new ContainerVms()).start());
  const port = await freePort();
  const t = await startAccountsPanel(database, {
    storage: options.storage,
    plugins: options.forecast ? [forecastPlugin, scalingPlugin] : [scalingPlugin],
    config: {
      PORT: port,
      plugins: {
        auth: { scryptCost: 1024 },
        scaling: {
          hetzner: { token: cloud.token, baseUrl: cloud.baseUrl },
          panelUrl: `http://127.0.0.1:${port}`,
          agentPort: await freePort(),
        },
      },
    },
  });
  const staticNode = await startNodeFor(t.panel, {
    name: `static-${database}${options.label ?? ''}`,
    ports: 2,
    agentConfig: { AGENT_CONTAINER_PREFIX: `conductor-static${options.label ?? ''}-` },
  });
  await t.panel.request('PATCH', `/api/nodes/${staticNode.nodeId}`, { body: { memoryOverallocPct: -100 } });
  return {
    ...t,
    cloud,
    staticNode,
    scaling: () => t.panel.kernel.containerOf('scaling').cradle,
    async close() {
      await deleteAllServers(t.panel).catch(() => undefined);
      await t.close();
      await staticNode.close();
      if (!options.cloud) await cloud.stop();
    },
  };
}
