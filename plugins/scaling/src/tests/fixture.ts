import { expect } from 'chai';
import { freePort, startNodeFor, testImage, until, type DatabaseKind, type TestNode } from '@conductor/test';
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
    /** Settings of other plugins (`nodes`, `servers`, ...) and more of scaling's. */
    plugins?: Record<string, Record<string, unknown>>;
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
        ...options.plugins,
        scaling: {
          hetzner: { token: cloud.token, baseUrl: cloud.baseUrl },
          panelUrl: `http://127.0.0.1:${port}`,
          agentPort: await freePort(),
          ...options.plugins?.scaling,
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

/** A cluster of the test's own static nodes: the scaler orders none and spends nothing. */
export const STATIC_NODES_POLICY = {
  minNodes: 0,
  maxNodes: 0,
  serverTypes: ['cx22'],
  locations: ['fsn1'],
  monthlyBudgetCents: 0,
};

/** The cluster policy the tests start from: one type in one place, no cooldowns, a budget for two cx22 nodes. */
export const TEST_POLICY = {
  minNodes: 0,
  maxNodes: 2,
  serverTypes: ['cx22'],
  locations: ['fsn1'],
  monthlyBudgetCents: 1000,
  headroomMb: 0,
  gamePorts: '25565-25566',
  scaleUpCooldownSeconds: 0,
  scaleDownCooldownSeconds: 0,
  scaleDownBelowPct: 20,
  scaleDownAfterSeconds: 3600,
  dryRun: false,
};

/** What the tests ask of the panel (made before it starts, hence the getter): events of a type (oldest first), a pass now, cluster `eu`'s policy. */
export function scalingRequests(panel: () => ScalingPanel, base: Record<string, unknown> = TEST_POLICY) {
  const request: ScalingPanel['panel']['request'] = (...args) => panel().panel.request(...args);
  return {
    events: async (type: string) =>
      (await request('GET', `/api/events?type=${type}`)).body.events as Array<{
        nodeId: string | null;
        data: Record<string, unknown>;
      }>,
    reconcile: async () => expect((await request('POST', '/api/scaling/reconcile', { body: {} })).status).to.equal(204),
    /** The cluster's minimum ordered by the policy's own passes: the id of the first node that joined. */
    firstJoinedNode: async () => {
      const joined = await until(
        'the cluster minimum to join',
        async () => {
          expect((await request('POST', '/api/scaling/reconcile', { body: {} })).status).to.equal(204);
          return (await request('GET', '/api/events?type=scaling.node_joined')).body.events[0] as { nodeId: string } | undefined;
        },
        120_000,
      );
      return joined.nodeId;
    },
    setPolicy: async (changes: Record<string, unknown> = {}) => {
      const res = await request('PUT', '/api/scaling/clusters/eu', { body: { ...base, ...changes } });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    },
  };
}

/** A real agent as a static node of the cluster `eu`, with exactly `memoryMb` (no over-allocation) and room on disk. */
export async function clusterNode(
  t: ScalingPanel,
  name: string,
  memoryMb: number,
  agentConfig: Record<string, string> = {},
): Promise<TestNode> {
  const node = await startNodeFor(t.panel, {
    name,
    ports: 5,
    agentConfig: { AGENT_CONTAINER_PREFIX: `conductor-${name}-`, ...agentConfig },
  });
  const patched = await t.panel.request('PATCH', `/api/nodes/${node.nodeId}`, {
    body: { location: 'eu', memoryMb, memoryOverallocPct: 0, diskMb: 100_000 },
  });
  expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
  return node;
}

/** A server created on `nodeId` for `ownerId`, waited for until its install finished (offline); its id. */
export async function installedServer(
  t: ScalingPanel,
  body: { name: string; ownerId: string; nodeId: string; memoryMb: number },
): Promise<string> {
  const created = await t.panel.request('POST', '/api/servers', { body: { templateId: 'conductor-test', ...body } });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  const id = created.body.id as string;
  await until('installed', async () => (await t.panel.request('GET', `/api/servers/${id}`)).body.state === 'offline', 60_000);
  return id;
}
