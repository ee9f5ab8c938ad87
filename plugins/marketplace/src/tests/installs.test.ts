import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ADMIN_TOKEN, DATABASES, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { openSocket } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { MARKETPLACE_SOCKET, type ProgressUpdate } from '../progress.js';
import { Catalogue } from '../../../../test/fixtures/modrinth/index.js';
import { definePlugin } from '@conductor/core';
import { createServer, volume } from '../../../backups/src/tests/fixture.js';
import { startMarketplacePanel, syncNow, type MarketplacePanel } from './fixture.js';

const v = (number: string, extra: Record<string, unknown> = {}) => ({
  number,
  loaders: ['paper'],
  gameVersions: ['1.21.4'],
  published: `2026-0${number[0]}-01T00:00:00.000Z`,
  ...extra,
});

/** Plugins with dependency chains, a cycle, a missing and an incompatible dependency, and a datapack. */
async function catalogue(): Promise<Catalogue> {
  const c = new Catalogue();
  await c.add({ slug: 'lib-base', versions: [v('1.0.0', { dependencies: [{ project: 'economy-core', type: 'required' }] })] });
  await c.add({ slug: 'economy-core', versions: [v('2.0.0', { dependencies: [{ project: 'lib-base', type: 'required' }] })] });
  await c.add({ slug: 'chat-colors', versions: [v('1.0.0')] });
  await c.add({
    slug: 'homes',
    versions: [
      v('1.0.0'),
      v('3.0.0', { type: 'beta' }),
      v('2.0.0', {
        dependencies: [
          { project: 'economy-core', type: 'required' },
          { project: 'chat-colors', type: 'optional' },
        ],
      }),
      v('1.5.0', { gameVersions: ['1.20.1'] }),
    ],
  });
  await c.add({ slug: 'spigot-chat', versions: [v('1.0.0', { loaders: ['spigot', 'bukkit'] })] });
  await c.add({ slug: 'fabric-only', versions: [v('1.0.0', { loaders: ['fabric'] })], clientSide: 'optional' });
  await c.add({ slug: 'needs-fabric-api', versions: [v('1.0.0', { dependencies: [{ project: 'fabric-only', type: 'required' }] })] });
  await c.add({ slug: 'ghost', versions: [v('1.0.0')] });
  await c.add({ slug: 'needs-ghost', versions: [v('1.0.0', { dependencies: [{ project: 'ghost', type: 'required' }] })] });
  await c.add({ slug: 'anti-homes', versions: [v('1.0.0', { dependencies: [{ project: 'homes', type: 'incompatible' }] })] });
  await c.add({ slug: 'guard', versions: [v('1.0.0', { dependencies: [{ project: 'spigot-chat', type: 'required' }] })] });
  await c.add({ slug: 'more-ores', versions: [v('1.0.0', { loaders: ['datapack'] })] });
  await c.add({ slug: 'hand-made', versions: [v('1.0.0')] });
  // Modrinth no longer has it: the dependency is dangling.
  c.projects.delete(c.project('ghost')!.id);
  return c;
}

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

/** Holds installs in marketplace.beforeInstall while a test keeps the gate shut. */
let gate: Promise<void> | null = null;
const installGate = definePlugin({
  manifest: { name: 'install-gate', version: '0.0.0', dependsOn: ['marketplace'] },
  init({ hooks }) {
    hooks.tap('marketplace.beforeInstall', 'install-gate', async () => void (await gate), 'install-gate');
  },
});

