import { expect } from 'chai';
import { DATABASES, docker, freePort, until } from '@conductor/test';
import { createServerFor, holdPort, useServersWorld } from './server-fixtures.js';

/** The host ports the server's running container publishes, as `port/protocol`. */
async function publishedPorts(serverId: string): Promise<string[]> {
  const [container] = await docker.listContainers({ filters: { label: [`conductor.server=${serverId}`] } });
  return (container?.Ports ?? []).filter((p) => p.PublicPort).map((p) => `${p.PublicPort}/${p.Type}`);
}

for (const database of DATABASES) {
  describe(`extra ports of a server (${database})`, function () {
    this.timeout(180_000);
    const world = useServersWorld(database, `extra-ports-${database}`, 4);

    it('adds a free allocation of the node as an extra port (TCP and UDP from the next start), takes it back, and logs both', async () => {
      const { t, node } = world;
      const owner = await t.createUser(`ports-owner-${database}@example.org`);
      const admin = await t.createUser(`ports-admin-${database}@example.org`, { role: 'admin' });
      const adminBrowser = await t.signIn(admin.email);
      const id = await createServerFor(t.panel, owner.id, node.nodeId, 'With a map port');
      const gamePort = (await t.panel.request('GET', `/api/servers/${id}`)).body.address.port as number;
      const extra = node.gamePorts.find((p) => p !== gamePort)!;

      const added = await adminBrowser.post(`/api/servers/${id}/allocations`, { port: extra });
      expect(added.status, JSON.stringify(added.body)).to.equal(201);
      expect(added.body.extraAllocations.map((a: { port: number }) => a.port)).to.deep.equal([extra]);
      expect(added.body.address.port, 'the game port stays').to.equal(gamePort);
      const spec = (await node.agent.request('GET', `/api/servers/${id}`)).body.spec as {
        ports: Array<{ port: number; protocol: string }>;
      };
      expect(spec.ports.filter((p) => p.port === extra).map((p) => p.protocol)).to.deep.equal(['tcp', 'udp']);

      await until('installed', async () => (await t.panel.request('GET', `/api/servers/${id}`)).body.state === 'offline', 60_000);
      expect((await t.panel.request('POST', `/api/servers/${id}/power/start`)).status).to.equal(200);
      const published = await until('the container', async () => {
        const ports = await publishedPorts(id);
        return ports.length ? ports : null;
      });
      expect(published).to.include.members([`${gamePort}/tcp`, `${extra}/tcp`, `${extra}/udp`]);
      await t.panel.request('POST', `/api/servers/${id}/power/kill`);

      const allocationId = added.body.extraAllocations[0].id as number;
      const removed = await adminBrowser.request('DELETE', `/api/servers/${id}/allocations/${allocationId}`);
      expect([removed.status, removed.body.extraAllocations]).to.deep.equal([200, []]);
      const after = (await node.agent.request('GET', `/api/servers/${id}`)).body.spec as { ports: Array<{ port: number }> };
      expect(after.ports.map((p) => p.port)).to.deep.equal([gamePort]);
      const freed = (await t.panel.request('GET', `/api/nodes/${node.nodeId}/allocations`)).body.allocations as Array<{
        id: number;
        serverId: string | null;
      }>;
      expect(freed.find((a) => a.id === allocationId)?.serverId, 'the allocation is free again').to.equal(null);

      const entries = (await adminBrowser.get(`/api/activity/servers/${id}`)).body.activity as Array<{
        action: string;
        data: unknown;
        actor: string;
        ip: string;
      }>;
      const portEntries = entries.filter((e) => e.action.startsWith('server.allocation.')).reverse();
      expect(portEntries.map((e) => [e.action, e.data, e.actor, e.ip])).to.deep.equal([
        ['server.allocation.add', { address: `127.0.0.1:${extra}` }, admin.email, '127.0.0.1'],
        ['server.allocation.remove', { address: `127.0.0.1:${extra}` }, admin.email, '127.0.0.1'],
      ]);
    });

    it('refuses a port something on the host listens on (409 port_in_use) and books nothing', async () => {
      const { t, node } = world;
      const owner = await t.createUser(`ports-busy-${database}@example.org`);
      const id = await createServerFor(t.panel, owner.id, node.nodeId, 'Busy port');
      const allocations = async () =>
        (await t.panel.request('GET', `/api/nodes/${node.nodeId}/allocations`)).body.allocations as Array<{
          port: number;
          serverId: string | null;
        }>;
      const free = (await allocations()).find((a) => a.serverId === null)!;
      const held = await holdPort(free.port);
      try {
        const refused = await t.panel.request('POST', `/api/servers/${id}/allocations`, { body: { port: free.port } });
        expect([refused.status, refused.body.error?.code]).to.deep.equal([409, 'port_in_use']);
        expect(refused.body.error.message).to.contain(String(free.port));
      } finally {
        held.close();
      }
      expect((await allocations()).find((a) => a.port === free.port)?.serverId, 'nothing booked').to.equal(null);
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body.extraAllocations).to.deep.equal([]);
    });

    it('refuses non-admins, unknown fields, ports the node does not have, the game port and allocations of other servers', async () => {
      const { t, node } = world;
      const owner = await t.createUser(`ports-input-${database}@example.org`);
      const id = await createServerFor(t.panel, owner.id, node.nodeId, 'Checked');
      const server = (await t.panel.request('GET', `/api/servers/${id}`)).body as { address: { port: number } };
      const byOwner = await (await t.signIn(owner.email)).post(`/api/servers/${id}/allocations`, {});
      expect(byOwner.status).to.equal(403);

      const post = (body: unknown) => t.panel.request('POST', `/api/servers/${id}/allocations`, { body });
      const unknown = await post({ port: node.gamePorts[0], protocol: 'udp' });
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([400, 'validation_failed']);
      expect(JSON.stringify(unknown.body.error)).to.contain('protocol');
      const elsewhere = await post({ port: await freePort() });
      expect([elsewhere.status, elsewhere.body.error.code]).to.deep.equal([422, 'allocation_not_on_node']);
      const taken = await post({ port: server.address.port });
      expect([taken.status, taken.body.error.code]).to.deep.equal([409, 'allocation_taken']);

      const own = (await t.panel.request('GET', `/api/nodes/${node.nodeId}/allocations`)).body.allocations as Array<{
        id: number;
        port: number;
      }>;
      const primary = own.find((a) => a.port === server.address.port)!;
      const gameRefused = await t.panel.request('DELETE', `/api/servers/${id}/allocations/${primary.id}`);
      expect([gameRefused.status, gameRefused.body.error.code]).to.deep.equal([409, 'primary_allocation']);
      const notOurs = await t.panel.request('DELETE', `/api/servers/${id}/allocations/999999`);
      expect([notOurs.status, notOurs.body.error.code]).to.deep.equal([404, 'allocation_not_found']);
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body.extraAllocations).to.deep.equal([]);
    });
  });
}
