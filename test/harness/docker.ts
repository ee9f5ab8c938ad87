import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { createLogger } from '@conductor/core/shared';
import { Agent, loadAgentConfig } from '@conductor/wings-agent';
// The image builder is plain JS shared with the fixture's own README instructions.
import { buildGameImage, ensureDocker } from '../fixtures/game-image/build-game-image.mjs';
import { LogCapture, type TestPanel } from './panel.js';
import { freePort } from './postgres.js';

export const docker = new Docker();
// Each test run names its servers and networks with its own id, so runs sharing one Docker engine
// (a developer's and CI's, or two developers') never remove or reuse each other's containers.
export const RUN_ID = randomBytes(3).toString('hex');
export const TEST_SERVER_PREFIX = `test-${RUN_ID}-`;
const myNetworks = new Set<string>();
const STALE_SECONDS = 3600;
const HOW_TO =
  'Install Docker (Debian: apt-get install -y docker.io) and start it (dockerd >/tmp/dockerd.log 2>&1 &), or run `npm test`, which does both when run as root.';

/** Fails with instructions when no Docker engine answers; CI always has one. */
export async function requireDocker(): Promise<void> {
  try {
    await docker.ping();
  } catch {
    try {
      await ensureDocker({ start: false });
    } catch {
      throw new Error(`These tests need a Docker engine and none answers. ${HOW_TO}`);
    }
  }
}

let image: Promise<string> | null = null;
/** The flying-squid test image, built once per content hash (a no-op when it exists). */
export function testImage(): Promise<string> {
  image ??= buildGameImage().then((r: { tag: string } | string) => (typeof r === 'string' ? r : r.tag));
  return image;
}

/**
 * Removes what this run made (containers of its servers or on its networks, and its networks);
 * with `stale`, also what an interrupted earlier run left behind, once it is an hour old.
 */
export async function cleanupDocker(options: { stale?: boolean } = {}): Promise<void> {
  const now = Date.now() / 1000;
  const containers = await docker.listContainers({ all: true, filters: { label: ['conductor.server'] } });
  for (const c of containers) {
    const networks = Object.keys(c.NetworkSettings?.Networks ?? {});
    const label = c.Labels['conductor.server'] ?? '';
    const mine = label.startsWith(TEST_SERVER_PREFIX) || networks.some((n) => myNetworks.has(n));
    const testMade = label.startsWith('test-') || networks.some((n) => n.startsWith('conductor-test-'));
    if (mine || (options.stale && testMade && now - c.Created > STALE_SECONDS))
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
  }
  for (const n of await docker.listNetworks()) {
    const old = now - Date.parse(n.Created ?? '') / 1000 > STALE_SECONDS;
    // conductor0 is the local agent's default network; Docker refuses to remove a network in use.
    if (myNetworks.has(n.Name) || (options.stale && old && (n.Name.startsWith('conductor-test-') || n.Name === 'conductor0'))) {
      await docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined);
    }
  }
}

export const AGENT_TOKEN = 'test-node-token-0123456789abcdef0123456789';

