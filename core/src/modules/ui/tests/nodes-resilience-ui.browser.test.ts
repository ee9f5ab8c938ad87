import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { buildPanelUi, launchChromium, startNodeFor, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { BrowserPages } from './browser-helpers.js';

describe('draining a node, its self-healing plan and garbage collection on the admin nodes page in a real browser', function () {
  this.timeout(180_000);
  let t: AccountsPanel;
  let a: TestNode;
  let browser: Browser;
  let pages: BrowserPages;

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    t = await startAccountsPanel('sqlite');
    a = await startNodeFor(t.panel, { name: 'maintained' });
    pages = new BrowserPages(browser, t.panel.url);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    await t?.close();
    await a?.close();
  });

  it('an admin drains a node, sees it drained, and ends the drain', async () => {
    const admin = await t.createUser('drainer@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/admin/nodes`);
    const row = page.getByRole('row').filter({ hasText: 'maintained' });
    await row.getByRole('button', { name: 'Drain', exact: true }).click();
    await row.getByText('Drained', { exact: true }).waitFor();
    expect((await t.panel.request('GET', '/api/servers/drains')).body.drains).to.deep.equal([
      { nodeId: a.nodeId, state: 'done', pending: [], moved: [], failed: [] },
    ]);
    await pages.shoot(page, 'admin-nodes-drained-desktop-light');
    await row.getByRole('button', { name: 'End drain' }).click();
    await row.getByRole('button', { name: 'Drain', exact: true }).waitFor();
    expect(await row.getByText('Drained', { exact: true }).count()).to.equal(0);
    expect((await t.panel.request('GET', '/api/servers/drains')).body.drains).to.deep.equal([]);
    expect(pages.pageErrors).to.deep.equal([]);
  });

  it('an admin sees a node a plugin closed as draining and ends the closure', async () => {
    // As scaling's scale-down closes a node it empties (nodeDrain.close).
    await t.panel.kernel.containerOf('servers').cradle.nodeDrain.close(a.nodeId);
    const admin = await t.createUser('closer@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/admin/nodes`);
    const row = page.getByRole('row').filter({ hasText: 'maintained' });
    await row.getByText('Draining', { exact: true }).waitFor();
    await row.getByText('emptied by a plugin', { exact: false }).waitFor();
    await row.getByRole('button', { name: 'End drain' }).click();
    await row.getByRole('button', { name: 'Drain', exact: true }).waitFor();
    expect((await t.panel.request('GET', '/api/servers/drains')).body.drains).to.deep.equal([]);
    expect(pages.pageErrors).to.deep.equal([]);
  });

  it('an admin sees what a loss of the node would do and keeps one server out of self-healing', async () => {
    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Pinned', templateId: 'conductor-test', nodeId: a.nodeId, memoryMb: 256 },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const admin = await t.createUser('healer@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/admin/nodes`);
    await page.getByRole('row').filter({ hasText: 'maintained' }).getByRole('button', { name: 'If lost' }).click();
    const plan = page.getByTestId('healing-plan');
    // No backups plugin in this panel: no remote backup, so the server would be marked lost.
    await plan.getByText('Marked lost').waitFor();
    await plan.getByLabel('Self-healing for Pinned').uncheck();
    await plan.getByText('Left where it is').waitFor();
    await plan.getByText('self-healing is off for this server', { exact: false }).waitFor();
    expect((await t.panel.request('GET', `/api/servers/${created.body.id}/self-healing`)).body).to.deep.equal({ enabled: false });
    await pages.shoot(page, 'admin-nodes-healing-plan-desktop-light');
    expect(pages.pageErrors).to.deep.equal([]);
    await t.panel.request('DELETE', `/api/servers/${created.body.id}`);
  });

  it('an admin sets the self-healing policy and sees its dry run change beside it', async () => {
    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Stopped', templateId: 'conductor-test', nodeId: a.nodeId, memoryMb: 256 },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const admin = await t.createUser('policy@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/admin/nodes`);
    const card = page.getByTestId('healing-policy');
    await card.getByLabel('Dry run', { exact: false }).selectOption({ label: 'maintained' });
    const plan = card.getByTestId('healing-plan');
    await plan.getByText('Marked lost').waitFor();
    expect(await card.getByLabel('Bring a lost node’s servers back elsewhere').isChecked()).to.equal(true);
    await card.getByLabel('Wait before a silent node is lost', { exact: false }).fill('240');
    await card.getByLabel('Which servers').selectOption('running');
    await card.getByRole('button', { name: 'Save policy' }).click();
    await card.getByText('self-healing takes only running servers', { exact: false }).waitFor();
    expect((await t.panel.request('GET', '/api/servers/healing/policy')).body).to.deep.equal({
      enabled: true,
      lostAfterSeconds: 240,
      servers: 'running',
    });
    await card.getByLabel('Bring a lost node’s servers back elsewhere').uncheck();
    await card.getByRole('button', { name: 'Save policy' }).click();
    await plan.getByText('· self-healing is off', { exact: true }).waitFor();
    expect((await t.panel.request('GET', '/api/servers/healing/policy')).body.enabled).to.equal(false);
    await pages.shoot(page, 'admin-nodes-healing-policy-desktop-light');
    expect(pages.pageErrors).to.deep.equal([]);
    await t.panel.request('DELETE', `/api/servers/${created.body.id}`);
  });

  it('an admin scans for orphans, sees a folder no server owns, and removes it after confirming', async () => {
    const stray = path.join(a.agent.dataDir, 'volumes', 'sleftbehind01');
    mkdirSync(stray);
    const admin = await t.createUser('collector@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/admin/nodes`);
    const card = page.getByTestId('gc-report');
    await card.getByText('No report yet', { exact: false }).waitFor();
    await card.getByRole('button', { name: 'Scan now' }).click();
    await card.getByText('Folder without a server').waitFor();
    await card.getByText('sleftbehind01', { exact: false }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await card.getByRole('button', { name: 'Remove orphans' }).click();
    await card.getByText('Removed', { exact: true }).waitFor();
    expect(existsSync(stray)).to.equal(false);
    await pages.shoot(page, 'admin-nodes-gc-desktop-light');
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
