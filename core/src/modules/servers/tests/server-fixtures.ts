import { testImage, type TestPanel } from '@conductor/test';

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
