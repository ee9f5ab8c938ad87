import { expect } from 'chai';
import { chooseLocale } from './browser-helpers.js';
import { useUiWorld } from './ui-world.js';

describe('the Startup tab in a real browser (Chromium): command, variables with their rules, image', function () {
  this.timeout(240_000);
  const world = useUiWorld('startup-ui-node');

  it('shows the rules beside each variable, refuses a value against its rule with the rule named, and saves a good one for the next start', async () => {
    const { t, node, pages } = world;
    const owner = await t.createUser('startup-owner@example.org');
    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Configurable', templateId: 'conductor-test', ownerId: owner.id, nodeId: node.nodeId, memoryMb: 256 },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const page = await pages.newPage();
    await pages.signIn(page, owner.email);
    await page.goto(`${t.panel.url}/servers/${created.body.id}/startup`);
    expect(await page.getByTestId('startup-command').innerText()).to.equal('/usr/bin/node /app/server.mjs');
    await page.getByText('required · a whole number · at least 1 · at most 1000').waitFor();
    await page.getByText('Changes apply at the next start of the server').waitFor();

    const maxPlayers = page.getByLabel('Max players (MAX_PLAYERS)');
    await maxPlayers.fill('5000');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.getByRole('alert').innerText()).to.equal('variables.MAX_PLAYERS must be at most 1000');
    expect((await t.panel.request('GET', `/api/servers/${created.body.id}`)).body.variables.MAX_PLAYERS).to.equal('20');

    await maxPlayers.fill('42');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. The server uses this from its next start.').waitFor();
    expect((await t.panel.request('GET', `/api/servers/${created.body.id}`)).body.variables.MAX_PLAYERS).to.equal('42');
    await pages.shoot(page, 'server-startup-desktop-light');

    await chooseLocale(page, 'de');
    await page.reload();
    await page.getByText('Pflichtfeld · eine ganze Zahl · mindestens 1 · höchstens 1000').waitFor();
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
