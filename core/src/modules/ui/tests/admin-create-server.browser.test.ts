import { expect } from 'chai';
import { until } from './browser-helpers.js';
import { useUiWorld } from './ui-world.js';

describe('an admin creates a server for an account in a real browser (Chromium)', function () {
  this.timeout(240_000);
  const world = useUiWorld('admin-create-ui-node', 2);

  it('picks the owner from the account page, the node, the port and every limit, and lands on the new server', async () => {
    const { t, node, pages } = world;
    const admin = await t.createUser('creating-admin@example.org', { role: 'admin' });
    const owner = await t.createUser('new-owner@example.org');
    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/admin/users/${owner.id}`);
    await page.getByRole('link', { name: 'Create a server for this account' }).click();
    await page.getByRole('heading', { name: 'Create a server for an account' }).waitFor();
    // The accounts load after the page: the owner from the link is chosen once its option is there.
    await until('the owner chosen', async () => (await page.getByLabel('Owner', { exact: true }).inputValue()) === owner.id);
    await page.getByLabel('Name', { exact: true }).fill('Hand-placed');
    await page.getByLabel('Template', { exact: true }).selectOption('conductor-test');
    await page.getByLabel('Node', { exact: true }).selectOption({ label: 'admin-create-ui-node' });
    const port = node.gamePorts[1]!;
    await page.getByLabel('Port', { exact: true }).fill(String(port));
    await page.getByLabel('Memory (MB)').fill('512');
    await page.getByLabel('CPU (% of a core)').fill('150');
    await page.getByLabel('Disk (MB)').fill('2048');
    await page.getByLabel('Swap (MB)').fill('256');
    await pages.shoot(page, 'admin-create-server-desktop-light');
    await page.getByRole('button', { name: 'Create server' }).click();
    await page.waitForURL(/\/servers\/s[0-9a-f]+/);
    await page.getByRole('heading', { name: 'Hand-placed' }).waitFor();

    const id = new URL(page.url()).pathname.split('/')[2]!;
    const server = (await t.panel.request('GET', `/api/servers/${id}`)).body;
    expect(server).to.deep.include({
      templateId: 'conductor-test',
      ownerId: owner.id,
      nodeId: node.nodeId,
      memoryMb: 512,
      cpuPercent: 150,
      diskMb: 2048,
      swapMb: 256,
    });
    expect(server.address.port).to.equal(port);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
