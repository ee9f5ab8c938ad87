import { expect } from 'chai';
import { freePort } from '@conductor/test';
import { holdPort } from '../../servers/tests/server-fixtures.js';
import { chooseLocale } from './browser-helpers.js';
import { useUiWorld } from './ui-world.js';

describe('the Network tab in a real browser (Chromium): the address players type, with a copy button', function () {
  this.timeout(240_000);
  const world = useUiWorld('network-ui-node', 0);

  it("shows the node's public name and the port, never 0.0.0.0, in the tab, the header and the list, and copies it", async () => {
    const { t, node, pages } = world;
    const port = await freePort();
    await t.panel.request('POST', `/api/nodes/${node.nodeId}/allocations`, { body: { ip: '0.0.0.0', ports: String(port) } });
    await t.panel.request('PATCH', `/api/nodes/${node.nodeId}`, { body: { publicAddress: 'play.example.org' } });
    const user = await t.createUser('network-player@example.org');
    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Reachable', templateId: 'conductor-test', ownerId: user.id, nodeId: node.nodeId, memoryMb: 256 },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const address = `play.example.org:${port}`;

    const page = await pages.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.panel.url });
    await pages.signIn(page, user.email);
    expect(await page.locator('tr[data-server="Reachable"]').innerText())
      .to.contain(address)
      .and.not.contain('0.0.0.0');

    await page.goto(`${t.panel.url}/servers/${created.body.id}/network`);
    const shown = page.getByTestId('connect-address');
    await shown.waitFor();
    expect(await shown.innerText()).to.contain(address);
    expect(await page.getByText(address).count(), 'the header and the tab').to.be.greaterThan(1);
    await page.getByRole('button', { name: `Copy ${address}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Copied ${address}.` })
      .waitFor();
    // Core compiles without DOM types: the page's navigator as far as this uses it.
    const clipboard = await page.evaluate(() =>
      (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
    );
    expect(clipboard).to.equal(address);
    await pages.shoot(page, 'server-network-desktop-light');

    await chooseLocale(page, 'de');
    await page.reload();
    await page.getByRole('heading', { name: 'Adresse für Spieler' }).waitFor();
    await page.getByRole('button', { name: `${address} kopieren` }).waitFor();
    expect(pages.pageErrors).to.deep.equal([]);
  });

  it('lets an admin add a port on the Network tab (a port in use on the host refused in words), says it opens at the next start, and remove it; the owner only sees it', async () => {
    const { t, node, pages } = world;
    const [game, busy, extra] = [await freePort(), await freePort(), await freePort()];
    await t.panel.request('POST', `/api/nodes/${node.nodeId}/allocations`, {
      body: { ip: '127.0.0.1', ports: `${game},${busy},${extra}` },
    });
    const admin = await t.createUser('ports-admin@example.org', { role: 'admin' });
    const owner = await t.createUser('ports-owner@example.org');
    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Mapped', templateId: 'conductor-test', ownerId: owner.id, nodeId: node.nodeId, port: game, memoryMb: 256 },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as string;

    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/servers/${id}/network`);
    const held = await holdPort(busy);
    try {
      await page.getByRole('spinbutton', { name: 'Port' }).fill(String(busy));
      await page.getByRole('button', { name: 'Add port' }).click();
      await page.getByRole('alert').filter({ hasText: 'That port is already in use on the node’s machine' }).waitFor();
    } finally {
      held.close();
    }
    expect(await page.getByTestId('extra-port').count()).to.equal(0);

    await page.getByRole('spinbutton', { name: 'Port' }).fill(String(extra));
    await page.getByRole('button', { name: 'Add port' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Port ${extra} is added; it opens at the next start.` })
      .waitFor();
    expect(await page.getByTestId('extra-port').innerText()).to.contain(String(extra));
    expect((await t.panel.request('GET', `/api/servers/${id}`)).body.extraAllocations.map((a: { port: number }) => a.port)).to.deep.equal([
      extra,
    ]);
    await pages.shoot(page, 'server-network-ports-desktop-light');

    const ownerPage = await pages.newPage();
    await pages.signIn(ownerPage, owner.email);
    await ownerPage.goto(`${t.panel.url}/servers/${id}/network`);
    await ownerPage.getByTestId('extra-port').waitFor();
    expect(await ownerPage.getByRole('button', { name: 'Add port' }).count()).to.equal(0);
    expect(await ownerPage.getByRole('button', { name: 'Remove' }).count()).to.equal(0);

    await page.getByTestId('extra-port').getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Port ${extra} is removed` })
      .waitFor();
    expect(await page.getByTestId('extra-port').count()).to.equal(0);
    expect((await t.panel.request('GET', `/api/servers/${id}`)).body.extraAllocations).to.deep.equal([]);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