for (const database of DATABASES) {
  describe(`marketplace installs on a real node (${database})`, function () {
    this.timeout(240_000);
    let t: MarketplacePanel;
    let node: TestNode;
    let ob: Browser;
    let serverId: string;
    const base = () => `/api/marketplace/servers/${serverId}`;
    /** Every file under the server's plugins/ (or another folder), by name, with its sha512. */
    const folder = (dir = 'plugins') => {
      const full = path.join(volume(node, serverId), dir);
      try {
        return Object.fromEntries(
          readdirSync(full)
            .sort()
            .map((n) => [n, sha512(readFileSync(path.join(full, n)))]),
        );
      } catch {
        return {};
      }
    };
    const fileOf = (slug: string, number: string) => t.modrinth.catalogue.fileOf(t.modrinth.catalogue.versionOf(slug, number));
    const expectRefused = async (body: object, status: number, code: string, message?: string) => {
      const before = folder();
      const res = await ob.post(`${base()}/installs`, body);
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(res.body.error.code).to.equal(code);
      if (message) expect(res.body.error.message).to.contain(message);
      expect(folder(), 'nothing was written').to.deep.equal(before);
    };

    before(async () => {
      await testImage();
      t = await startMarketplacePanel(database, await catalogue(), [installGate]);
      node = await startNodeFor(t.panel, { name: `market-${database}`, ports: 1 });
      const owner = await t.createUser(`owner-${database}@example.org`);
      ob = await t.signIn(owner.email);
      serverId = await createServer(t, owner.id, node.nodeId, 'Plugins');
      await syncNow(t);
    });
    after(async () => {
      await t?.close();
      await node?.close();
    });

    it("knows the server's loader and version from its template, and installs a datapack into world/datapacks", async () => {
      expect((await ob.get(`${base()}/game`)).body).to.deep.equal({ loader: 'vanilla', minecraftVersion: '1.21.4', source: 'template' });
      await expectRefused({ project: 'chat-colors' }, 409, 'no_compatible_version', 'No release of chat-colors runs on vanilla 1.21.4');
      const res = await ob.post(`${base()}/installs`, { project: 'more-ores' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.installed[0].files).to.deep.equal(['world/datapacks/more-ores-1.0.0.jar']);
      expect(folder('world/datapacks')).to.deep.equal({ 'more-ores-1.0.0.jar': sha512(fileOf('more-ores', '1.0.0')) });
    });

    it('installs the newest compatible release with its required dependencies (a cycle among them), offers the optional one, and the folder holds exactly those files', async () => {
      const game = await ob.request('PUT', `${base()}/game`, { body: { loader: 'paper', minecraftVersion: '1.21.4' } });
      expect(game.body).to.deep.equal({ loader: 'paper', minecraftVersion: '1.21.4', source: 'server' });
      const res = await ob.post(`${base()}/installs`, { project: 'homes' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(
        res.body.installed.map(
          (i: { title: string; versionNumber: string; reason: string }) => `${i.title} ${i.versionNumber} ${i.reason}`,
        ),
      ).to.deep.equal(['homes 2.0.0 requested', 'economy-core 2.0.0 dependency', 'lib-base 1.0.0 dependency']);
      expect(res.body.optional).to.deep.equal([
        {
          projectId: t.modrinth.catalogue.project('chat-colors')!.id,
          title: 'chat-colors',
          requiredBy: t.modrinth.catalogue.project('homes')!.id,
        },
      ]);
      expect(res.body.restartNeeded).to.equal(false);
      expect(folder()).to.deep.equal({
        'economy-core-2.0.0.jar': sha512(fileOf('economy-core', '2.0.0')),
        'homes-2.0.0.jar': sha512(fileOf('homes', '2.0.0')),
        'lib-base-1.0.0.jar': sha512(fileOf('lib-base', '1.0.0')),
      });
      const installed = (await ob.get(`${base()}/installed`)).body;
      expect(installed.installs.map((i: { projectTitle: string; reason: string }) => `${i.projectTitle}:${i.reason}`).sort()).to.deep.equal(
        ['economy-core:dependency', 'homes:requested', 'lib-base:dependency', 'more-ores:requested'],
      );
      expect(installed.unmanaged).to.deep.equal([]);
      const history = (await ob.get(`${base()}/history`)).body.history;
      expect(history).to.have.length(4);
      expect(history[0]).to.include({ action: 'install', fromVersion: null, ok: true, actorLabel: `owner-${database}@example.org` });
      expect((await ob.post(`${base()}/installs`, { project: 'homes' })).body.error.code).to.equal('already_installed');
    });

    it('refuses a file whose SHA-512 does not match (here a dependency) with nothing written', async () => {
      const tampered = fileOf('spigot-chat', '1.0.0');
      const url = t.modrinth.catalogue.versionOf('spigot-chat', '1.0.0').files[0]!.url;
      t.modrinth.tamper(
        new URL(url).pathname,
        Buffer.concat([tampered.subarray(0, tampered.length - 1), Buffer.from([tampered[tampered.length - 1]! ^ 1])]),
      );
      await expectRefused({ project: 'guard' }, 502, 'file_hash_mismatch', 'does not match its SHA-512');
      expect(
        readdirSync(path.join(volume(node, serverId), 'plugins')).filter((n) => n.includes('conductor')),
        'no temporary files left',
      ).to.deep.equal([]);
      expect((await ob.get(`${base()}/installed`)).body.installs.map((i: { projectTitle: string }) => i.projectTitle)).to.not.include(
        'guard',
      );
    });

    it('refuses incompatible versions and dependencies, naming the conflict, and a missing dependency', async () => {
      await expectRefused({ project: 'fabric-only' }, 409, 'no_compatible_version', 'No release of fabric-only runs on paper 1.21.4');
      await expectRefused(
        { project: 'homes', versionId: t.modrinth.catalogue.versionOf('homes', '1.5.0').id },
        409,
        'incompatible_version',
        'homes 1.5.0 is for paper on Minecraft 1.20.1; this server runs paper 1.21.4',
      );
      await expectRefused(
        { project: 'needs-fabric-api' },
        409,
        'dependency_incompatible',
        'needs-fabric-api requires fabric-only, but no release of fabric-only runs on paper 1.21.4',
      );
      await expectRefused(
        { project: 'needs-ghost' },
        409,
        'dependency_missing',
        'needs-ghost 1.0.0 requires a project Modrinth does not have',
      );
      await expectRefused(
        { project: 'anti-homes' },
        409,
        'incompatible_with_installed',
        'anti-homes 1.0.0 does not work together with homes',
      );
      await expectRefused({ project: 'homes', colour: 'red' }, 400, 'validation_failed');
      // The plan (the UI's badge) says the same without installing.
      expect((await ob.get(`${base()}/plan?project=needs-fabric-api`)).body.error.code).to.equal('dependency_incompatible');
      const plan = (await ob.get(`${base()}/plan?project=guard`)).body;
      expect(plan.steps.map((s: { title: string; reason: string; folder: string }) => `${s.title} ${s.reason} ${s.folder}`)).to.deep.equal([
        'guard requested plugins',
        'spigot-chat dependency plugins',
      ]);
    });

    it('recognises a jar uploaded by hand by its hash, and links it on request', async () => {
      const jar = fileOf('hand-made', '1.0.0');
      const up = await fetch(`${t.panel.url}/api/servers/${serverId}/files/upload?path=${encodeURIComponent('plugins/HandMade.jar')}`, {
        method: 'POST',
        body: new Uint8Array(jar),
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/octet-stream' },
      });
      expect(up.status).to.equal(201);
      const unmanaged = (await ob.get(`${base()}/installed`)).body.unmanaged;
      expect(unmanaged).to.deep.equal([
        {
          path: 'plugins/HandMade.jar',
          size: jar.length,
          sha512: sha512(jar),
          match: {
            projectId: t.modrinth.catalogue.project('hand-made')!.id,
            title: 'hand-made',
            versionId: t.modrinth.catalogue.versionOf('hand-made', '1.0.0').id,
            versionNumber: '1.0.0',
          },
        },
      ]);
      const asked = () => t.modrinth.requests.filter((r) => r.path === '/v2/version_files').length;
      const before = asked();
      expect((await ob.get(`${base()}/installed`)).body.unmanaged).to.have.length(1);
      expect(asked(), 'a second look asks Modrinth nothing').to.equal(before);
      const linked = await ob.post(`${base()}/installed/link`, { path: 'plugins/HandMade.jar' });
      expect(linked.status, JSON.stringify(linked.body)).to.equal(201);
      expect(linked.body.install).to.include({ reason: 'linked', versionNumber: '1.0.0' });
      expect((await ob.get(`${base()}/installed`)).body.unmanaged).to.deep.equal([]);
    });

    it('uninstalls exactly its files, and asks before removing a dependency another install still needs', async () => {
      const libId = t.modrinth.catalogue.project('economy-core')!.id;
      const asked = await ob.request('DELETE', `${base()}/installs/${libId}`);
      expect(asked.status).to.equal(409);
      expect(asked.body.error).to.deep.include({ code: 'still_required' });
      expect(asked.body.error.details.requiredBy.map((r: { title: string }) => r.title).sort()).to.deep.equal(['homes', 'lib-base']);
      const before = folder();
      const homes = await ob.request('DELETE', `${base()}/installs/${t.modrinth.catalogue.project('homes')!.id}`);
      expect(homes.status, JSON.stringify(homes.body)).to.equal(200);
      expect(homes.body.removed).to.deep.equal(['plugins/homes-2.0.0.jar']);
      const { ['homes-2.0.0.jar']: _gone, ...rest } = before;
      expect(folder()).to.deep.equal(rest);
      const forced = await ob.request('DELETE', `${base()}/installs/${libId}?force=true`);
      expect(forced.status).to.equal(200);
      expect(Object.keys(folder())).to.deep.equal(['HandMade.jar', 'lib-base-1.0.0.jar']);
      const history = (await ob.get(`${base()}/history`)).body.history;
      expect(
        history
          .slice(0, 2)
          .map((h: { action: string; projectTitle: string; fromVersion: string }) => `${h.action} ${h.projectTitle} ${h.fromVersion}`)
          .sort(),
      ).to.deep.equal(['uninstall economy-core 2.0.0', 'uninstall homes 2.0.0']);
    });

    it('streams install progress to watchers, refuses another user, and forgets a deleted server', async () => {
      const socket = await openSocket(t, ob, '/marketplace');
      const phases: string[] = [];
      socket.on(MARKETPLACE_SOCKET.progress, (p: ProgressUpdate & { serverId: string }) => p.serverId === serverId && phases.push(p.phase));
      expect(await socket.timeout(5000).emitWithAck(MARKETPLACE_SOCKET.watch, { serverId })).to.deep.equal({ ok: true });
      expect((await ob.post(`${base()}/installs`, { project: 'chat-colors' })).status).to.equal(201);
      await until('the done update', () => phases.includes('done'));
      expect(phases).to.deep.equal(['resolving', 'downloading', 'placing', 'done']);
      socket.close();

      // A second change while one is running on the server is refused, not interleaved.
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      // Without the lock the second install would wait in the gate too: it opens on its own, so the test fails rather than hangs.
      const safety = setTimeout(() => open(), 10_000);
      const first = ob.post(`${base()}/installs`, { project: 'anti-homes' });
      await until(
        'the first install in its hook',
        async () => (await t.panel.kernel.container.cradle.db('marketplace_server_locks').where('server_id', serverId)).length === 1,
      );
      const second = await ob.post(`${base()}/installs`, { project: 'anti-homes' });
      expect(second.status).to.equal(409);
      expect(second.body.error.code).to.equal('marketplace_busy');
      clearTimeout(safety);
      open();
      gate = null;
      expect((await first).status).to.equal(201);
      expect((await ob.request('DELETE', `${base()}/installs/${t.modrinth.catalogue.project('anti-homes')!.id}`)).status).to.equal(200);

      const stranger = await t.createUser(`stranger-${database}@example.org`);
      const sb = await t.signIn(stranger.email);
      for (const [method, url] of [
        ['GET', '/installed'],
        ['GET', '/history'],
        ['POST', '/installs'],
      ] as const) {
        const res = await sb.request(method, `${base()}${url}`, { body: method === 'POST' ? { project: 'chat-colors' } : undefined });
        expect(res.status, `${method} ${url}`).to.equal(404);
      }

      const { installRepository } = t.panel.kernel.containerOf('marketplace').cradle;
      expect(await installRepository.list(serverId)).to.not.deep.equal([]);
      const deleted = await t.panel.request('DELETE', `/api/servers/${serverId}`);
      expect(deleted.status, JSON.stringify(deleted.body)).to.be.below(300);
      await until(
        'the installs and history of the deleted server are gone',
        async () => (await installRepository.list(serverId)).length === 0 && (await installRepository.history(serverId, 10)).length === 0,
      );
    });
  });
}
