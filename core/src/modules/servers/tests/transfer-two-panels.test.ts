import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createStorage, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';

describe('a transfer on two panels sharing one PostgreSQL', function () {
  this.timeout(300_000);
  let storage: Awaited<ReturnType<typeof createStorage>>;
  let one: AccountsPanel;
  let two: AccountsPanel;
  let a: TestNode;
  let b: TestNode;

  before(async () => {
    await testImage();
    storage = await createStorage('postgres');
    one = await startAccountsPanel('postgres', { storage });
    two = await startAccountsPanel('postgres', { storage });
    a = await startNodeFor(one.panel, { name: 'transfer-panels-a', ports: 2 });
    // Both agents drive the one Docker engine: their game containers need their own names.
    b = await startNodeFor(one.panel, { name: 'transfer-panels-b', ports: 2, agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-b-' } });
  });
  after(async () => {
    await deleteAllServers(one.panel).catch(() => undefined);
    await two?.close();
    await one?.close();
    await a?.close();
    await b?.close();
    await storage?.cleanup();
  });

  const server = async (id: string) => (await two.panel.request('GET', `/api/servers/${id}`)).body;

  /** An offline server on node a with `mb` MB of random bytes: big enough that its copy takes a while. */
  async function serverOnA(name: string, mb: number): Promise<string> {
    const owner = await one.createUser(`${name.toLowerCase()}@example.org`);
    const created = await one.panel.request('POST', '/api/servers', {
      body: { name, templateId: 'conductor-test', nodeId: a.nodeId, ownerId: owner.id },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as string;
    await until('installed', async () => (await server(id)).state === 'offline', 60_000);
    writeFileSync(path.join(a.agent.dataDir, 'volumes', id, 'random.bin'), randomBytes(mb * 1_048_576));
    return id;
  }

  it("answers a transfer's progress through the other panel, refuses a second one there, and ends it cancelled from there", async () => {
    const id = await serverOnA('Cancelled', 256);
    const started = await one.panel.request('POST', `/api/servers/${id}/transfer`, { body: { nodeId: b.nodeId } });
    expect(started.status, JSON.stringify(started.body)).to.equal(202);

    const seen = await two.panel.request('GET', `/api/servers/${id}/transfer`);
    expect(seen.status, JSON.stringify(seen.body)).to.equal(200);
    expect(seen.body).to.deep.include({ serverId: id, from: a.nodeId, to: b.nodeId, state: 'running' });
    const again = await two.panel.request('POST', `/api/servers/${id}/transfer`, { body: { nodeId: b.nodeId } });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('transfer_in_progress');

    const cancelled = await two.panel.request('DELETE', `/api/servers/${id}/transfer`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
    expect(cancelled.body).to.deep.include({ state: 'cancelled' });
    expect(cancelled.body.error.code).to.equal('transfer_cancelled');
    expect((await one.panel.request('GET', `/api/servers/${id}/transfer`)).body).to.deep.include({ state: 'cancelled' });
    expect((await server(id)).nodeId, 'still on its own node').to.equal(a.nodeId);
  });

  it('reports a transfer run by one panel as succeeded through the other', async () => {
    const id = await serverOnA('Moved', 1);
    const started = await one.panel.request('POST', `/api/servers/${id}/transfer`, { body: { nodeId: b.nodeId } });
    expect(started.status, JSON.stringify(started.body)).to.equal(202);
    const done = await until(
      'the transfer to end, seen through panel two',
      async () => {
        const res = await two.panel.request('GET', `/api/servers/${id}/transfer`);
        return res.body.state !== 'running' && res.body;
      },
      120_000,
    );
    expect(done, JSON.stringify(done)).to.deep.include({ state: 'succeeded', step: 'cleaning_up', error: null });
    expect((await server(id)).nodeId).to.equal(b.nodeId);
  });
});