export interface TestAgent {
  agent: Agent;
  url: string;
  dataDir: string;
  network: string;
  logs: LogCapture;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on the loosely typed body
  request(method: string, pathname: string, options?: { body?: unknown; token?: string | null }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
  /**
   * Stops this agent and starts it again in this process, as a service restart does: the same
   * data folder, network, settings, token and ports. Closing the new one removes the data folder
   * when this one would have. `whileStopped` runs between the two (a player joining meanwhile, say).
   */
  restart(whileStopped?: () => Promise<void>): Promise<TestAgent>;
}

export function agentEnv(dataDir: string, network: string, port = 0): Record<string, string> {
  return {
    AGENT_TOKEN,
    AGENT_PORT: String(port),
    AGENT_HOST: '127.0.0.1',
    AGENT_DATA_DIR: dataDir,
    AGENT_NETWORK: network,
    // Any free port: tests run side by side, and 25565 may be a real server's.
    EDGE_PORT: '0',
    EDGE_HOST: '127.0.0.1',
    PING_INTERVAL_MS: '1000',
    QUOTA_INTERVAL_MS: '1000',
    LOG_FORMAT: 'json',
  };
}

/** A real agent in this process, on its own data folder and Docker network. */
export async function startAgent(
  options: { dataDir?: string; network?: string; config?: Record<string, string>; ownsDataDir?: boolean } = {},
): Promise<TestAgent> {
  await requireDocker();
  const ownDir = options.ownsDataDir ?? !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'conductor-agent-'));
  const network = options.network ?? `conductor-test-${RUN_ID}-${Math.random().toString(36).slice(2, 6)}`;
  myNetworks.add(network);
  const config = loadAgentConfig({}, { ...agentEnv(dataDir, network), ...options.config });
  const logs = new LogCapture();
  const agent = new Agent(config, createLogger(config, logs));
  await agent.start();
  const url = `http://127.0.0.1:${agent.port}`;
  return {
    agent,
    url,
    dataDir,
    network,
    logs,
    async request(method, pathname, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? config.AGENT_TOKEN}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${pathname}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
      const text = await res.text();
      return { status: res.status, body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
    },
    async close() {
      await agent.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart(whileStopped) {
      const ports = { AGENT_PORT: String(agent.port), EDGE_PORT: String(agent.edge?.sharedPort ?? 0) };
      await agent.stop();
      await whileStopped?.();
      return startAgent({ dataDir, network, ownsDataDir: ownDir, config: { ...options.config, ...ports } });
    },
  };
}

/** A spec for the test image: flying-squid on a free loopback port. */
export async function testServerSpec(id: string, overrides: Record<string, unknown> = {}) {
  const port = await freePort();
  return {
    spec: {
      id: `${TEST_SERVER_PREFIX}${id}`,
      image: await testImage(),
      startup: '/usr/bin/node /app/server.mjs',
      ports: [{ ip: '127.0.0.1', port }],
      gamePort: 25565,
      limits: { memoryMb: 384, pids: 256 },
      donePattern: 'Done \\(',
      stopCommand: 'stop',
      stopTimeoutSeconds: 15,
      environment: { MOTD: `Conductor ${id}` },
      ...overrides,
    },
    port,
  };
}

/**
 * A node as an operator sets one up: added through the panel's API, its agent started with the
 * token the panel handed out, checked up, and given `ports` free game ports on 127.0.0.1.
 */
export interface TestNode {
  agent: TestAgent;
  nodeId: string;
  gamePorts: number[];
  close(): Promise<void>;
}

export async function startNodeFor(
  panel: TestPanel,
  options: { name: string; ports?: number; agentConfig?: Record<string, string> } = { name: 'node' },
): Promise<TestNode> {
  // Placement counts each server's booked disk (10 GB by default): room for twenty.
  const created = await panel.request('POST', '/api/nodes', {
    body: { name: options.name, scheme: 'http', address: '127.0.0.1', agentPort: 1, memoryMb: 4096, diskMb: 200_000 },
  });
  if (created.status !== 201) throw new Error(`could not add the node: ${JSON.stringify(created.body)}`);
  const nodeId = created.body.node.id as string;
  const agent = await startAgent({ config: { ...options.agentConfig, AGENT_TOKEN: created.body.token } });
  await panel.request('PATCH', `/api/nodes/${nodeId}`, { body: { agentPort: agent.agent.port } });
  const check = await panel.request('POST', `/api/nodes/${nodeId}/check`);
  if (check.body.status !== 'up') throw new Error('the test node does not answer the panel');
  const gamePorts: number[] = [];
  for (let i = 0; i < (options.ports ?? 1); i++) gamePorts.push(await freePort());
  await panel.request('POST', `/api/nodes/${nodeId}/allocations`, { body: { ip: '127.0.0.1', ports: gamePorts.join(',') } });
  const node: TestNode = {
    agent,
    nodeId,
    gamePorts,
    // The node's agent as it is now: a test may have restarted it (TestAgent.restart).
    async close() {
      await node.agent.close();
      await docker
        .getNetwork(node.agent.network)
        .remove()
        .catch(() => undefined);
    },
  };
  return node;
}
