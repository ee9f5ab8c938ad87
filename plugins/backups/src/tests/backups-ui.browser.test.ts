import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  answerConfirm,
  ADMIN_TOKEN,
  buildPanelUi,
  launchChromium,
  screenshotPath,
  startNodeFor,
  testImage,
  type TestNode,
} from '@conductor/test';
import { PASSWORD } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { createServer, startBackupsPanel, writeFile, type BackupsPanel } from './fixture.js';
import { startSshd, type Sshd } from './sshd.js';

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
/** The owner's zone: no DST, and a half-hour offset, so local time and UTC cannot be mixed up unnoticed. */
const OWNER_ZONE = 'Asia/Kolkata';
/** Spaces as browsers and Node format them (ICU puts a narrow no-break space before AM/PM). */
const plain = (s: string) => s.replace(/[\s\u202f\u00a0]+/g, ' ').trim();

/**
 * The Backups tab and the admins' Backup targets page in Chromium, against a real panel with the
 * backups plugin, a real agent with the test image, and a real sshd on loopback as the SFTP target.
 */
describe('backups UI in a real browser (Chromium): the Backups tab and the Backup targets page', function () {
  this.timeout(240_000);
  let t: BackupsPanel;
  let node: TestNode;
  let sshd: Sshd;
  let browser: Browser;
  let serverId: string;
  let owner: { id: string; email: string };
  let admin: { id: string; email: string };
  let boxId: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function newPage(options: { viewport?: typeof DESKTOP; colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: options.viewport ?? DESKTOP,
      colorScheme: options.colorScheme ?? 'light',
      locale: 'en-US',
      timezoneId: OWNER_ZONE,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return page;
  }

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${t.panel.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/servers$/);
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await new Promise((r) => setTimeout(r, 300));
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  }

  async function fileText(file: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${t.panel.url}/api/servers/${serverId}/files/contents?path=${encodeURIComponent(file)}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    return { status: res.status, text: await res.text() };
  }

  const row = (page: Page, name: string) => page.locator('tbody tr', { hasText: name });

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    await testImage();
    sshd = await startSshd();
    t = await startBackupsPanel('sqlite');
    node = await startNodeFor(t.panel, { name: 'backups-ui-node', ports: 2, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
    owner = await t.createUser('ui-owner@example.org');
    admin = await t.createUser('ui-admin@example.org', { role: 'admin' });
    serverId = await createServer(t, owner.id, node.nodeId, 'Survival');
    const box = await t.panel.request('POST', '/api/backups/targets', {
      body: {
        name: 'Box',
        host: '127.0.0.1',
        port: sshd.port,
        username: sshd.username,
        path: path.join(sshd.root, 'box'),
        auth: 'key',
        secret: sshd.privateKey,
      },
    });
    expect(box.status, JSON.stringify(box.body)).to.equal(201);
    boxId = box.body.target.id;
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await node?.close();
    await sshd?.close();
  });

  it('lets the owner make a backup to SFTP and watch its progress to the end, lock it, restore it after confirming, download it, and edit a schedule shown in local time', async () => {
    await writeFile(t, serverId, 'level.dat', 'the world before');
    // Enough incompressible data that the upload (pure-JS ssh2 crypto) takes a few seconds: the bar is seen.
    await writeFile(t, serverId, 'region.mca', randomBytes(3_000_000).toString('base64'));
    const page = await newPage();
    await signIn(page, owner.email);
    await page.goto(`${t.panel.url}/servers/${serverId}`);
    await page.getByRole('link', { name: 'Backups' }).click();
    await page.waitForURL(/\/backups$/);
    await page.getByText('No backups yet.').waitFor();
    expect(await page.getByTestId('limit-form').count(), 'owners do not see the limit field').to.equal(0);

    // Make one: the live bar moves through its phases and ends in "Complete" without a reload.
    const meterLabels: string[] = [];
    await page.exposeFunction('reportMeter', (label: string) => void meterLabels.push(label));
    // Every label the bar shows, as it changes (a string: this code runs in the page, not in Node).
    await page.evaluate(`new MutationObserver(() => {
      for (const m of document.querySelectorAll('[role="meter"]')) window.reportMeter(m.getAttribute('aria-label') ?? '');
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })`);
    const make = page.getByRole('region', { name: 'Make a backup' });
    await make.getByLabel('Name', { exact: true }).fill('Before the raid');
    await make.getByLabel('Keep it on').selectOption({ label: 'Box' });
    await page.getByRole('button', { name: 'Start backup' }).click();
    await page.getByText('The backup is being made; progress shows below.').waitFor();
    await page.locator('[role="meter"]').first().waitFor({ timeout: 30_000 });
    await shoot(page, 'backups-tab-progress-desktop-light');
    const backupRow = row(page, 'Before the raid');
    await backupRow.getByText('Complete', { exact: true }).waitFor({ timeout: 60_000 });
    expect(
      meterLabels.some((l) => /^Uploading \d+ %$/.test(l)),
      meterLabels.join(', '),
    ).to.equal(true);
    const percents = meterLabels.filter((l) => l.startsWith('Uploading')).map((l) => Number(/(\d+) %/.exec(l)![1]));
    expect(
      percents.every((p, i) => i === 0 || p >= percents[i - 1]!),
      `the upload bar never goes back: ${percents.join(', ')}`,
    ).to.equal(true);
    const [backup] = (await t.panel.request('GET', `/api/backups/servers/${serverId}/backups`)).body.backups;
    expect(backup).to.deep.include({ name: 'Before the raid', status: 'completed', targetId: boxId, locked: false });
    await backupRow.getByText('Box', { exact: true }).waitFor();
    // Sizes in the panel's units (B, KB, MB, …), as everywhere else in the panel; no MiB of the plugin's own.
    expect(await backupRow.locator('td[data-label="Size"]').innerText()).to.match(/^[\d.,]+ (B|KB|MB|GB)$/);

    // Lock: the delete button goes; the API agrees.
    await backupRow.getByRole('button', { name: 'Lock', exact: true }).click();
    await backupRow.getByText('· Locked').waitFor();
    expect(await backupRow.getByRole('button', { name: 'Delete' }).count()).to.equal(0);
    expect((await t.panel.request('GET', `/api/backups/servers/${serverId}/backups/${backup.id}`)).body.backup.locked).to.equal(true);

    // The download link gives the archive with the recorded checksum.
    const href = await backupRow.getByRole('link', { name: 'Download' }).getAttribute('href');
    const download = await page.request.get(`${t.panel.url}${href}`);
    expect(download.status()).to.equal(200);
    expect(
      createHash('sha256')
        .update(await download.body())
        .digest('hex'),
    ).to.equal(backup.sha256);

    // Restore asks first: dismissing changes nothing, confirming brings the file back.
    await writeFile(t, serverId, 'level.dat', 'griefed');
    await writeFile(t, serverId, 'griefer.txt', 'was here');
    await backupRow.getByRole('button', { name: 'Restore' }).click();
    expect(await answerConfirm(page, false)).to.equal(
      'Restore “Before the raid”? The server’s files are replaced by the backup; a running server is stopped first and started again afterwards.',
    );
    expect((await fileText('level.dat')).text, 'dismissed: nothing restored').to.equal('griefed');
    await backupRow.getByRole('button', { name: 'Restore' }).click();
    await answerConfirm(page);
    await page.getByText('Restored.', { exact: true }).waitFor({ timeout: 60_000 });
    expect((await fileText('level.dat')).text, 'the file changed after the backup is back').to.equal('the world before');
    expect((await fileText('griefer.txt')).status, 'a file made after the backup is gone').to.equal(404);

    // A backup schedule through core's builder, in the browser's zone: a new one starts with a backup task; changing it moves the next run, shown in local time.
    await page.getByRole('button', { name: 'New schedule' }).click();
    // The target is a select of the targets by name (backups names them for core's builder).
    await page.locator('#task-0-targetId').selectOption({ label: 'Box' });
    await page.getByRole('button', { name: 'Save schedule' }).click();
    const scheduleCard = page.getByTestId('schedule-Nightly');
    await scheduleCard.waitFor();
    await scheduleCard.getByRole('button', { name: 'Change', exact: true }).click();
    await page.getByLabel('At (HH:MM)').fill('05:30');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await scheduleCard.getByText(/^every day at 05:30 /).waitFor();
    const [schedule] = (await t.panel.request('GET', `/api/schedules/servers/${serverId}/schedules`)).body.schedules;
    expect(schedule).to.deep.include({ name: 'Nightly', cron: '30 5 * * *' });
    expect(schedule.tasks.map((x: { type: string; options: unknown }) => [x.type, x.options])).to.deep.equal([
      ['backup', { keep: 7, targetId: boxId, ignore: [] }],
    ]);
    // The browser's own name for the zone: Chromium still says Asia/Calcutta (an alias the panel accepts).
    expect(schedule.timezone).to.be.oneOf([OWNER_ZONE, 'Asia/Calcutta']);
    expect(
      new Date(schedule.nextRunAt).getUTCHours() * 60 + new Date(schedule.nextRunAt).getUTCMinutes(),
      '05:30 in Kolkata is 00:00 UTC',
    ).to.equal(0);
    const local = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: OWNER_ZONE }).format(
      new Date(schedule.nextRunAt),
    );
    expect(plain(await scheduleCard.locator('summary').innerText()), 'the next run in the owner’s local time').to.equal(
      plain(`Next runs: ${local}`),
    );
    expect(plain(local)).to.match(/5:30 AM$/);
    await shoot(page, 'backups-tab-desktop-light');

    // The admin's limit field: saved, shown, and a bad value refused with a sentence.
    const adminPage = await newPage({ viewport: PHONE, colorScheme: 'dark' });
    await signIn(adminPage, admin.email);
    await adminPage.goto(`${t.panel.url}/servers/${serverId}/backups`);
    await adminPage.getByText('1 of 10 backups kept').waitFor();
    const limitField = adminPage.getByLabel('Backup limit for this server');
    await limitField.fill('0');
    await adminPage.getByRole('button', { name: 'Save limit' }).click();
    await adminPage.getByTestId('limit-form').getByRole('alert').waitFor();
    expect(
      (await t.panel.request('GET', `/api/backups/servers/${serverId}/backups`)).body.limitOverride,
      'refused: nothing stored',
    ).to.equal(null);
    await limitField.fill('2');
    await adminPage.getByRole('button', { name: 'Save limit' }).click();
    await adminPage.getByText('1 of 2 backups kept').waitFor();
    expect((await t.panel.request('GET', `/api/backups/servers/${serverId}/backups`)).body).to.deep.include({
      limit: 2,
      limitOverride: 2,
      defaultLimit: 10,
    });
    await shoot(adminPage, 'backups-tab-phone-dark');
    await limitField.fill('');
    await adminPage.getByRole('button', { name: 'Save limit' }).click();
    await adminPage.getByText('1 of 10 backups kept').waitFor();

    // A subuser who may only look: the list, without the buttons their keys do not cover.
    const viewer = await t.createUser('ui-viewer@example.org');
    const ownerApi = await t.signIn(owner.email);
    expect(
      (
        await ownerApi.post(`/api/auth/servers/${serverId}/subusers`, {
          email: viewer.email,
          permissions: ['backup.read', 'backup.download'],
        })
      ).status,
    ).to.equal(201);
    const viewerPage = await newPage();
    await signIn(viewerPage, viewer.email);
    await viewerPage.goto(`${t.panel.url}/servers/${serverId}/backups`);
    await row(viewerPage, 'Before the raid').getByRole('link', { name: 'Download' }).waitFor();
    for (const name of ['Restore', 'Lock', 'Unlock', 'Delete', 'Start backup']) {
      expect(await viewerPage.getByRole('button', { name, exact: true }).count(), `no ${name} button`).to.equal(0);
    }
    expect(await viewerPage.getByText('Schedules', { exact: true }).count(), 'no schedules without schedule.read').to.equal(0);

    // German: the plugin brings its messages along.
    await page.getByLabel('Language').selectOption('de');
    await page.getByRole('button', { name: 'Backup starten' }).waitFor();
    await row(page, 'Before the raid').getByText('Fertig', { exact: true }).waitFor();
    await shoot(page, 'backups-tab-desktop-light-de');
    await page.getByLabel('Sprache').selectOption('en');
    expect(pageErrors, 'no script errors in the pages').to.deep.equal([]);
  });

  it('lets an admin add SFTP targets (an unreachable one refused, the host key pinned and shown), test them, and delete only unused ones', async () => {
    const page = await newPage();
    await signIn(page, admin.email);
    await page.getByRole('link', { name: 'Backup targets' }).click();
    await page.waitForURL(/\/p\/backup-targets$/);
    await page.getByRole('heading', { name: 'Backup targets', level: 1 }).waitFor();
    const box = page.locator('tr[data-target="Box"]');
    expect(await box.getByTestId('host-key').innerText(), 'shown as ssh-keygen -lf prints it').to.equal(sshd.hostKeyFingerprint);
    expect(await page.content(), 'no secret on the page').to.not.contain('PRIVATE KEY');

    // An unreachable target is refused with the reason, and nothing is stored.
    const fill = async (name: string, port: number, folder: string) => {
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByLabel('Host name or IP address').fill('127.0.0.1');
      await page.getByLabel('Port', { exact: true }).fill(String(port));
      await page.getByLabel('User name').fill(sshd.username);
      await page.getByLabel('Folder on the server').fill(folder);
      await page.getByLabel('Sign in with').selectOption('key');
      await page.getByLabel('Private key').fill(sshd.privateKey);
    };
    await fill('Nowhere', 1, path.join(sshd.root, 'nowhere'));
    await page.getByRole('button', { name: 'Connect and add' }).click();
    expect(await page.getByRole('alert').innerText()).to.match(/^The SFTP target cannot be reached: connect ECONNREFUSED 127\.0\.0\.1:1/);
    expect((await t.panel.request('GET', '/api/backups/targets')).body.targets.map((x: { name: string }) => x.name)).to.deep.equal(['Box']);

    // A reachable one: added, its host key pinned and shown for comparison.
    await page.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await page.getByLabel('Name', { exact: true }).fill('Storage Box');
    await page.getByLabel('Folder on the server').fill(path.join(sshd.root, 'ui'));
    await page.getByRole('button', { name: 'Connect and add' }).click();
    const pinned = await page.getByTestId('pinned').innerText();
    expect(pinned).to.equal(
      `Added “Storage Box”. Its host key is pinned: ${sshd.hostKeyFingerprint}. Compare it with ssh-keygen -lf on the server’s host key.`,
    );
    expect(await page.getByLabel('Private key').inputValue(), 'the form forgets the key').to.equal('');
    const added = page.locator('tr[data-target="Storage Box"]');
    await added.waitFor();
    expect(await added.innerText()).to.contain(`${sshd.username}@127.0.0.1:${sshd.port}`);

    // Test connection: a sentence with the time and free space; with sshd down, the reason.
    await added.getByRole('button', { name: 'Test connection' }).click();
    expect(await added.getByTestId('test-result').innerText()).to.match(
      /^Connected in \d+ ms; the host key matches the pinned one and the folder is there\. Free space: [\d.,]+ [KMGT]?i?B\.$/,
    );
    await shoot(page, 'backup-targets-desktop-light');
    await sshd.stop();
    try {
      await added.getByRole('button', { name: 'Test connection' }).click();
      await added
        .getByTestId('test-result')
        .getByText(/^The test failed: The SFTP target cannot be reached: connect ECONNREFUSED/)
        .waitFor();
    } finally {
      await sshd.start();
    }

    // Delete: refused with a sentence while backups use it; an unused one goes after confirming.
    await box.getByRole('button', { name: 'Delete' }).click();
    await answerConfirm(page);
    await page
      .getByRole('alert')
      .filter({ hasText: 'Backups or schedules still use this target. Delete them or move the schedules to another place first.' })
      .waitFor();
    await added.getByRole('button', { name: 'Delete' }).click();
    await answerConfirm(page);
    await page.getByText('The target “Storage Box” is removed.').waitFor();
    expect((await t.panel.request('GET', '/api/backups/targets')).body.targets.map((x: { name: string }) => x.name)).to.deep.equal(['Box']);

    // Owners neither see the page nor open it.
    const ownerPage = await newPage();
    await signIn(ownerPage, owner.email);
    expect(await ownerPage.getByRole('link', { name: 'Backup targets' }).count()).to.equal(0);
    await ownerPage.goto(`${t.panel.url}/p/backup-targets`);
    await ownerPage.getByText('There is nothing here, or you may not see it.').waitFor();
    expect(await ownerPage.getByRole('heading', { name: 'Backup targets' }).count()).to.equal(0);
    expect(pageErrors, 'no script errors in the pages').to.deep.equal([]);
  });

  it('names the backup that archiving a sleeping server made as taken before archiving, not as a raw message key', async () => {
    const id = await createServer(t, owner.id, node.nodeId, 'Archived once');
    expect((await t.panel.request('POST', `/api/servers/${id}/sleep`)).body.phase).to.equal('sleep');
    const archived = await t.panel.request('POST', `/api/servers/${id}/archive`);
    expect(archived.status, JSON.stringify(archived.body)).to.equal(200);
    const woken = await t.panel.request('POST', `/api/servers/${id}/wake`);
    expect(woken.status, JSON.stringify(woken.body)).to.equal(200);
    const [backup] = (await t.panel.request('GET', `/api/backups/servers/${id}/backups`)).body.backups;
    expect(backup).to.deep.include({ name: 'Archive', origin: 'archive', status: 'completed' });

    const page = await newPage();
    await signIn(page, owner.email);
    await page.goto(`${t.panel.url}/servers/${id}/backups`);
    const archiveRow = row(page, 'Archive');
    await archiveRow.waitFor();
    expect(plain(await archiveRow.getByRole('cell').first().innerText())).to.equal('Archive (Before archiving)');
    expect(pageErrors, 'no script errors in the pages').to.deep.equal([]);
  });
});
