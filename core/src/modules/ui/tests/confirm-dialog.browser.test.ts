import { expect } from 'chai';
import { answerConfirm } from '@conductor/test';
import { startBrowserSuite, type BrowserSuite } from './browser-suite.js';

describe("the panel's confirmation dialog in a real browser: modal, keyboard-only, no window.confirm", function () {
  this.timeout(120_000);
  let suite: BrowserSuite;

  before(async () => {
    suite = await startBrowserSuite('confirm-ui');
  });
  after(() => suite?.close());

  it('asks in a modal dialog with Cancel focused; Tab stays inside, Escape cancels (nothing happens), confirming acts; no native dialog', async () => {
    const { t, pages } = suite;
    const user = await t.createUser('asker@example.org');
    const page = await pages.newPage();
    let nativeDialogs = 0;
    page.on('dialog', (d) => {
      nativeDialogs++;
      void d.dismiss();
    });
    await pages.signIn(page, user.email);
    await page.goto(`${t.panel.url}/account`);
    await page.getByLabel('Name', { exact: true }).fill('laptop');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('new-api-key').waitFor();

    await page.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the key' });
    await dialog.waitFor();
    expect(await page.locator(':focus').innerText(), 'Cancel has the focus: a stray Enter changes nothing').to.equal('Cancel');
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await page.locator('main :focus, header :focus').count(), 'the page behind is inert').to.equal(0);
    }
    await pages.shoot(page, 'confirm-dialog-desktop-light');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Revoke' }).waitFor();
    expect(await page.getByText('You have no API keys.').count(), 'cancelled: the key stays').to.equal(0);

    await page.getByRole('button', { name: 'Revoke' }).click();
    expect(await answerConfirm(page)).to.contain('laptop');
    await page.getByText('You have no API keys.').waitFor();
    expect(nativeDialogs, 'no window.confirm').to.equal(0);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
