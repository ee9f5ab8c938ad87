import { expect } from 'chai';
import { PHONE } from './browser-helpers.js';
import { startBrowserSuite, type BrowserSuite } from './browser-suite.js';

describe("the server page's tab strip on a phone in a real browser: the current tab in view, a cue that it scrolls", function () {
  this.timeout(120_000);
  let suite: BrowserSuite;

  before(async () => {
    suite = await startBrowserSuite('phone-tabs-ui');
  });
  after(() => suite?.close());

  it('opens Settings with its tab on screen and the strip fading on the left; back on Console, fading on the right', async () => {
    const { t, pages } = suite;
    const owner = await t.createUser('thumb@example.org');
    const api = await t.signIn(owner.email);
    const server = (await api.post('/api/servers', { name: 'Pocket', templateId: 'conductor-test', expectedPlayers: 10 })).body;
    const page = await pages.newPage(PHONE);
    await pages.signIn(page, owner.email);
    await page.goto(`${t.panel.url}/servers/${server.id}/settings`);
    const strip = page.getByRole('navigation', { name: 'Server sections' });
    const settings = strip.getByRole('link', { name: 'Settings' });
    await settings.waitFor();
    const onScreen = async (name: string) => {
      const box = (await strip.getByRole('link', { name, exact: true }).boundingBox())!;
      return box.x >= 0 && box.x + box.width <= PHONE.width;
    };
    expect(await onScreen('Settings'), 'the current tab is on screen').to.equal(true);
    expect(await strip.getAttribute('class')).to.contain('more-left');
    await pages.shoot(page, 'server-tabs-settings-phone-light');

    await strip.getByRole('link', { name: 'Files' }).click();
    await page.waitForURL(/\/files$/);
    expect(await onScreen('Files')).to.equal(true);
    await page.goto(`${t.panel.url}/servers/${server.id}`);
    await strip.getByRole('link', { name: 'Console' }).waitFor();
    expect(await onScreen('Console')).to.equal(true);
    expect(await strip.getAttribute('class')).to.contain('more-right');
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
