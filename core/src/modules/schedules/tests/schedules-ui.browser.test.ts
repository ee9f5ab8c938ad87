import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { buildPanelUi, launchChromium, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import type { Browser as ApiClient } from '../../accounts/tests/browser.js';
import { createServerFor, deleteAllServers } from '../../servers/tests/server-fixtures.js';
import { BrowserPages } from '../../ui/tests/browser-helpers.js';
import { startSchedulesPanel, type SchedulesPanel } from './fixture.js';

/**
 * The Schedules tab in Chromium against a real panel and agent: the builder (preset, zone, the rule
 * in words and its next five runs), the chain editor with core's command task and a plugin's task
 * whose form comes from its options' schema, run now and the history, and a subuser without the key.
 */
describe('schedules UI in a real browser (Chromium): the Schedules tab', function () {
  this.timeout(240_000);
  let t: SchedulesPanel;
  let node: TestNode;
  let browser: Browser;
  let pages: BrowserPages;
  let api: ApiClient;
  let serverId: string;
  let page: Page;

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    await testImage();
    t = await startSchedulesPanel('sqlite');
    node = await startNodeFor(t.panel, { name: 'schedules-ui', ports: 2 });
    pages = new BrowserPages(browser, t.panel.url);
    const owner = await t.createUser('schedules-owner@example.org');
    api = await t.signIn(owner.email);
    serverId = await createServerFor(t.panel, owner.id, node.nodeId, 'Timed');
    page = await pages.newPage();
    await pages.signIn(page, owner.email);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    if (t) await deleteAllServers(t.panel).catch(() => undefined);
    await t?.close();
    await node?.close();
  });

  it('builds a chain with a preset in a zone (said in words, next five runs), saves it, runs it now and shows each task’s result; a subuser without schedule.read has no tab', async () => {
    await page.goto(`${t.panel.url}/servers/${serverId}/schedules`);
    await page.getByText('No schedules yet.').waitFor();
    await page.getByRole('button', { name: 'New schedule' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Evening');
    await page.getByLabel('At (HH:MM)').fill('18:00');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    const preview = page.getByTestId('schedule-preview');
    await preview.getByText('every day at 18:00 Europe/Berlin').waitFor();
    expect(await preview.locator('li').count(), 'the next five runs').to.equal(5);
    await page.getByLabel('Repeat').selectOption('weekly');
    await page.getByLabel('On', { exact: true }).selectOption({ label: 'Monday' });
    await preview.getByText('every Monday at 18:00 Europe/Berlin').waitFor();

    await page.getByLabel('Task type').selectOption({ label: 'Send a console command' });
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.locator('#task-0-command').fill('say good evening');
    await page.getByTestId('task-0').getByLabel('Go on if this task fails').check();
    // A plugin's task type: its form is made from the JSON Schema of its options.
    await page.getByLabel('Task type').selectOption({ label: 'Note the time' });
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.locator('#task-1-label').fill('from the browser');
    await page.getByTestId('task-1').getByLabel('Wait before it (seconds, 0–900)').fill('1');
    await page.getByRole('button', { name: 'Save schedule' }).click();

    const card = page.getByTestId('schedule-Evening');
    await card.getByText('every Monday at 18:00 Europe/Berlin').waitFor();
    await card.getByText('Send a console command → Note the time').waitFor();
    const [saved] = (await api.get(`/api/schedules/servers/${serverId}/schedules`)).body.schedules;
    expect(saved).to.deep.include({ name: 'Evening', cron: '0 18 * * 1', timezone: 'Europe/Berlin', active: true });
    expect(
      saved.tasks.map((x: { type: string; options: unknown; delaySeconds: number; continueOnFailure: boolean }) => [
        x.type,
        x.options,
        x.delaySeconds,
        x.continueOnFailure,
      ]),
    ).to.deep.equal([
      ['command', { command: 'say good evening' }, 0, true],
      ['mark', { label: 'from the browser' }, 1, false],
    ]);

    // Run now: the history opens and follows the run; the command fails on the offline server, the chain goes on.
    await card.getByRole('button', { name: 'Run now' }).click();
    await page.getByText('“Evening” started.').waitFor();
    const run = card.locator('tbody tr').first();
    await until(
      'the run finished',
      async () => (await api.get(`/api/schedules/servers/${serverId}/schedules/${saved.id}/runs`)).body.runs[0]?.status === 'failed',
      30_000,
    );
    expect(t.marks.map((m) => m.label)).to.deep.equal(['from the browser']);
    // Opened by itself and read again until the run ended (nobody clicked History).
    await run.getByText('Failed', { exact: false }).first().waitFor();
    await run.getByText('command: failed', { exact: false }).waitFor();
    await run.getByText('mark: done').waitFor();
    await pages.shoot(page, 'schedules-tab-desktop');
    expect(pages.pageErrors).to.deep.equal([]);

    // Bulk: one schedule onto the selected servers from the server list, each answered on its own.
    const second = await createServerFor(t.panel, (await api.get('/api/auth/me')).body.user.id, node.nodeId, 'Timed too');
    await page.goto(`${t.panel.url}/servers`);
    await page.getByLabel('Select Timed', { exact: true }).check();
    await page.getByLabel('Select Timed too').check();
    await page.getByRole('button', { name: 'Apply a schedule' }).click();
    await page.getByRole('heading', { name: 'One schedule for 2 servers' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Restart at dawn');
    await page.getByLabel('At (HH:MM)').fill('05:00');
    await page.getByLabel('Time zone').fill('UTC');
    await page.getByLabel('Task type').selectOption({ label: 'Start, stop, restart or kill the server' });
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.locator('#task-0-action').selectOption('restart');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    const results = page.getByTestId('bulk-results');
    await results.getByText('Timed too').waitFor();
    expect(await results.getByText('done').count(), 'made on both').to.equal(2);
    for (const id of [serverId, second]) {
      const names = (await api.get(`/api/schedules/servers/${id}/schedules`)).body.schedules.map(
        (x: { name: string; cron: string; tasks: Array<{ options: unknown }> }) => [x.name, x.cron, x.tasks[0]!.options],
      );
      expect(names).to.deep.include(['Restart at dawn', '0 5 * * *', { action: 'restart' }]);
    }
    await pages.shoot(page, 'schedules-bulk-desktop');

    const viewer = await t.createUser('schedules-viewer@example.org');
    expect(
      (await api.post(`/api/auth/servers/${serverId}/subusers`, { email: viewer.email, permissions: ['control.console'] })).status,
    ).to.equal(201);
    const viewerPage = await pages.newPage();
    await pages.signIn(viewerPage, viewer.email);
    await viewerPage.goto(`${t.panel.url}/servers/${serverId}`);
    const tabs = viewerPage.getByRole('navigation', { name: 'Server sections' });
    await tabs.getByRole('link', { name: 'Console' }).waitFor();
    expect(await tabs.getByRole('link', { name: 'Schedules' }).count(), 'no Schedules tab without schedule.read').to.equal(0);
    await page.goto(`${t.panel.url}/servers/${serverId}`);
    await page.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Schedules' }).waitFor();
  });
});
