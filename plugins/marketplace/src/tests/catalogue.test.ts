import { compileErrors, validate } from '@readme/openapi-parser';
import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { Catalogue } from '../../../../test/fixtures/modrinth/index.js';
import { startMarketplacePanel, syncNow, type MarketplacePanel } from './fixture.js';

const at = (day: number) => new Date(Date.UTC(2026, 10, day)).toISOString();
const plugin = (slug: string, loaders: string[], day: number, downloads = 10, extra: Record<string, unknown> = {}) => ({
  slug,
  downloads,
  updated: at(day),
  versions: [{ number: '1.0.0', loaders, gameVersions: ['1.21.4'], published: at(day) }],
  ...extra,
});

/** One project per loader family, and two that are not for servers. */
async function catalogue(): Promise<Catalogue> {
  const c = new Catalogue();
  await c.add(plugin('paper-homes', ['paper'], 1, 500, { categories: ['utility'] }));
  await c.add(plugin('spigot-shops', ['spigot', 'bukkit'], 2, 900, { categories: ['economy'] }));
  await c.add(plugin('purpur-extras', ['purpur'], 3, 50));
  await c.add(plugin('folia-regions', ['folia'], 4, 40));
  await c.add(plugin('fabric-lag', ['fabric'], 5, 300, { clientSide: 'optional', serverSide: 'optional', categories: ['optimization'] }));
  await c.add(plugin('quilt-tweaks', ['quilt'], 6, 30, { clientSide: 'optional' }));
  await c.add(plugin('neo-machines', ['neoforge'], 7, 20, { clientSide: 'required' }));
  await c.add(plugin('forge-machines', ['forge'], 8, 25, { clientSide: 'required' }));
  await c.add(plugin('velocity-auth', ['velocity'], 9, 60));
  await c.add({
    ...plugin('more-trees', ['datapack'], 10, 70),
    versions: [{ number: '2.0.0', loaders: ['datapack'], gameVersions: ['1.20.1'], published: at(10) }],
  });
  await c.add(plugin('zoom-client', ['fabric'], 11, 9000, { clientSide: 'required', serverSide: 'unsupported' }));
  await c.add(
    plugin('shiny-textures', ['minecraft'], 12, 8000, { clientSide: 'required', serverSide: 'unsupported', projectType: 'resourcepack' }),
  );
  return c;
}

