import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { BrowserPages, buildPanelUi, launchChromium, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { PASSWORD, startAccountsPanel, type AccountsPanel } from '../../core/src/modules/accounts/tests/fixtures.js';
import { chooseLocale } from '../../core/src/modules/ui/tests/browser-helpers.js';
import { installExamplePlugin } from './community-plugin.js';

const DIST = fileURLToPath(new URL('../../panel-ui/dist/', import.meta.url));

/** What the panel's UI build is: index.html's time and every file's name. */
function distSnapshot(): { builtAt: number; files: string[] } {
  return { builtAt: statSync(path.join(DIST, 'index.html')).mtimeMs, files: readdirSync(path.join(DIST, 'assets')).sort() };
}

/** A plugin in the plugins directory whose UI bundle is `ui` (index.js). */
function pluginWithUi(dir: string, name: string, ui: string): void {
  mkdirSync(path.join(dir, name, 'ui'), { recursive: true });
  writeFileSync(
    path.join(dir, name, 'index.js'),
    `export default { manifest: { name: '${name}', version: '1.0.0', api: '^1.0.0' }, ui: new URL('./ui/', import.meta.url) };`,
  );
  writeFileSync(path.join(dir, name, 'ui', 'index.js'), ui);
}

/**
 * The example community plugin installed from its npm tarball after the panel UI was built: its
 * page, server tab, account card and permission keys appear in Chromium from its own prebuilt
 * bundle, which the panel loads at run time. The panel UI is not built again.
 */
describe('a community plugin installed from npm, in a real browser (Chromium): its UI with no rebuild of the panel UI', function () {
  this.timeout(240_000);
  let install: ReturnType<typeof installExamplePlugin>;
  let t: AccountsPanel;
  let node: TestNode;
  let pages: BrowserPages;
  let built: ReturnType<typeof distSnapshot>;
  let serverId: string | null = null;
  const url = (p: string) => `${t.panel.url}${p}`;

  before(async () => {
    pages = new BrowserPages(await launchChromium(), () => t.panel.url);
    buildPanelUi();
    built = distSnapshot();
    install = installExamplePlugin();
    // Two broken UIs beside it: one throws after registering a page, one imports what the SDK does not have.
    const pluginsDir = path.join(install.root, 'plugins-dir');
    pluginWithUi(
      pluginsDir,
      'half-ui',
      `export default function (ui) { ui.registerPage({ path: 'half', title: 'Half page', component: () => Promise.resolve({ render: () => null }) }); throw new Error('broken on purpose'); }`,
    );
    pluginWithUi(pluginsDir, 'wrong-import', `import { NoSuchThing } from '@conductor/panel-sdk'; export default () => NoSuchThing;`);
    await testImage();
    t = await startAccountsPanel('sqlite', { discover: true, appRoot: install.root, config: { PLUGINS_DIR: pluginsDir } });
    node = await startNodeFor(t.panel, { name: 'community-plugin-node' });
  });
  after(async () => {
    await pages?.close();
    if (serverId) await t.panel.request('DELETE', `/api/servers/${serverId}`).catch(() => undefined);
    await t?.close();
    await node?.close();
    install?.remove();
  });

  it('shows its page from the top bar and its card on the account page, in English and German', async () => {
    await t.createUser('greeter@example.org');
    const page = await pages.newPage();
    await pages.signIn(page, 'greeter@example.org', PASSWORD);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Greetings' }).click();
    await page.waitForURL(/\/p\/hello$/);
    await page.getByRole('heading', { name: 'Greetings' }).waitFor();
    await page.getByLabel('Your greeting').fill('Hello from Chromium');
    await page.getByRole('button', { name: 'Send greeting' }).click();
    const list = page.getByTestId('greetings');
    await list.getByText('Hello from Chromium').waitFor();
    // The plugin's subscriber marks the greeting once the event reached it.
    await until('the greeting is counted', async () => {
      await page.reload();
      return (await list.locator('li', { hasText: 'Hello from Chromium' }).innerText()).includes('counted');
    });
    await pages.shoot(page, 'community-plugin-page-desktop-light');

    await page.goto(url('/account'));
    const card = page.locator('#hello-greetings');
    await card.getByText('Say hello to everyone on the Greetings page.').waitFor();
    await card.getByRole('link', { name: 'Open Greetings' }).click();
    await page.waitForURL(/\/p\/hello$/);

    await chooseLocale(page, 'de');
    await page.reload();
    await page.getByRole('heading', { name: 'Grüße' }).waitFor();
    await page.getByRole('button', { name: 'Gruß senden' }).waitFor();
    await chooseLocale(page, 'en');
  });

  it('adds a server tab for people who hold its key, and offers its keys in the subuser picker', async () => {
    const owner = await t.createUser('wall-owner@example.org');
    const reader = await t.createUser('wall-reader@example.org');
    const ownerApi = await t.signIn(owner.email);
    const created = await ownerApi.post('/api/servers', { name: 'Wall', templateId: 'conductor-test' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    serverId = created.body.id as string;

    const page = await pages.newPage();
    await pages.signIn(page, owner.email, PASSWORD);
    await page.goto(url(`/servers/${serverId}/users`));
    await page.getByText('Nobody else has access to this server.').waitFor();
    await page.getByLabel('Greet the server', { exact: true }).waitFor();
    await page.getByLabel('Email').fill(reader.email);
    await page.getByLabel("See the server's greetings", { exact: true }).check();
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByText(`${reader.email} was added.`).waitFor();

    const sections = page.getByRole('navigation', { name: 'Server sections' });
    await sections.getByRole('link', { name: 'Greetings' }).click();
    await page.getByLabel('Your greeting').fill('Welcome to the Wall');
    await page.getByRole('button', { name: 'Send greeting' }).click();
    await page.getByTestId('greetings').getByText('Welcome to the Wall').waitFor();
    await pages.shoot(page, 'community-plugin-server-tab-desktop-light');

    // The reader holds hello.read only: the tab and the greetings, but no form; the API agrees.
    const rp = await pages.newPage();
    await pages.signIn(rp, reader.email, PASSWORD);
    await rp.goto(url(`/servers/${serverId}`));
    await rp.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Greetings' }).click();
    await rp.getByTestId('greetings').getByText('Welcome to the Wall').waitFor();
    expect(await rp.getByRole('button', { name: 'Send greeting' }).count()).to.equal(0);
    const readerApi = await t.signIn(reader.email);
    expect((await readerApi.post(`/api/hello/servers/${serverId}/greetings`, { message: 'hi' })).status).to.equal(403);
  });

  it('skips a plugin whose UI fails to load or to register, with a console error, and leaves nothing of it', async () => {
    const listed = (await t.panel.request('GET', '/api/ui/plugins')).body.plugins.map((b: { name: string }) => b.name);
    expect(listed).to.have.members(['hello', 'half-ui', 'wrong-import']);
    const page = await pages.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await t.createUser('skipper@example.org');
    await pages.signIn(page, 'skipper@example.org', PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Greetings' }).waitFor();
    for (const plugin of ['half-ui', 'wrong-import']) {
      expect(
        consoleErrors.some((e) => e.includes(`the UI of plugin "${plugin}" failed to load and is skipped`)),
        consoleErrors.join('\n'),
      ).to.equal(true);
    }
    expect(await nav.getByRole('link', { name: 'Half page' }).count(), 'the page it registered before throwing is gone').to.equal(0);
    await page.goto(url('/p/half'));
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  });

  it("came from the plugin's own bundle: the panel UI was not built again and carries none of it", () => {
    expect(distSnapshot()).to.deep.equal(built);
    for (const file of built.files)
      expect(readFileSync(path.join(DIST, 'assets', file), 'utf8'), file).to.not.contain('Say hello to everyone');
    expect(pages.errors).to.deep.equal([]);
  });
});
