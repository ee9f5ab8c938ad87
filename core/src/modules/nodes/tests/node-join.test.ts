import { expect } from 'chai';
import { DATABASES, docker, freePort, RUN_ID, startPanel, until, type TestPanel } from '@conductor/test';
import { FakeHetzner } from '../../../../../test/fixtures/hetzner/server.js';
import { ContainerVms, VM_LABEL, vmLogs } from '../../../../../test/fixtures/hetzner/node-vm.js';
import { renderNodeCloudInit } from '../cloud-init.js';

for (const database of DATABASES) {
  describe(`a provisioned machine joins the panel with a one-time token (${database})`, function () {
    this.timeout(120_000);
    let panel: TestPanel;
    let cloud: FakeHetzner;

    before(async () => {
      panel = await startPanel({ database });
      cloud = await new FakeHetzner(new ContainerVms()).start();
    });
    after(async () => {
      await cloud?.stop();
      await panel?.close();
    });

    const joins = () => panel.kernel.containerOf('nodes').cradle.nodeJoins;
    const join = (body: unknown) => panel.request('POST', '/api/nodes/join', { body, auth: false });
    const vmContainers = async (id: number) =>
      docker.listContainers({ all: true, filters: { label: [`${VM_LABEL}=${RUN_ID}`, `conductor.test.vm=${id}`] } });

    it('boots a machine whose agent trades the token for a node of its own; the panel then reaches it; deleting the machine removes it', async () => {
      const agentPort = await freePort();
      const { id: tokenId, token } = await joins().issue(
        {
          node: { name: `joined-${database}`, scheme: 'http', address: '127.0.0.1', agentPort, memoryMb: 4096, diskMb: 40_000 },
          ports: '25565-25567',
        },
        600,
      );
      const userData = renderNodeCloudInit({ panelUrl: panel.url, token, sourceUrl: 'https://example.org/conductor.tar.gz', agentPort });
      const created = await fetch(`${cloud.baseUrl}/servers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cloud.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `node-${database}`, server_type: 'cx22', image: 'debian-12', user_data: userData, labels: {} }),
      }).then((r) => r.json() as Promise<{ server: { id: number; public_net: { ipv4: { ip: string } } } }>);
      const ip = created.server.public_net.ipv4.ip;
      expect(ip).to.not.equal('127.0.0.1');
      // The address is known once the cloud answers, before the machine has booted.
      await joins().respecify(tokenId, {
        node: { name: `joined-${database}`, scheme: 'http', address: ip, agentPort, memoryMb: 4096, diskMb: 40_000 },
        ports: '25565-25567',
      });

      const nodeId = await until('the machine to join', () => joins().nodeOf(tokenId), 60_000).catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await vmLogs(created.server.id)}`);
      });
      const node = (await panel.request('GET', `/api/nodes/${nodeId}`)).body;
      expect(node).to.deep.include({ name: `joined-${database}`, address: ip, agentPort, local: false });
      await until(
        'the panel to reach the joined agent',
        async () => (await panel.request('POST', `/api/nodes/${nodeId}/check`)).body.status === 'up',
        30_000,
      );
      const allocations = (await panel.request('GET', `/api/nodes/${nodeId}/allocations`)).body.allocations as Array<{
        ip: string;
        port: number;
      }>;
      expect(allocations.map((a) => `${a.ip}:${a.port}`)).to.deep.equal([`${ip}:25565`, `${ip}:25566`, `${ip}:25567`]);

      // The same token again: refused, with nothing added.
      const again = await join({ token });
      expect([again.status, again.body.error?.code]).to.deep.equal([409, 'join_token_used']);
      expect(
        (await panel.request('GET', '/api/nodes')).body.nodes.filter((n: { name: string }) => n.name === `joined-${database}`),
      ).to.have.length(1);

      expect(await vmContainers(created.server.id)).to.have.length(1);
      const deleted = await fetch(`${cloud.baseUrl}/servers/${created.server.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${cloud.token}` },
      });
      expect(deleted.status).to.equal(200);
      await until('the machine to be gone', async () => (await vmContainers(created.server.id)).length === 0, 30_000);
      expect((await panel.request('POST', `/api/nodes/${nodeId}/check`)).body.status).to.equal('down');
    });

    it('refuses an expired token, an unknown one and unknown fields, with a stable code and no node made', async () => {
      const before = (await panel.request('GET', '/api/nodes')).body.nodes.length;
      const spec = {
        node: { name: `late-${database}`, scheme: 'http' as const, address: '127.0.0.1', agentPort: 1, memoryMb: 1024, diskMb: 10_000 },
      };
      const { token } = await joins().issue(spec, 0);
      const expired = await join({ token });
      expect([expired.status, expired.body.error?.code]).to.deep.equal([410, 'join_token_expired']);
      const unknown = await join({ token: 'cdj_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
      expect([unknown.status, unknown.body.error?.code]).to.deep.equal([401, 'join_token_invalid']);
      const { token: fresh } = await joins().issue({ ...spec, node: { ...spec.node, name: `fresh-${database}` } }, 600);
      const extra = await join({ token: fresh, name: 'mine' });
      expect([extra.status, extra.body.error?.code]).to.deep.equal([400, 'validation_failed']);
      expect((await panel.request('GET', '/api/nodes')).body.nodes.length).to.equal(before);
      // The refused request did not spend it.
      expect((await join({ token: fresh })).status).to.equal(201);
    });
  });
}
