import { expect } from 'chai';
import { BrowserPages, buildPanelUi, launchChromium, until } from '@conductor/test';
import { PASSWORD } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { startScalingPanel, type ScalingPanel } from './fixture.js';

/** The Fleet page in Chromium against a real panel whose cloud is the fake Hetzner with real agents in containers. */
describe('the Fleet page in a real browser (Chromium): policy editor, cloud and static nodes with prices, the decisions', function () {
  this.timeout(240_000);
  let t: ScalingPanel;
  let pages: BrowserPages;

  before(async () => {
    pages = new BrowserPages(await launchChromium(), () => t.panel.url);
    buildPanelUi();
    t = await startScalingPanel('sqlite');
  });
  after(async () => {
    await pages?.close();
    await t?.close();
  });

  it('lets an admin set a policy, refuses a wrong one with the reason, and shows the ordered node with its price and the decision', async () => {
    const admin = await t.createUser('fleet-admin@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email, PASSWORD);
    await page.goto(`${t.panel.url}/p/fleet`);
    await page.getByText('No cluster is scaled yet.', { exact: false }).waitFor();
    await page.locator(`[data-testid="fleet-nodes"] tr[data-node="static-sqlite"]`).getByText('Static', { exact: true }).waitFor();

    const form = page.getByTestId('policy-form');
    await form.getByLabel('Cluster name').fill('eu');
    await form.getByLabel('Fewest cloud nodes').fill('3');
    await form.getByLabel('Most cloud nodes').fill('1');
    await form.getByLabel('Server types, cheapest first (comma-separated)').fill('cx22');
    await form.getByLabel('Locations (comma-separated)').fill('fsn1');
    await form.getByLabel('Monthly budget (€)').fill('10');
    await form.getByLabel('Game ports of a new node').fill('25565-25566');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await form.getByRole('alert').waitFor();
    expect((await t.panel.request('GET', '/api/scaling/clusters')).body.clusters, 'nothing saved').to.deep.equal([]);

    await form.getByLabel('Fewest cloud nodes').fill('1');
    await form.getByLabel('Most cloud nodes').fill('2');
    expect(await form.getByLabel('Placement of new and moved servers').inputValue(), 'packing by default').to.equal('pack');
    await form.getByLabel('Placement of new and moved servers').selectOption('spread');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await form.getByRole('status').getByText('Saved.').waitFor();
    const [cluster] = (await t.panel.request('GET', '/api/scaling/clusters')).body.clusters;
    expect(cluster.policy).to.deep.include({
      minNodes: 1,
      maxNodes: 2,
      serverTypes: ['cx22'],
      monthlyBudgetCents: 1000,
      gamePorts: '25565-25566',
      placement: 'spread',
    });

    await until(
      'the minimum node to join',
      async () => {
        await t.panel.request('POST', '/api/scaling/reconcile', { body: {} });
        return (await t.panel.request('GET', '/api/events?type=scaling.node_joined')).body.events.length > 0;
      },
      90_000,
    );
    await page.reload();
    const cloudRow = page.locator('[data-testid="fleet-nodes"] tr', { hasText: 'cx22 (fsn1)' });
    await cloudRow.waitFor();
    expect(await cloudRow.innerText()).to.match(/Cloud\s+eu\s+ready\s+cx22 \(fsn1\)\s+4\.51 €/);
    expect(await page.getByTestId('fleet-total').innerText()).to.equal('Cloud nodes cost 4.51 € a month.');
    const decision = page.locator('[data-testid="scaling-timeline"] li[data-type="scaling.scale_up"]');
    expect(await decision.innerText())
      .to.match(/Ordered a node · eu · \+4\.51 €\/month/)
      .and.to.match(/under its minimum of 1/);
    await page.locator('[data-testid="scaling-timeline"] li[data-type="scaling.node_joined"]').getByText('A node joined').waitFor();
    expect(pages.errors).to.deep.equal([]);
  });
});
