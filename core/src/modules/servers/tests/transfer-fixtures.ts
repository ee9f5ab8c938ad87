import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { type TestNode, type TestPanel, until } from '@conductor/test';

export const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
export const volume = (node: TestNode, serverId: string) => path.join(node.agent.dataDir, 'volumes', serverId);

/** A running server on the node, owned by a user, with a text file and `randomMb` MB of random bytes written beside the game's files. */
export async function runningServerOn(panel: TestPanel, node: TestNode, owner: { id: string }, name: string, randomMb = 8) {
  const server = async (id: string) => (await panel.request('GET', `/api/servers/${id}`)).body;
  const created = await panel.request('POST', '/api/servers', {
    body: { name, templateId: 'conductor-test', nodeId: node.nodeId, ownerId: owner.id },
  });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  const id = created.body.id as string;
  await until('installed', async () => (await server(id)).state === 'offline', 60_000);
  expect((await panel.request('POST', `/api/servers/${id}/power/start`)).status).to.equal(200);
  await until('running', async () => (await server(id)).state === 'running', 60_000);
  writeFileSync(path.join(volume(node, id), 'notes.txt'), `kept across nodes by ${name}\n`);
  writeFileSync(path.join(volume(node, id), 'random.bin'), randomBytes(randomMb * 1_048_576));
  return {
    id,
    port: (await server(id)).address.port as number,
    sums: { notes: sha256(path.join(volume(node, id), 'notes.txt')), random: sha256(path.join(volume(node, id), 'random.bin')) },
  };
}

/** The server's transfer once it is no longer running. */
export const transferEnded = (panel: TestPanel, id: string, withinMs = 180_000) =>
  until(
    'the transfer to end',
    async () => {
      const status = (await panel.request('GET', `/api/servers/${id}/transfer`)).body;
      return status.state !== 'running' ? status : undefined;
    },
    withinMs,
  );