for (const database of DATABASES) {
  describe(`marketplace catalogue: sync and search (${database})`, function () {
    this.timeout(120_000);
    let t: MarketplacePanel;
    const slugs = async (query: string) => {
      const res = await t.panel.request('GET', `/api/marketplace/projects?${query}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return (res.body.hits as Array<{ slug: string }>).map((h) => h.slug);
    };

    before(async () => {
      t = await startMarketplacePanel(database, await catalogue());
    });
    after(async () => t?.close());

    it('syncs server-side projects only, chosen by loader, with progress and the last result for admins', async () => {
      const user = await t.createUser(`user-${database}@example.org`);
      const ub = await t.signIn(user.email);
      expect((await ub.get('/api/marketplace/sync')).status, 'admins only').to.equal(403);
      expect((await ub.post('/api/marketplace/sync', {})).status).to.equal(403);

      const status = await syncNow(t);
      expect(status.lastResult).to.deep.include({ kind: 'full', ok: true, projects: 10, versions: 10 });
      expect(status.catalogue).to.deep.equal({ projects: 10, versions: 10 });
      expect(status.cursor).to.equal(at(10));
      expect(await slugs('sort=downloads&limit=100')).to.deep.equal([
        'spigot-shops',
        'paper-homes',
        'fabric-lag',
        'more-trees',
        'velocity-auth',
        'purpur-extras',
        'folia-regions',
        'quilt-tweaks',
        'forge-machines',
        'neo-machines',
      ]);
      for (const r of t.modrinth.requests) expect(r.userAgent).to.equal('conductor-panel/marketplace/0.1.0 (tests@conductor.test)');
    });

    it('filters by loader with compatibility, game version and category, and sorts', async () => {
      expect((await slugs('loader=purpur')).sort()).to.deep.equal(['paper-homes', 'purpur-extras', 'spigot-shops']);
      expect((await slugs('loader=paper')).sort()).to.deep.equal(['paper-homes', 'spigot-shops']);
      expect(await slugs('loader=folia')).to.deep.equal(['folia-regions']);
      expect((await slugs('loader=quilt')).sort()).to.deep.equal(['fabric-lag', 'quilt-tweaks']);
      expect(await slugs('loader=fabric')).to.deep.equal(['fabric-lag']);
      expect(await slugs('loader=neoforge')).to.deep.equal(['neo-machines']);
      expect(await slugs('loader=datapack')).to.deep.equal(['more-trees']);
      expect(await slugs('gameVersion=1.20.1')).to.deep.equal(['more-trees']);
      expect(await slugs('category=economy')).to.deep.equal(['spigot-shops']);
      expect(await slugs('q=machines&sort=downloads')).to.deep.equal(['forge-machines', 'neo-machines']);
      expect(await slugs('q=neo')).to.deep.equal(['neo-machines']);
      expect(await slugs('sort=updated&limit=2')).to.deep.equal(['more-trees', 'velocity-auth']);
      const page = await t.panel.request('GET', '/api/marketplace/projects?limit=3&offset=3&sort=downloads');
      expect(page.body.total).to.equal(10);
      expect(page.body.hits.map((h: { slug: string }) => h.slug)).to.deep.equal(['more-trees', 'velocity-auth', 'purpur-extras']);
    });

    it('refuses unknown or bad search fields with 400', async () => {
      for (const q of ['loader=minecraft', 'sort=random', 'limit=500', 'colour=red']) {
        const res = await t.panel.request('GET', `/api/marketplace/projects?${q}`);
        expect(res.status, q).to.equal(400);
        expect(res.body.error.code, q).to.equal('validation_failed');
      }
    });

    it('syncs incrementally: only projects updated since the last run are fetched again', async () => {
      await t.modrinth.catalogue.addVersion('paper-homes', {
        number: '1.1.0',
        loaders: ['paper'],
        gameVersions: ['1.21.4'],
        published: at(20),
      });
      await t.modrinth.catalogue.add(plugin('new-warps', ['paper'], 21, 5));
      t.modrinth.requests.length = 0;
      const status = await syncNow(t);
      // The two changed ones, and the one updated exactly at the cursor (ties are taken again).
      expect(status.lastResult).to.deep.include({ kind: 'incremental', ok: true, projects: 3, versions: 4 });
      expect(status.catalogue).to.deep.equal({ projects: 11, versions: 12 });
      expect(t.modrinth.requests.map((r) => r.path)).to.deep.equal(['/v2/search', '/v2/projects', '/v2/versions']);
      const homes = await t.panel.request('GET', '/api/marketplace/projects/paper-homes');
      expect(homes.body.versions.map((v: { versionNumber: string }) => v.versionNumber)).to.deep.equal(['1.1.0', '1.0.0']);
      expect(homes.body.versions[0].files[0].sha512).to.equal(
        t.modrinth.catalogue.versionOf('paper-homes', '1.1.0').files[0]!.hashes.sha512,
      );
    });

    it('fetches a project missing locally from Modrinth, and refuses one that is not for servers', async () => {
      await t.modrinth.catalogue.add(plugin('late-arrival', ['bukkit'], 2, 1));
      const live = await t.panel.request('GET', '/api/marketplace/projects/late-arrival');
      expect(live.status, JSON.stringify(live.body)).to.equal(200);
      expect(live.body.project).to.include({ slug: 'late-arrival' });
      expect(await slugs('q=late')).to.deep.equal(['late-arrival']);
      const client = await t.panel.request('GET', '/api/marketplace/projects/zoom-client');
      expect(client.status).to.equal(404);
      expect(client.body.error.code).to.equal('project_not_server_side');
      expect((await t.panel.request('GET', '/api/marketplace/projects/nothing-here')).body.error.code).to.equal('project_not_found');
    });

    it('documents every marketplace route in a valid OpenAPI document', async () => {
      const doc = (await t.panel.request('GET', '/api/openapi.json')).body;
      const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/marketplace/'));
      expect(paths.sort()).to.deep.equal([
        '/api/marketplace/projects',
        '/api/marketplace/projects/{project}',
        '/api/marketplace/servers/{serverId}/game',
        '/api/marketplace/servers/{serverId}/history',
        '/api/marketplace/servers/{serverId}/installed',
        '/api/marketplace/servers/{serverId}/installed/link',
        '/api/marketplace/servers/{serverId}/installs',
        '/api/marketplace/servers/{serverId}/installs/{projectId}',
        '/api/marketplace/servers/{serverId}/installs/{projectId}/auto-update',
        '/api/marketplace/servers/{serverId}/installs/{projectId}/rollback',
        '/api/marketplace/servers/{serverId}/installs/{projectId}/update',
        '/api/marketplace/servers/{serverId}/plan',
        '/api/marketplace/servers/{serverId}/updates/check',
        '/api/marketplace/sync',
      ]);
      const result = await validate(structuredClone(doc));
      expect(result.valid, result.valid ? '' : compileErrors(result)).to.equal(true);
    });

    it('drops projects Modrinth no longer lists on a full sync, and keeps them on an incremental one', async () => {
      const c = t.modrinth.catalogue;
      c.projects.delete(c.project('folia-regions')!.id);
      c.project('quilt-tweaks')!.server_side = 'unsupported';
      expect((await syncNow(t)).lastResult).to.deep.include({ kind: 'incremental', removed: 0 });
      expect(await slugs('loader=folia')).to.deep.equal(['folia-regions']);
      const full = await syncNow(t, true);
      expect(full.lastResult).to.deep.include({ kind: 'full', ok: true, removed: 2 });
      expect(await slugs('loader=folia')).to.deep.equal([]);
      expect(await slugs('loader=quilt')).to.deep.equal(['fabric-lag']);
      expect(full.catalogue.projects).to.equal(10);
    });

    it('records a failed sync without moving the cursor', async () => {
      const before = (await t.panel.request('GET', '/api/marketplace/sync')).body.cursor;
      t.modrinth.failNext(50, 500);
      const status = await syncNow(t);
      t.modrinth.failNext(0, 500);
      expect(status.lastResult).to.deep.include({ ok: false, kind: 'incremental' });
      expect(status.lastResult.error).to.contain('Modrinth failed');
      expect(status.cursor).to.equal(before);
    });
  });
}
