import { expect } from 'chai';
import { holdingRelay, type HoldingRelay, type TestNode } from '@conductor/test';
import type { AccountsPanel } from '../../accounts/tests/fixtures.js';
import { sleep, until, type BrowserPages } from './browser-helpers.js';
import { startBrowserSuite, type BrowserSuite } from './browser-suite.js';

describe('a server whose node stops answering, in a real browser: the state everywhere, actions refused at once and never run later', function () {
  this.timeout(240_000);
  let suite: BrowserSuite;
  let t: AccountsPanel;
  let node: TestNode;
  let relay: HoldingRelay;
  let pages: BrowserPages;

  before(async () => {
    suite = await startBrowserSuite('frozen-ui');
    ({ t, node, pages } = suite);
    // The panel reaches the agent through a relay that can hold its traffic: a node frozen mid-action.
    relay = await holdingRelay(node.agent.agent.port);
    expect((await t.panel.request('PATCH', `/api/nodes/${node.nodeId}`, { body: { agentPort: relay.port } })).status).to.equal(200);
  });
  after(async () => {
    relay?.release();
    // Back to the agent itself, so the servers can be deleted through it.
    if (suite) await t.panel.request('PATCH', `/api/nodes/${node.nodeId}`, { body: { agentPort: node.agent.agent.port } });
    await suite?.close();
    await relay?.close();
  });

  it('a Restart clicked while the node is frozen fails within seconds with the reason, is not carried out when the node comes back; the page, the list and the Files tab say the node does not answer', async () => {
    const owner = await t.createUser('frozen@example.org');
    const api = await t.signIn(owner.email);
    const server = (await api.post('/api/servers', { name: 'Frosty', templateId: 'conductor-test', expectedPlayers: 10 })).body;
    await api.post(`/api/servers/${server.id}/power/start`);
    await until('running', async () => (await api.get(`/api/servers/${server.id}`)).body.state === 'running', 60_000);
    const startedAt = async () => (await node.agent.request('GET', `/api/servers/${server.id}`)).body.status.startedAt as string;
    const before = await startedAt();

    const page = await pages.newPage();
    await pages.signIn(page, owner.email);
    await page.goto(`${t.panel.url}/servers/${server.id}`);
    await page.getByTestId('state').filter({ hasText: 'Running' }).waitFor();

    relay.hold();
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Restart' }).click();
    await page.getByRole('alert').filter({ hasText: 'node does not answer right now' }).waitFor({ timeout: 20_000 });
    expect(Date.now() - clicked, 'the error comes within seconds, not when the node returns').to.be.below(9_000);
    await page.getByTestId('state').filter({ hasText: 'Node not answering' }).waitFor();
    await page.getByTestId('node-down').waitFor();
    await pages.shoot(page, 'server-node-down-desktop-light');

    // Once the panel's check has found the node down, actions are refused without trying it.
    expect((await t.panel.request('POST', `/api/nodes/${node.nodeId}/check`)).body.status).to.equal('down');
    const refusedAt = Date.now();
    const refused = await api.post(`/api/servers/${server.id}/power/restart`);
    expect(refused.status).to.equal(503);
    expect(refused.body.error.code).to.equal('node_unreachable');
    expect(Date.now() - refusedAt).to.be.below(2_000);
    expect((await api.get(`/api/servers/${server.id}`)).body.nodeStatus).to.equal('down');

    await page.goto(`${t.panel.url}/servers`);
    const row = page.getByRole('row').filter({ hasText: 'Frosty' });
    await row.getByTestId('state').filter({ hasText: 'Node not answering' }).waitFor();
    expect(await row.getByText('0 MB').count(), 'no made-up figures').to.equal(0);

    await page.goto(`${t.panel.url}/servers/${server.id}/files`);
    await page.getByRole('alert').filter({ hasText: 'node does not answer right now' }).waitFor();
    expect(await page.locator('.dropzone').count(), 'no empty drop zone').to.equal(0);

    // The node comes back with everything it was sent while frozen: the restart must not run now.
    await page.goto(`${t.panel.url}/servers/${server.id}`);
    relay.release();
    expect((await t.panel.request('POST', `/api/nodes/${node.nodeId}/check`)).body.status).to.equal('up');
    await page.getByTestId('state').filter({ hasText: 'Running' }).waitFor({ timeout: 15_000 });
    await sleep(3_000);
    expect(await startedAt(), 'the server was not restarted').to.equal(before);
    expect((await api.get(`/api/servers/${server.id}`)).body).to.include({ state: 'running', nodeStatus: 'up' });
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
