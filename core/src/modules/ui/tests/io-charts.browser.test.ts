import { expect } from 'chai';
import { runningServerFor } from '../../servers/tests/server-fixtures.js';
import { useUiWorld } from './ui-world.js';

describe('network and disk charts in a real browser (Chromium): live and stored, beside CPU, memory and players', function () {
  this.timeout(240_000);
  const world = useUiWorld('io-charts');

  it('draws network received and sent, disk used, reads and writes from the live feed and from stored samples', async () => {
    const { t, node, pages } = world;
    const owner = await t.createUser('charts-owner@example.org');
    const id = await runningServerFor(t.panel, owner.id, node.nodeId, 'Charted');

    const page = await pages.newPage();
    await pages.signIn(page, owner.email);
    await page.goto(`${t.panel.url}/servers/${id}/stats`);
    // Live: the second sample of the feed gives the first rate (bytes per second between the two).
    for (const title of ['Network received', 'Network sent', 'Disk reads', 'Disk writes'])
      await page.getByRole('img', { name: new RegExp(`^${title}: .*/s$`) }).waitFor({ timeout: 60_000 });
    await page.getByRole('img', { name: /^Disk used: / }).waitFor();
    expect(await page.locator('[data-testid="chart-plot"] canvas').count(), 'a plot per chart').to.be.at.least(8);

    // Stored: two collections a few seconds apart give a stored rate.
    const { statsCollector } = t.panel.kernel.containerOf('metrics').cradle;
    await statsCollector.collect(new Date(Date.now() - 3_000));
    await statsCollector.collect();
    await page.getByLabel('Range').selectOption('1h');
    await page.getByTestId('stats-resolution').filter({ hasText: 'One point every 10 seconds' }).waitFor();
    const stored = page.getByRole('img', { name: /^Network received: .*\/s; Peak: / });
    await stored.waitFor();
    await pages.shoot(page, 'server-charts-io-desktop-light');
    await t.panel.request('POST', `/api/servers/${id}/power/kill`);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
