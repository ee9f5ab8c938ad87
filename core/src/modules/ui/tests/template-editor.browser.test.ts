import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { usePanelUiWorld } from './ui-world.js';

describe("the admin's template editor in a real browser: view, clone, edit and export", function () {
  this.timeout(180_000);
  const world = usePanelUiWorld();

  before(async () => {
    await world.t.createUser('template-keeper@example.org', { role: 'admin' });
  });

  it('shows a built-in template read-only, clones it, saves an edit of the clone, refuses bad JSON, and exports it', async () => {
    const { t, pages } = world;
    const page = await pages.newPage();
    await pages.signIn(page, 'template-keeper@example.org');
    await page.goto(`${t.panel.url}/admin/templates`);
    await page.getByRole('link', { name: 'Conductor test server' }).click();
    await page.getByRole('heading', { name: 'Conductor test server', level: 1 }).waitFor();
    const json = page.getByLabel('Template (JSON)');
    expect(JSON.parse(await json.inputValue())).to.include({ id: 'conductor-test', name: 'Conductor test server' });
    await page.getByText('Built-in templates cannot be changed. Clone one to make your own.').waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).count()).to.equal(0);

    await page.getByLabel('Id of the copy').fill('my-test-copy');
    await page.getByRole('button', { name: 'Clone' }).click();
    await page.waitForURL(/\/admin\/templates\/my-test-copy$/);
    await page.getByRole('heading', { name: 'Conductor test server (copy)', level: 1 }).waitFor();

    const edited = { ...JSON.parse(await json.inputValue()), name: 'My test copy' };
    await json.fill('{ not json');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('This is not valid JSON.').waitFor();
    await json.fill(JSON.stringify(edited, null, 2));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'My test copy', level: 1 }).waitFor();
    const stored = await t.panel.request('GET', '/api/templates/my-test-copy');
    expect(stored.body.source).to.equal('custom');
    expect(stored.body.template.name).to.equal('My test copy');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).to.equal('my-test-copy.json');
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(exported).to.deep.equal(stored.body.template);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
