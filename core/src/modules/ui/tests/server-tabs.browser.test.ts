import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mineflayer from 'mineflayer';
import type { Browser, Page } from 'playwright-core';
import { answerConfirm, buildPanelUi, freePort, launchChromium, startNodeFor, testImage, type TestNode } from '@conductor/test';
import type { Browser as ApiClient } from '../../accounts/tests/browser.js';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { unreachableTemplate } from '../../servers/tests/server-fixtures.js';
import { BrowserPages, chooseLocale, DESKTOP, PHONE, until } from './browser-helpers.js';

/** What the test reads of the page's window inside evaluate() (core is compiled without DOM types). */
interface PageWindow {
  getComputedStyle(element: unknown): { color: string; fontWeight: string };
}

/**
 * The server page's tabs in Chromium against a real panel, agent and game server: files (upload
 * with progress, edit in CodeMirror, folders, rename, archives, errors as sentences), players
 * (online, whitelist), server.properties and the MOTD (seen in the game's status ping), worlds,
 * chart ranges from stored samples, and tabs hidden from a subuser without the keys.
 */
describe('server tabs in a real browser (Chromium): files, players, properties, MOTD, worlds, chart history', function () {
  this.timeout(300_000);
  let t: AccountsPanel;
  let node: TestNode;
  let browser: Browser;
  let pages: BrowserPages;
  let api: ApiClient;
  let serverId: string;
  let page: Page;
  let gamePort: number;
  const work = mkdtempSync(path.join(tmpdir(), 'conductor-tabs-'));
  const serverUrl = (tab = '') => `${t.panel.url}/servers/${serverId}${tab ? `/${tab}` : ''}`;
  const contents = async (file: string) =>
    (await api.get(`/api/servers/${serverId}/files/contents?path=${encodeURIComponent(file)}`)).body as string;
  const state = async () => (await api.get(`/api/servers/${serverId}`)).body.state as string;

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    await testImage();
    t = await startAccountsPanel('sqlite');
    node = await startNodeFor(t.panel, { name: 'tabs-node' });
    gamePort = node.gamePorts[0]!;
    pages = new BrowserPages(browser, t.panel.url);
    const owner = await t.createUser('tabs-owner@example.org');
    api = await t.signIn(owner.email);
    const created = await api.post('/api/servers', { name: 'Tabs', templateId: 'conductor-test', variables: { MOTD: 'Before the form' } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    serverId = created.body.id;
    page = await pages.newPage();
    await pages.signIn(page, owner.email);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    if (serverId) await t?.panel.request('POST', '/api/servers/bulk', { body: { action: 'delete', serverIds: [serverId] } });
    await t?.close();
    await node?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('server.properties as a typed form and a two-line MOTD with a § preview; the game serves both', async () => {
    await page.goto(serverUrl('properties'));
    const form = page.getByTestId('properties-form');
    // Built from the schema the API sends: booleans are switches, enums selects, numbers numbers.
    const onlineMode = form.getByRole('switch', { name: 'Check accounts with Mojang (online mode)' });
    await onlineMode.waitFor();
    expect(await form.getByLabel('Difficulty').evaluate((el) => el.tagName)).to.equal('SELECT');
    expect(await form.getByLabel('Maximum players').getAttribute('type')).to.equal('number');
    // A fresh server has no server.properties yet: the form says so and writes only what is touched.
    await page.getByText('There is no server.properties yet', { exact: false }).waitFor();
    // The checkbox is drawn as a switch: click its label, as a person would (on, then off: written as false).
    const onlineLabel = form.getByText('Check accounts with Mojang (online mode)');
    await onlineLabel.click();
    expect(await onlineMode.isChecked()).to.equal(true);
    await onlineLabel.click();
    expect(await onlineMode.isChecked()).to.equal(false);
    await form.getByLabel('Difficulty').selectOption('hard');
    const maxPlayers = form.getByLabel('Maximum players');
    await maxPlayers.fill('100001');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Enter a whole number from 0 to 100000.').waitFor();
    await maxPlayers.fill('7');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Saved. Restart the server to apply the changes.').waitFor();
    const saved = (await api.get(`/api/servers/${serverId}/properties`)).body;
    // The form is built from the JSON Schema the API sends along.
    expect(saved.schema.properties.pvp).to.deep.equal({ type: 'boolean' });
    expect(saved.schema.properties.difficulty).to.deep.include({ enum: ['peaceful', 'easy', 'normal', 'hard'] });
    const typed = saved.typed;
    expect(typed).to.deep.include({ 'online-mode': false, difficulty: 'hard', 'max-players': 7 });
    const file = await contents('server.properties');
    expect(file)
      .to.match(/^max-players=7$/m)
      .and.match(/^online-mode=false$/m)
      .and.match(/^difficulty=hard$/m);

    // The MOTD: code buttons insert § codes, the preview shows colours and formats.
    const motd = page.getByLabel('MOTD', { exact: true });
    await motd.fill('');
    await page.getByRole('button', { name: 'Insert red' }).click();
    await motd.press('End');
    await motd.pressSequentially('Tabs ');
    await page.getByRole('button', { name: 'Insert Bold' }).click();
    await motd.press('End');
    await motd.pressSequentially('Server');
    expect(await motd.inputValue()).to.equal('§cTabs §lServer');
    const preview = page.getByTestId('motd-preview');
    const red = preview.locator('.motd-line span', { hasText: 'Tabs' });
    expect(await red.evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).color)).to.equal('rgb(255, 85, 85)');
    const bold = preview.locator('span.motd-bold', { hasText: 'Server' });
    const boldStyle = await bold.evaluate((el) => {
      const style = (globalThis as unknown as PageWindow).getComputedStyle(el);
      return [style.color, style.fontWeight];
    });
    expect(boldStyle).to.deep.equal(['rgb(255, 85, 85)', '700']);
    expect(await preview.getAttribute('aria-labelledby')).to.be.a('string');
    expect((await preview.innerText()).trim()).to.contain('Tabs Server');
    // The second line: the code buttons write into the field that had the focus last.
    const second = page.getByLabel('MOTD, second line');
    await second.click();
    await page.getByRole('button', { name: 'Insert gold' }).click();
    await second.press('End');
    await second.pressSequentially('Line two');
    expect(await second.inputValue()).to.equal('§6Line two');
    expect(await motd.inputValue(), 'the first line is untouched').to.equal('§cTabs §lServer');
    expect(await preview.locator('.motd-line').count()).to.equal(2);
    expect(await preview.locator('.motd-line').nth(1).innerText()).to.equal('Line two');
    await pages.shoot(page, 'server-properties-desktop-light');
    await page.getByRole('button', { name: 'Save MOTD' }).click();
    await page.getByText('Saved. Restart the server to show the new MOTD.').waitFor();
    expect((await api.get(`/api/servers/${serverId}/properties`)).body.typed.motd).to.equal('§cTabs §lServer\n§6Line two');
    expect(await contents('server.properties')).to.match(/^motd=§cTabs §lServer\\n§6Line two$/m);
    // Read back after a reload: two fields again.
    await page.reload();
    await until('the second line loaded', async () => (await page.getByLabel('MOTD, second line').inputValue()) === '§6Line two');
    expect(await page.getByLabel('MOTD', { exact: true }).inputValue()).to.equal('§cTabs §lServer');
  });

  it('adds a name to the whitelist while stopped (written to whitelist.json) and removes it again', async () => {
    await page.goto(serverUrl('players'));
    const card = page.getByRole('region', { name: 'Whitelist' });
    await card.getByText('Nobody is on the whitelist.').waitFor();
    await card.getByLabel('Player name').fill('Notch');
    await card.getByRole('button', { name: 'Add to whitelist' }).click();
    await page.getByText('Saved in the server’s files.').waitFor();
    await page.getByTestId('list-whitelist').getByText('Notch').waitFor();
    const lists = (await api.get(`/api/servers/${serverId}/players`)).body;
    expect(lists.whitelist).to.deep.equal([{ uuid: 'b50ad385-829d-3141-a216-7e7d7539ba7f', name: 'Notch' }]);
    // A bad name comes back from the API as a sentence, not JSON.
    await card.getByLabel('Player name').fill('bad name!');
    await card.getByRole('button', { name: 'Add to whitelist' }).click();
    const refusal = await card.getByRole('alert').innerText();
    expect(refusal).to.contain('Minecraft name').and.not.contain('{');
    await card.getByRole('button', { name: 'Add to whitelist' }).waitFor();
    await page.getByTestId('list-whitelist').getByRole('button', { name: 'Remove: Notch' }).click();
    await card.getByText('Nobody is on the whitelist.').waitFor();
    expect((await api.get(`/api/servers/${serverId}/players`)).body.whitelist).to.deep.equal([]);
    await card.getByLabel('Player name').fill('Jeb_');
    await card.getByRole('button', { name: 'Add to whitelist' }).click();
    await page.getByTestId('list-whitelist').getByText('Jeb_').waitFor();
    expect((await api.get(`/api/servers/${serverId}/players`)).body.whitelist.map((e: { name: string }) => e.name)).to.deep.equal(['Jeb_']);
  });

  it('manages files: upload with progress, folders and breadcrumbs, edit with highlighting, rename, archive and extract, errors as sentences', async () => {
    await page.goto(serverUrl('files'));
    await page.locator('tr[data-file="server.properties"]').waitFor();

    // Upload, slowed down so the progress bar can be seen moving.
    const big = path.join(work, 'upload-test.bin');
    const bytes = randomBytes(3 * 1024 * 1024);
    writeFileSync(big, bytes);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 1024 * 1024,
    });
    await page.getByLabel('Upload files').setInputFiles(big);
    const bar = page.getByTestId('upload-progress').locator('progress');
    const seen = await until('the progress bar part-way', async () => {
      const value = Number((await bar.getAttribute('value').catch(() => null)) ?? -1);
      return value > 0 && value < 100 ? value : undefined;
    });
    expect(seen).to.be.within(1, 99);
    await pages.shoot(page, 'server-files-upload-desktop-light');
    await page.locator('tr[data-file="upload-test.bin"]').waitFor({ timeout: 60_000 });
    await page.getByText('Uploaded upload-test.bin.').waitFor();
    // A second one, cancelled on its way: nothing of it is left on the server. Big enough (16 s at
    // the throttled 1 MiB/s) that a click slowed by a loaded machine still lands mid-upload.
    const cancelled = path.join(work, 'cancelled.bin');
    writeFileSync(cancelled, randomBytes(16 * 1024 * 1024));
    await page.getByLabel('Upload files').setInputFiles(cancelled);
    await until('the second upload part-way', async () => Number((await bar.getAttribute('value').catch(() => null)) ?? -1) > 0);
    await page.getByRole('button', { name: 'Cancel upload' }).click();
    expect(await page.getByRole('alert').first().innerText()).to.equal('The upload was cancelled.');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await until('no trace of the cancelled upload', async () => {
      const names = ((await api.get(`/api/servers/${serverId}/files/list?path=`)).body.entries as Array<{ name: string }>).map(
        (e) => e.name,
      );
      return !names.some((n) => n.includes('cancelled')) && names.includes('upload-test.bin');
    });
    const downloaded = await fetch(`${t.panel.url}/api/servers/${serverId}/files/download?path=upload-test.bin`, {
      headers: { cookie: [...api.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(bytes), 'the uploaded bytes arrive unchanged').to.equal(true);
    // The download link points at the same route.
    expect(
      await page.locator('tr[data-file="upload-test.bin"]').getByRole('link', { name: 'Download: upload-test.bin' }).getAttribute('href'),
    ).to.equal(`/api/servers/${serverId}/files/download?path=upload-test.bin`);

    // A folder, and a new YAML file in it, edited in CodeMirror.
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByLabel('Folder name').fill('plugins');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('tr[data-file="plugins"]').getByRole('button', { name: 'plugins', exact: true }).click();
    await page.getByTestId('breadcrumbs').getByRole('link', { name: 'plugins' }).waitFor();
    expect(await page.getByTestId('breadcrumbs').getByRole('link', { name: 'plugins' }).getAttribute('aria-current')).to.equal('location');
    await page.getByText('This folder is empty.').waitFor();
    await page.getByRole('button', { name: 'New file' }).click();
    await page.getByLabel('File name').fill('config.yml');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const editor = page.getByRole('textbox', { name: 'Contents of plugins/config.yml' });
    await editor.waitFor();
    await editor.fill('greeting: hello\nlimits:\n  players: 7\n');
    // YAML highlighting: keys and values are in styled spans, not plain text.
    await until('highlighted tokens', async () => (await page.locator('.cm-content .cm-line span').count()) >= 3);
    await pages.shoot(page, 'server-files-editor-desktop-light');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    expect(await contents('plugins/config.yml')).to.equal('greeting: hello\nlimits:\n  players: 7\n');
    // Edit again: the change replaces the file.
    await editor.press('ControlOrMeta+End');
    await editor.pressSequentially('motd: edited');
    await editor.press('Control+s');
    await until('the saved edit', async () => (await contents('plugins/config.yml')).endsWith('players: 7\nmotd: edited'));
    await page.getByRole('button', { name: 'Close' }).click();
    await page.locator('tr[data-file="config.yml"]').waitFor();

    // Rename; a name the backend refuses (path traversal) is shown as a sentence.
    await page.locator('tr[data-file="config.yml"]').getByRole('button', { name: 'Rename: config.yml' }).click();
    await page.getByLabel('New name').fill('..');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    expect(await page.getByRole('alert').first().innerText()).to.equal('That path leads outside the server’s folder.');
    await page.getByLabel('New name').fill('settings.yml');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.locator('tr[data-file="settings.yml"]').waitFor();
    expect(await contents('plugins/settings.yml')).to.contain('greeting: hello');

    // Archive the folder from the root, delete it, extract it back.
    await page.getByTestId('breadcrumbs').getByRole('link', { name: 'Server folder' }).click();
    await page.locator('tr[data-file="plugins"]').getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Compress' }).click();
    await page.getByLabel('Archive name').fill('plugins-backup.zip');
    await page.getByRole('button', { name: 'Compress' }).last().click();
    await page.locator('tr[data-file="plugins-backup.zip"]').waitFor();
    await page.locator('tr[data-file="plugins"]').getByRole('button', { name: 'Delete: plugins' }).click();
    await answerConfirm(page);
    await page.getByText('Deleted plugins.').waitFor();
    expect(await page.locator('tr[data-file="plugins"]').count(), 'the list is reloaded before the notice').to.equal(0);
    await page.locator('tr[data-file="plugins-backup.zip"]').getByRole('button', { name: 'Extract: plugins-backup.zip' }).click();
    await page.locator('tr[data-file="plugins"]').waitFor();
    expect(await contents('plugins/settings.yml')).to.contain('motd: edited');
    // Something that only looks like an archive: the node refuses it, and the page says so in words.
    await page.getByRole('button', { name: 'New file' }).click();
    await page.getByLabel('File name').fill('broken.zip');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.locator('tr[data-file="broken.zip"]').getByRole('button', { name: 'Extract: broken.zip' }).click();
    expect(await page.getByRole('alert').first().innerText()).to.equal('The archive cannot be read.');
    // A name that exists is caught before anything is sent.
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.getByLabel('Folder name').fill('plugins');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    expect(await page.getByRole('alert').first().innerText()).to.equal('plugins exists already here.');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await pages.shoot(page, 'server-files-desktop-light');
  });

  it('searches files by name, changes a file’s permissions, and refuses to pull from an internal address with a sentence', async () => {
    await page.goto(serverUrl('files'));
    await page.locator('tr[data-file="upload-test.bin"]').waitFor();
    const list = async () =>
      (await api.get(`/api/servers/${serverId}/files/list?path=`)).body.entries as Array<{ name: string; mode: string }>;

    // Search from the root finds the file inside plugins/ (left by the previous case).
    await page.getByLabel('Find files by name').fill('SETTINGS');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const match = page.getByTestId('search-results').locator('li[data-match="plugins/settings.yml"]');
    await match.waitFor();
    expect(await match.innerText()).to.contain('in plugins');
    await page.getByLabel('Find files by name').fill('no-such-name');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No file or folder here has “no-such-name” in its name.').waitFor();
    await page.getByLabel('Find files by name').fill('settings');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await match.getByRole('button', { name: 'plugins/settings.yml' }).click();
    await page.getByRole('textbox', { name: 'Contents of plugins/settings.yml' }).waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('breadcrumbs').getByRole('link', { name: 'Server folder' }).click();

    // Permissions: a bad mode is caught with a sentence, a good one reaches the file.
    const row = page.locator('tr[data-file="upload-test.bin"]');
    await row.getByRole('button', { name: 'Permissions: upload-test.bin' }).click();
    const mode = page.getByLabel('Permissions of upload-test.bin');
    expect(await mode.inputValue()).to.match(/^[0-7]{3}$/);
    await mode.fill('999');
    await page.getByRole('button', { name: 'Permissions', exact: true }).click();
    expect(await page.getByRole('alert').first().innerText()).to.equal('Enter the permissions as three octal digits, such as 644 or 755.');
    await mode.fill('640');
    await page.getByRole('button', { name: 'Permissions', exact: true }).click();
    await page.getByText('The permissions of upload-test.bin are now 0640.').waitFor();
    expect(await row.getByTestId('mode').innerText()).to.equal('0640');
    expect((await list()).find((e) => e.name === 'upload-test.bin')?.mode).to.equal('0640');

    // Pull from a URL: the node refuses loopback, and the page says so in words; nothing is written.
    await page.getByRole('button', { name: 'Download from a URL' }).click();
    await page.getByLabel('URL').fill(`http://127.0.0.1:${new URL(t.panel.url).port}/healthz/secret.txt`);
    await page.getByLabel('URL').blur();
    expect(await page.getByLabel('Save as').inputValue(), 'the name comes from the URL').to.equal('secret.txt');
    await page.getByRole('button', { name: 'Download', exact: true }).click();
    expect(await page.getByRole('alert').first().innerText()).to.equal(
      'That address cannot be downloaded from: only public http and https addresses are allowed, not this machine or the local network.',
    );
    await pages.shoot(page, 'server-files-pull-refused-desktop-light');
    expect((await list()).map((e) => e.name)).to.not.include('secret.txt');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  });

  it('shows a joined bot in the players tab and the MOTD and player limit in the game’s status', async () => {
    await page.goto(serverUrl());
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByTestId('state').filter({ hasText: 'Running' }).waitFor({ timeout: 60_000 });
    const bot = mineflayer.createBot({
      host: '127.0.0.1',
      port: gamePort,
      username: 'TabsBot',
      auth: 'offline',
      version: '1.21.4',
      hideErrors: true,
    });
    await new Promise<void>((resolve, reject) => {
      bot.once('spawn', () => resolve());
      bot.once('error', reject);
    });
    try {
      await page.getByRole('link', { name: 'Players' }).click();
      // The form's max-players reaches the game: its status ping says 7.
      await until(
        'the bot in the online list',
        async () =>
          (
            await page
              .getByTestId('online-players')
              .innerText()
              .catch(() => '')
          ).includes('TabsBot'),
        45_000,
      );
      await page.getByText('Players online: 1 / 7').first().waitFor();
      await page.getByText('The server is running: changes are sent to it as console commands', { exact: false }).waitFor();
      await page.getByRole('button', { name: 'Kick: TabsBot' }).waitFor();
      // The test game has no whitelist command: the page says so in words and claims no success.
      const whitelist = page.getByRole('region', { name: 'Whitelist' });
      await whitelist.getByLabel('Player name').fill('Notch');
      await whitelist.getByRole('button', { name: 'Add to whitelist' }).click();
      const refusal = await whitelist.getByRole('alert').innerText();
      expect(refusal).to.equal(
        'The running server does not know this command (it answered “Command not found”). Stop the server to change its lists in its files.',
      );
      expect(await page.getByText('The server answered', { exact: false }).count()).to.equal(0);
      expect(await page.getByText('Sent to the running server', { exact: false }).count()).to.equal(0);
      // The MOTD saved in the form is what the game answers a status ping with, codes and all.
      const { ping } = (await import('minecraft-protocol')).default;
      const pinged = (await ping({ host: '127.0.0.1', port: gamePort })) as { description: unknown; players: { max: number } };
      expect(JSON.stringify(pinged.description)).to.contain('Tabs').and.contain('Server').and.contain('Line two');
      expect(JSON.stringify(pinged.description)).to.not.contain('Before the form');
      expect(pinged.players.max).to.equal(7);
      await pages.shoot(page, 'server-players-desktop-light');
    } finally {
      bot.quit();
    }
  });

  it('loads chart ranges from stored samples: raw for the last hour, per minute for a day', async () => {
    // The collector stores a sample every 10 s while the server runs.
    await until(
      'two stored samples',
      async () => ((await api.get(`/api/metrics/servers/${serverId}?range=1h`)).body.points?.length ?? 0) >= 2,
      45_000,
    );
    await page.getByRole('link', { name: 'Charts' }).click();
    const range = page.getByLabel('Range');
    expect(await range.inputValue()).to.equal('live');
    await range.selectOption('1h');
    const hint = page.getByTestId('stats-resolution');
    const text = await until('the stored points', async () => {
      const s = await hint.innerText().catch(() => '');
      return /One point every 10 seconds; \d+ points\./.test(s) ? s : undefined;
    });
    expect(Number(/; (\d+) points/.exec(text)![1])).to.be.at.least(2);
    expect(await page.locator('[data-testid="chart-plot"] canvas').count(), 'a plot per chart').to.be.at.least(3);
    expect(await page.locator('.chart-span').first().innerText()).to.match(/\d/);
    // The cursor reads the time and the value under it (uPlot's live legend): hover the end of the CPU chart.
    const cpu = page.getByRole('img', { name: /^CPU/ });
    const over = cpu.locator('.u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    const [time, value] = await cpu.locator('.u-legend .u-value').allInnerTexts();
    expect(time, 'the time under the cursor').to.match(/\d{1,2}:\d{2}:\d{2}/);
    expect(value, 'the value under the cursor').to.match(/\d.*%|–/);
    // Dragging across the plot zooms into that stretch (its selection is drawn while dragging).
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 5 });
    expect((await cpu.locator('.u-select').boundingBox())!.width, 'the stretch to zoom into').to.be.greaterThan(box.width * 0.3);
    await page.mouse.up();

    // Minute rollups happen once a minute is over; fold the samples so far now rather than wait.
    await t.panel.kernel.containerOf('metrics').cradle.statsCollector.rollup(new Date(Date.now() + 120_000));
    const day = (await api.get(`/api/metrics/servers/${serverId}?range=24h`)).body;
    expect(day.resolution).to.equal('1m');
    expect(day.points.length).to.be.at.least(1);
    await range.selectOption('24h');
    await hint.filter({ hasText: `Averages per minute; ${day.points.length} points.` }).waitFor();
    await pages.shoot(page, 'server-charts-24h-desktop-light');
    await range.selectOption('30d');
    await hint.filter({ hasText: 'Averages per hour;' }).waitFor();
  });

  it('manages worlds: lists the active one, uploads a zip, chooses and resets', async () => {
    // Stop first: a reset needs a stopped server.
    await page.goto(serverUrl('worlds'));
    if ((await state()) !== 'offline') await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await until('offline', async () => (await state()) === 'offline', 60_000);
    const world = page.locator('tr[data-world="world"]');
    await world.getByText('Active').waitFor();
    const download = world.getByRole('link', { name: 'Download: world' });
    expect(await download.getAttribute('href')).to.equal(`/api/servers/${serverId}/worlds/world/download`);
    const cookie = [...api.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const zip = Buffer.from(
      await (await fetch(`${t.panel.url}/api/servers/${serverId}/worlds/world/download`, { headers: { cookie } })).arrayBuffer(),
    );
    expect(zip.subarray(0, 2).toString()).to.equal('PK');
    const zipFile = path.join(work, 'lobby.zip');
    writeFileSync(zipFile, zip);

    await page.getByLabel('World archive (.zip)').setInputFiles(zipFile);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('Uploaded the world lobby.').waitFor({ timeout: 60_000 });
    await page.locator('tr[data-world="lobby"]').waitFor();
    expect((await api.get(`/api/servers/${serverId}/worlds`)).body.worlds.map((w: { name: string }) => w.name).sort()).to.deep.equal([
      'lobby',
      'world',
    ]);
    // The same name again: refused, as a sentence.
    await page.getByLabel('World archive (.zip)').setInputFiles(zipFile);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('A world with this name exists already.').waitFor();

    await page.locator('tr[data-world="lobby"]').getByRole('button', { name: 'Make active: lobby' }).click();
    await page.getByText('lobby is now the active world', { exact: false }).waitFor();
    expect((await api.get(`/api/servers/${serverId}/worlds`)).body.active).to.equal('lobby');
    await page.locator('tr[data-world="lobby"]').getByText('Active').waitFor();
    await pages.shoot(page, 'server-worlds-desktop-light');

    await page.locator('tr[data-world="world"]').getByRole('button', { name: 'Reset: world' }).click();
    await answerConfirm(page);
    await page.getByText('world was deleted and is generated anew', { exact: false }).waitFor();
    expect((await api.get(`/api/servers/${serverId}/worlds`)).body.worlds.map((w: { name: string }) => w.name)).to.deep.equal(['lobby']);
  });

  it('hides the file, world and properties tabs from a subuser without those keys; the tabs look right on a phone, dark, and in German', async () => {
    const helper = await t.createUser('tabs-helper@example.org');
    expect(
      (await api.post(`/api/auth/servers/${serverId}/subusers`, { email: helper.email, permissions: ['control.console'] })).status,
    ).to.equal(201);
    const helperPage = await pages.newPage();
    await pages.signIn(helperPage, helper.email);
    await helperPage.goto(serverUrl());
    const tabs = helperPage.getByRole('navigation', { name: 'Server sections' });
    await tabs.getByRole('link', { name: 'Console' }).waitFor();
    expect(await tabs.getByRole('link').allInnerTexts()).to.deep.equal(['Console', 'Charts', 'Network', 'Players', 'Settings']);
    expect(await helperPage.getByRole('button', { name: 'Start', exact: true }).count(), 'no control.start: no button').to.equal(0);
    await helperPage.goto(serverUrl('files'));
    await helperPage.getByText('You may not do this.').waitFor();
    await helperPage.goto(serverUrl('no-such-tab'));
    await helperPage.getByText('This section does not exist, or you may not use it on this server.').waitFor();
    await tabs.getByRole('link', { name: 'Players' }).click();
    await helperPage.getByText('You may not see this server’s whitelist, operators and bans.').waitFor();

    for (const [label, viewport, scheme] of [
      ['phone-dark', PHONE, 'dark'],
      ['desktop-dark', DESKTOP, 'dark'],
    ] as const) {
      const p = await pages.newPage(viewport, scheme);
      await pages.signIn(p, 'tabs-owner@example.org');
      for (const tab of ['files', 'players', 'properties', 'worlds']) {
        await p.goto(serverUrl(tab));
        await p.locator('.card').first().waitFor();
        await pages.shoot(p, `server-${tab}-${label}`);
      }
      await p.goto(`${serverUrl('files')}?edit=${encodeURIComponent('plugins/settings.yml')}`);
      await p.locator('.cm-editor').waitFor();
      await pages.shoot(p, `server-files-editor-${label}`);
    }
    // German: the choice the language switch stores, then the tab again.
    const de = await pages.newPage(DESKTOP, 'light');
    await pages.signIn(de, 'tabs-owner@example.org');
    await chooseLocale(de, 'de');
    await de.goto(serverUrl('properties'));
    await de.getByRole('heading', { name: 'Nachricht des Tages' }).waitFor();
    await de.getByText('Spieler können sich bekämpfen (PvP)').waitFor();
    await pages.shoot(de, 'server-properties-desktop-light-de');
    expect(pages.pageErrors, 'no script errors in the pages').to.deep.equal([]);
  });

  it('says in words when a start fails because the image cannot be pulled, and offers to reinstall', async () => {
    await unreachableTemplate(t.panel, 'tabs-unreachable');
    await t.panel.request('POST', `/api/nodes/${node.nodeId}/allocations`, { body: { ip: '127.0.0.1', ports: String(await freePort()) } });
    const created = await api.post('/api/servers', { name: 'No registry', templateId: 'tabs-unreachable' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as string;
    try {
      await page.goto(`${t.panel.url}/servers/${id}/settings`);
      // The install (local) runs first; Start is enabled once it is done.
      const start = page.getByRole('button', { name: 'Start', exact: true });
      await until(
        'the install to end',
        async () => {
          await t.panel.request('POST', `/api/nodes/${node.nodeId}/check`);
          return start.isEnabled();
        },
        60_000,
      );
      await start.click();
      await page
        .getByText(
          'The image 127.0.0.1:1/none:latest could not be pulled from the registry 127.0.0.1:1: the registry refused the connection (nothing answers at that address).',
        )
        .waitFor();
      const offer = page.getByTestId('reinstall-offer');
      await offer.getByRole('button', { name: 'Reinstall' }).click();
      await offer.getByText('The install script runs again; follow it in the console.').waitFor();
      expect(await page.getByText('dial tcp').count(), 'no raw Docker error on the page').to.equal(0);
      await pages.shoot(page, 'server-image-pull-failed-desktop-light');
      // The settings tab offers it too.
      await page.getByRole('region', { name: 'Reinstall' }).getByRole('button', { name: 'Reinstall' }).waitFor();
      await until(
        'the reinstall to end',
        async () => {
          await t.panel.request('POST', `/api/nodes/${node.nodeId}/check`);
          return (await t.panel.request('GET', `/api/events?type=server.installed&serverId=${id}`)).body.events.length >= 2;
        },
        60_000,
      );
    } finally {
      await t.panel.request('DELETE', `/api/servers/${id}`);
    }
  });

  it('keeps the person signed in when the node refuses the panel’s token, and each tab says so in words', async () => {
    const { nodeService } = t.panel.kernel.containerOf('nodes').cradle;
    const panelToken = nodeService.client(await nodeService.get(node.nodeId)).token;
    // The node gets another token behind the panel's back (a node reconfigured by hand).
    const byHand = 'set-on-the-node-by-hand-0123456789abcdef';
    expect((await node.agent.request('PUT', '/api/token', { body: { token: byHand } })).status).to.be.below(300);
    try {
      for (const tab of ['files', 'players', 'properties', 'worlds']) {
        await page.goto(serverUrl(tab));
        await page.getByText('The node refused the panel’s key.', { exact: false }).first().waitFor();
        expect(new URL(page.url()).pathname, `${tab}: still on the server page`).to.equal(`/servers/${serverId}/${tab}`);
      }
      expect(await page.evaluate(() => fetch('/api/auth/me').then((r) => r.status)), 'the browser is still signed in').to.equal(200);
      await pages.shoot(page, 'server-node-auth-failed-desktop-light');
    } finally {
      await node.agent.request('PUT', '/api/token', { body: { token: panelToken }, token: byHand });
    }
  });
});
