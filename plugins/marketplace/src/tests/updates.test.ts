import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { asValue } from 'awilix';
import { expect } from 'chai';
import { ADMIN_TOKEN, DATABASES, MovableClock, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { Catalogue } from '../../../../test/fixtures/modrinth/index.js';
import backupsPlugin from '../../../backups/src/index.js';
import { volume } from '../../../backups/src/tests/fixture.js';
import { startMarketplacePanel, syncNow, type MarketplacePanel } from './fixture.js';
import { PAPER_EMULATOR, paperEmulatorTemplate } from './paper-emulator.js';

const paper = (number: string, month: number, type: 'release' | 'beta' = 'release') => ({
  number,
  type,
  loaders: ['paper'],
  gameVersions: ['1.21.4'],
  published: `2026-0${month}-01T00:00:00.000Z`,
});
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

for (const database of DATABASES) {
  describe(`marketplace updates on a running server (${database})`, function () {
    this.timeout(300_000);
    let t: MarketplacePanel;
    let node: TestNode;
    let ob: Browser;
    let serverId: string;
    let homesId: string;
    const clock = new MovableClock();
    const base = () => `/api/marketplace/servers/${serverId}`;
    const plugins = () =>
      Object.fromEntries(
        readdirSync(path.join(volume(node, serverId), 'plugins'))
          .sort()
          .map((n) => [n, sha512(readFileSync(path.join(volume(node, serverId), 'plugins', n)))]),
      );
    const jar = (number: string) => sha512(t.modrinth.catalogue.fileOf(t.modrinth.catalogue.versionOf('homes', number)));
    const log = () => readFileSync(path.join(volume(node, serverId), 'logs/latest.log'), 'utf8');
    const state = () => node.agent.agent.manager.get(serverId).state;

    before(async () => {
      await testImage();
      const c = new Catalogue();
      await c.add({ slug: 'homes', versions: [paper('1.0.0', 1)] });
      t = await startMarketplacePanel(database, c, [backupsPlugin], { restartTimeoutSeconds: 60 }, { backups: { minIntervalSeconds: 0 } });
      t.panel.kernel.containerOf('marketplace').register({ marketplaceClock: asValue(clock) });
      node = await startNodeFor(t.panel, { name: `updates-${database}`, ports: 1, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
      const owner = await t.createUser(`owner-${database}@example.org`);
      ob = await t.signIn(owner.email);
      expect((await t.panel.request('POST', '/api/templates', { body: paperEmulatorTemplate })).status).to.equal(201);
      const created = await t.panel.request('POST', '/api/servers', {
        body: { name: 'Emulated Paper', templateId: 'paper-emulator', ownerId: owner.id, nodeId: node.nodeId, memoryMb: 256 },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      serverId = created.body.id;
      const put = await fetch(`${t.panel.url}/api/servers/${serverId}/files/contents?path=paper-emulator.mjs`, {
        method: 'PUT',
        body: PAPER_EMULATOR,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/octet-stream' },
      });
      expect(put.status).to.equal(200);
      await syncNow(t);
      homesId = t.modrinth.catalogue.project('homes')!.id;
      expect((await ob.post(`${base()}/installs`, { project: 'homes' })).status).to.equal(201);
      expect((await t.panel.request('POST', `/api/servers/${serverId}/power/start`)).status).to.equal(200);
      await until('running', () => state() === 'running', 60_000);
      expect(log()).to.contain('[homes] Enabling homes v1.0.0');
    });
    after(async () => {
      await t?.panel.request('POST', `/api/servers/${serverId}/power/kill`).catch(() => undefined);
      await t?.close();
      await node?.close();
    });

    it('finds an update in bulk by SHA-512, takes a backup first, swaps the files and restarts the running server', async () => {
      const fresh = await ob.post(`${base()}/updates/check`, {});
      expect(fresh.body.installs[0].update).to.equal(null);
      await t.modrinth.catalogue.addVersion('homes', paper('2.0.0', 2));
      t.modrinth.requests.length = 0;
      const checked = await ob.post(`${base()}/updates/check`, {});
      expect(checked.body.installs[0].update).to.deep.include({ versionNumber: '2.0.0', versionType: 'release' });
      expect(t.modrinth.requests.map((r) => [r.path, r.body])).to.deep.equal([
        [
          '/v2/version_files/update',
          { hashes: [jar('1.0.0')], algorithm: 'sha512', loaders: ['paper', 'spigot', 'bukkit'], game_versions: ['1.21.4'] },
        ],
      ]);

      const updated = await ob.post(`${base()}/installs/${homesId}/update`, {});
      expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
      expect(updated.body).to.deep.equal({
        projectId: homesId,
        from: '1.0.0',
        to: '2.0.0',
        ok: true,
        rolledBack: false,
        error: null,
        restarted: true,
      });
      expect(plugins()).to.deep.equal({ 'homes-2.0.0.jar': jar('2.0.0') });
      expect(log()).to.contain('[homes] Enabling homes v2.0.0');
      expect(state()).to.equal('running');
      const backups = (await ob.get(`/api/backups/servers/${serverId}/backups`)).body.backups;
      expect(backups.map((b: { origin: string; name: string; status: string }) => [b.origin, b.name, b.status])).to.deep.equal([
        ['before_install', 'Before updating homes to 2.0.0', 'completed'],
      ]);
      const [last] = (await ob.get(`${base()}/history`)).body.history;
      expect(last).to.include({ action: 'update', fromVersion: '1.0.0', toVersion: '2.0.0', ok: true });
    });

    it('puts the previous files back on its own when the new version fails to enable, and the server runs on them', async () => {
      await t.modrinth.catalogue.addVersion('homes', paper('3.0.0-broken', 3, 'beta'));
      const broken = t.modrinth.catalogue.versionOf('homes', '3.0.0-broken');
      const res = await ob.post(`${base()}/installs/${homesId}/update`, { versionId: broken.id });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.include({ ok: false, rolledBack: true, from: '2.0.0', to: '3.0.0-broken' });
      expect(res.body.error).to.contain('Error occurred while enabling homes v3.0.0-broken');
      expect(plugins(), 'exactly the previous jar').to.deep.equal({ 'homes-2.0.0.jar': jar('2.0.0') });
      expect(log()).to.contain('[homes] Enabling homes v2.0.0');
      await until('running again', () => state() === 'running', 60_000);
      const installs = (await ob.get(`${base()}/installed`)).body.installs;
      expect(installs[0]).to.include({ versionNumber: '2.0.0' });
      const history = (await ob.get(`${base()}/history`)).body.history.slice(0, 2);
      expect(
        history
          .map(
            (h: { action: string; fromVersion: string; toVersion: string; ok: boolean }) =>
              `${h.action} ${h.fromVersion}->${h.toVersion} ${h.ok}`,
          )
          .sort(),
      ).to.deep.equal(['rollback 3.0.0-broken->2.0.0 true', 'update 2.0.0->3.0.0-broken false']);
    });

    it('rolls back by hand to the version the last update replaced', async () => {
      const res = await ob.post(`${base()}/installs/${homesId}/rollback`, {});
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.include({ ok: true, from: '2.0.0', to: '1.0.0' });
      expect(plugins()).to.deep.equal({ 'homes-1.0.0.jar': jar('1.0.0') });
      expect(log()).to.contain('[homes] Enabling homes v1.0.0');
      expect((await ob.post(`${base()}/installs/${homesId}/rollback`, {})).body.error.code).to.equal('nothing_to_roll_back');
    });

    it('updates automatically only when turned on, only to releases, and only in the night of the owner’s time zone', async () => {
      const service = t.panel.kernel.containerOf('marketplace').cradle.updateService;
      await ob.post(`${base()}/updates/check`, {});
      expect((await ob.get(`${base()}/installed`)).body.installs[0].update, 'the newest is a beta').to.deep.include({
        versionNumber: '3.0.0-broken',
        versionType: 'beta',
      });
      const on = await ob.request('PUT', `${base()}/installs/${homesId}/auto-update`, { body: { enabled: true, timeZone: 'Asia/Tokyo' } });
      expect(on.status, JSON.stringify(on.body)).to.equal(200);
      expect(on.body.install).to.include({ autoUpdate: true, autoUpdateZone: 'Asia/Tokyo' });
      clock.set('2026-12-01T18:30:00Z'); // 03:30 in Tokyo
      expect(await service.autoUpdate(), 'a beta is never applied automatically').to.deep.equal([]);

      await t.modrinth.catalogue.addVersion('homes', paper('2.1.0', 4));
      await ob.post(`${base()}/updates/check`, {});
      clock.set('2026-12-01T12:00:00Z'); // 21:00 in Tokyo
      expect(await service.autoUpdate(), 'outside the night').to.deep.equal([]);
      clock.set('2026-12-01T18:30:00Z');
      const [done] = await service.autoUpdate();
      expect(done).to.deep.include({ ok: true, from: '1.0.0', to: '2.1.0' });
      expect(plugins()).to.deep.equal({ 'homes-2.1.0.jar': jar('2.1.0') });
      const history = (await ob.get(`${base()}/history`)).body.history;
      expect(history.find((h: { toVersion: string }) => h.toVersion === '2.1.0')).to.include({
        action: 'update',
        fromVersion: '1.0.0',
        ok: true,
        actorId: 'marketplace-auto-update',
        actorLabel: 'marketplace-auto-update',
      });
      expect(
        (await ob.request('PUT', `${base()}/installs/${homesId}/auto-update`, { body: { enabled: true, timeZone: 'Mars/Olympus' } })).body
          .error.code,
      ).to.equal('invalid_timezone');
    });
  });
}
