import { createServer, type Server } from 'node:net';
import { startNodeFor, testImage, until, type DatabaseKind, type TestNode, type TestPanel } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';

/** An image on a registry nothing answers at (nothing listens on port 1). */
export const UNREACHABLE_IMAGE = '127.0.0.1:1/none:latest';

/** A copy of the test template whose game image lives on a registry that cannot be reached (its install runs locally). */
export async function unreachableTemplate(panel: TestPanel, id: string): Promise<void> {
  const base = (await panel.request('GET', '/api/templates/conductor-test')).body.template;
  const template = {
    ...base,
    id,
    images: [{ name: 'Unreachable', image: UNREACHABLE_IMAGE }],
    install: {
      image: await testImage(),
      entrypoint: ['/usr/bin/node'],
      script: "require('fs').writeFileSync('/mnt/server/installed.txt', 'ok')\n",
    },
  };
  const created = await panel.request('POST', '/api/templates', { body: template });
  if (created.status !== 201) throw new Error(`could not add the template: ${JSON.stringify(created.body)}`);
}

/** Deletes every server of a test panel (containers and files on their nodes too), for an after hook. */
export async function deleteAllServers(panel: TestPanel): Promise<void> {
  const { servers } = (await panel.request('GET', '/api/servers?limit=1000')).body as { servers: Array<{ id: string }> };
  if (servers.length) await panel.request('POST', '/api/servers/bulk', { body: { action: 'delete', serverIds: servers.map((s) => s.id) } });
}

/** A server made through the API for its owner, on the given node (as an admin places it); its id. */
export async function createServerFor(panel: TestPanel, ownerId: string, nodeId: string, name: string): Promise<string> {
  const created = await panel.request('POST', '/api/servers', {
    body: { name, templateId: 'conductor-test', ownerId, nodeId, memoryMb: 256 },
  });
  if (created.status !== 201) throw new Error(`create server: ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

/** A server made as createServerFor does, once its install finished (offline); its id. */
export async function installedServerFor(panel: TestPanel, ownerId: string, nodeId: string, name: string): Promise<string> {
  const id = await createServerFor(panel, ownerId, nodeId, name);
  await until('installed', async () => (await panel.request('GET', `/api/servers/${id}`)).body.state === 'offline', 60_000);
  return id;
}

/** A server made and installed as above, then started and running; its id. */
export async function runningServerFor(panel: TestPanel, ownerId: string, nodeId: string, name: string): Promise<string> {
  const id = await installedServerFor(panel, ownerId, nodeId, name);
  const started = await panel.request('POST', `/api/servers/${id}/power/start`);
  if (started.status !== 200) throw new Error(`start server: ${JSON.stringify(started.body)}`);
  await until('running', async () => (await panel.request('GET', `/api/servers/${id}`)).body.state === 'running', 60_000);
  return id;
}

/**
 * A panel with accounts and one real node for the calling describe: set up in its before hook and
 * taken down (servers, panel, node) in its after hook; the fields are there once the before hook ran.
 */
export function useServersWorld(database: DatabaseKind, nodeName: string, ports = 1): { t: AccountsPanel; node: TestNode } {
  const world = {} as { t: AccountsPanel; node: TestNode };
  before(async () => {
    await testImage();
    world.t = await startAccountsPanel(database);
    world.node = await startNodeFor(world.t.panel, { name: nodeName, ports });
  });
  after(async () => {
    if (world.t) await deleteAllServers(world.t.panel);
    await world.t?.close();
    await world.node?.close();
  });
  return world;
}

/** Something outside the panel holding a port on the host, as another program would. */
export function holdPort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port }, () => resolve(s));
  });
}
