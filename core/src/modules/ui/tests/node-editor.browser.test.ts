import { expect } from 'chai';
import { until } from './browser-helpers.js';
import { useUiWorld } from './ui-world.js';

describe("the admin's node editor in a real browser: edit a node, delete it only once it is empty", function () {
  this.timeout(240_000);
  const world = useUiWorld('editable');

  it('saves name, location, public address, memory, disk and over-allocation; refuses to delete while a server is on it, naming the count', async () => {
    const { t, node } = world;
    const { pages } = world;
    const admin = await t.createUser('node-keeper@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/admin/nodes`);
    await page.getByRole('button', { name: 'Edit editable' }).click();

    const editor = page.getByRole('form', { name: 'Edit editable' });
    await editor.getByLabel('Name', { exact: true }).fill('edited');
    await editor.getByLabel('Location', { exact: true }).fill('Falkenstein');
    await editor.getByLabel('Public address', { exact: true }).fill('play.example.org');
    await editor.getByLabel('Memory (MB)', { exact: true }).fill('6144');
    await editor.getByLabel('Disk (MB)', { exact: true }).fill('50000');
    await editor.getByLabel('Memory over-allocation (%)', { exact: true }).fill('20');
    await editor.getByLabel('Disk over-allocation (%)', { exact: true }).fill('-10');
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit edited' }).waitFor();
    const stored = (await t.panel.request('GET', `/api/nodes/${node.nodeId}`)).body;
    expect(stored).to.include({
      name: 'edited',
      location: 'Falkenstein',
      publicAddress: 'play.example.org',
      memoryMb: 6144,
      diskMb: 50000,
      memoryOverallocPct: 20,
      diskOverallocPct: -10,
    });

    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Tenant', templateId: 'conductor-test', nodeId: node.nodeId, ownerId: admin.id },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    await page.getByRole('button', { name: 'Edit edited' }).click();
    await page.getByRole('button', { name: 'Delete node' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('The node still has servers on it (1). Move or delete them first.').waitFor();
    expect((await t.panel.request('GET', `/api/nodes/${node.nodeId}`)).status).to.equal(200);

    const id = created.body.id as string;
    await until('the server installed', async () => (await t.panel.request('GET', `/api/servers/${id}`)).body.state === 'offline', 60_000);
    expect((await t.panel.request('DELETE', `/api/servers/${id}`)).status).to.be.oneOf([202, 204]);
    await until('the server gone', async () => (await t.panel.request('GET', `/api/servers/${id}`)).status === 404, 60_000);
    await page.getByRole('button', { name: 'Delete node' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await until('the node gone from the list', async () => (await page.getByRole('button', { name: 'Edit edited' }).count()) === 0, 30_000);
    expect((await t.panel.request('GET', `/api/nodes/${node.nodeId}`)).status).to.equal(404);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
