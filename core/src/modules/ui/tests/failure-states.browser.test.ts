import { expect } from 'chai';
import { docker, testImage, type TestNode } from '@conductor/test';
import type { AccountsPanel } from '../../accounts/tests/fixtures.js';
import { chooseLocale, until, type BrowserPages } from './browser-helpers.js';
import { startBrowserSuite, type BrowserSuite } from './browser-suite.js';

describe('a crash and a failed install in a real browser: the state in words, the last exit, what to do', function () {
  this.timeout(240_000);
  let suite: BrowserSuite;
  let t: AccountsPanel;
  let node: TestNode;
  let pages: BrowserPages;

  before(async () => {
    suite = await startBrowserSuite('failures-ui', { ports: 2 });
    ({ t, node, pages } = suite);
  });
  after(() => suite?.close());

  const agentStatus = async (id: string) => (await node.agent.request('GET', `/api/servers/${id}`)).body.status;
  // The panel mirrors the node's events as it reads them; a check makes it read them now.
  const readEvents = () => t.panel.request('POST', `/api/nodes/${node.nodeId}/check`);

  it('a server killed twice within the crash window reads Crashed with the exit code and time and what to do; the page shows the last exit', async () => {
    const owner = await t.createUser('crashy@example.org');
    const api = await t.signIn(owner.email);
    const server = (await api.post('/api/servers', { name: 'Crashy', templateId: 'conductor-test', expectedPlayers: 10 })).body;
    await api.post(`/api/servers/${server.id}/power/start`);
    await until('running', async () => (await agentStatus(server.id)).state === 'running', 60_000);

    // Killed from outside (exit 137): the node starts it again once, and leaves it after a second crash.
    const first = await agentStatus(server.id);
    await docker.getContainer(first.containerId).kill();
    await until(
      'restarted after the crash',
      async () => {
        const s = await agentStatus(server.id);
        return s.state === 'running' && s.startedAt !== first.startedAt;
      },
      60_000,
    );
    await docker.getContainer((await agentStatus(server.id)).containerId).kill();
    await until('left offline', async () => (await agentStatus(server.id)).state === 'offline', 30_000);
    await until('the panel mirrored the crash', async () => {
      await readEvents();
      return (await api.get(`/api/servers/${server.id}`)).body.failure?.kind === 'crashed';
    });
    const view = (await api.get(`/api/servers/${server.id}`)).body;
    expect(view.failure).to.deep.include({ kind: 'crashed', exitCode: 137, oomKilled: false });
    expect(view.lastExit).to.deep.include({ code: 137, oomKilled: false, expected: false });

    const page = await pages.newPage();
    await pages.signIn(page, owner.email);
    await page.goto(`${t.panel.url}/servers/${server.id}`);
    await page.getByTestId('state').filter({ hasText: 'Crashed' }).waitFor();
    const card = page.getByTestId('failure');
    await card.getByRole('heading', { name: 'The server crashed' }).waitFor();
    await card.getByText('It exited with code 137 at').waitFor();
    await card.getByText('Look at the end of the console for the error').waitFor();
    await page.getByTestId('last-exit').filter({ hasText: 'Last exit: code 137, not asked to stop' }).waitFor();
    await pages.shoot(page, 'server-crashed-desktop-light');
    await page.goto(`${t.panel.url}/servers`);
    await page.getByRole('row').filter({ hasText: 'Crashy' }).getByTestId('state').filter({ hasText: 'Crashed' }).waitFor();

    // A good start clears the failure; the last exit stays.
    await page.goto(`${t.panel.url}/servers/${server.id}`);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByTestId('state').filter({ hasText: 'Running' }).waitFor({ timeout: 60_000 });
    await until('the failure cleared', async () => {
      await readEvents();
      return (await api.get(`/api/servers/${server.id}`)).body.failure === null;
    });
    expect(await page.getByTestId('failure').count()).to.equal(0);
    expect(pages.pageErrors).to.deep.equal([]);
  });

  it('a server whose install script fails reads Install failed with the reason and offers Reinstall, in German too', async () => {
    const base = (await t.panel.request('GET', '/api/templates/conductor-test')).body.template;
    const template = {
      ...base,
      id: 'broken-install',
      name: 'Broken install',
      install: { image: await testImage(), entrypoint: ['/usr/bin/node'], script: 'process.exit(3)\n' },
    };
    expect((await t.panel.request('POST', '/api/templates', { body: template })).status).to.equal(201);
    const owner = await t.createUser('broken@example.org');
    const api = await t.signIn(owner.email);
    const server = (await api.post('/api/servers', { name: 'Broken', templateId: 'broken-install', expectedPlayers: 10 })).body;
    expect(server.id, JSON.stringify(server)).to.be.a('string');
    await until(
      'the install failed',
      async () => {
        await readEvents();
        return (await api.get(`/api/servers/${server.id}`)).body.failure?.kind === 'install_failed';
      },
      60_000,
    );
    expect((await api.get(`/api/servers/${server.id}`)).body.failure).to.deep.include({ kind: 'install_failed', exitCode: 3 });

    const page = await pages.newPage();
    await pages.signIn(page, owner.email);
    await page.goto(`${t.panel.url}/servers/${server.id}`);
    await page.getByTestId('state').filter({ hasText: 'Install failed' }).waitFor();
    const card = page.getByTestId('failure');
    await card.getByText('It exited with code 3 at').waitFor();
    await card.getByText('pick another image of the template').waitFor();
    await card.getByRole('button', { name: 'Reinstall' }).waitFor();

    await chooseLocale(page, 'de');
    await page.reload();
    await page.getByTestId('state').filter({ hasText: 'Installation fehlgeschlagen' }).waitFor();
    await page.getByTestId('failure').getByRole('heading', { name: 'Die Installation ist fehlgeschlagen' }).waitFor();
    await pages.shoot(page, 'server-install-failed-desktop-light-de');
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
