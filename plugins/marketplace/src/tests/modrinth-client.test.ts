import { expect } from 'chai';
import { Catalogue, startFakeModrinth, type FakeModrinth } from '../../../../test/fixtures/modrinth/index.js';
import { marketplaceConfigSchema } from '../config.js';
import { ModrinthClient } from '../modrinth/client.js';

async function smallCatalogue(): Promise<Catalogue> {
  const c = new Catalogue();
  await c.add({
    slug: 'chest-lock',
    versions: [
      { number: '1.0.0', loaders: ['paper'], gameVersions: ['1.21.4'] },
      { number: '1.1.0', loaders: ['paper'], gameVersions: ['1.21.4'], published: '2026-02-01T00:00:00.000Z' },
    ],
  });
  return c;
}

function clientFor(fake: FakeModrinth, modrinth: Record<string, unknown> = {}): ModrinthClient {
  const config = marketplaceConfigSchema.parse({
    modrinth: { apiUrl: fake.apiUrl, contact: 'ops@hoster.example', cdnHosts: [new URL(fake.cdnUrl).host], ...modrinth },
  });
  return new ModrinthClient({ marketplaceConfig: config });
}

describe('Modrinth client against the fake v2 API', function () {
  this.timeout(30_000);
  let fake: FakeModrinth;
  afterEach(async () => fake?.close());

  it('sends a User-Agent naming the panel and its contact, and names sha512 when looking files up', async () => {
    fake = await startFakeModrinth(await smallCatalogue());
    const client = clientFor(fake);
    const v = fake.catalogue.versionOf('chest-lock', '1.0.0');
    const found = await client.versionsByHash([v.files[0]!.hashes.sha512]);
    expect(found[v.files[0]!.hashes.sha512]?.id).to.equal(v.id);
    const updates = await client.updatesByHash([v.files[0]!.hashes.sha512], { loaders: ['paper'], gameVersions: ['1.21.4'] });
    expect(updates[v.files[0]!.hashes.sha512]?.version_number).to.equal('1.1.0');
    expect(fake.requests.map((r) => (r.body as { algorithm?: string }).algorithm)).to.deep.equal(['sha512', 'sha512']);
    for (const r of fake.requests) expect(r.userAgent).to.equal('conductor-panel/marketplace/0.1.0 (ops@hoster.example)');
  });

  it('waits for the window to reset when X-Ratelimit-Remaining reaches 0, so a burst earns no 429', async () => {
    fake = await startFakeModrinth(await smallCatalogue(), { limit: 4, windowMs: 1000 });
    const client = clientFor(fake);
    const started = Date.now();
    for (let i = 0; i < 10; i++) expect((await client.project('chest-lock'))?.slug).to.equal('chest-lock');
    expect(fake.requests, 'each request sent once: none was refused and retried').to.have.length(10);
    expect(Date.now() - started, 'it waited for two resets').to.be.greaterThan(1000);
  });

  it('retries a 429 and a 5xx with backoff, and maps what keeps failing to one error', async () => {
    fake = await startFakeModrinth(await smallCatalogue());
    const client = clientFor(fake);
    fake.failNext(2, 429);
    expect((await client.project('chest-lock'))?.slug).to.equal('chest-lock');
    fake.failNext(1, 503);
    expect((await client.project('chest-lock'))?.slug).to.equal('chest-lock');
    fake.failNext(4, 500);
    const failed = await client.project('chest-lock').catch((e: unknown) => e);
    expect(failed).to.include({ status: 502, code: 'modrinth_unavailable' });
    expect(await client.project('no-such-project')).to.equal(null);
  });

  it('downloads only from allowed hosts and refuses bytes whose SHA-512 is not the one Modrinth names', async () => {
    fake = await startFakeModrinth(await smallCatalogue());
    const v = fake.catalogue.versionOf('chest-lock', '1.0.0');
    const file = v.files[0]!;
    const bytes = await clientFor(fake).download(file.url, file.hashes.sha512);
    expect(bytes.equals(fake.catalogue.fileOf(v))).to.equal(true);
    const other = await clientFor(fake, { cdnHosts: ['cdn.modrinth.com'] })
      .download(file.url, file.hashes.sha512)
      .catch((e: unknown) => e);
    expect(other).to.include({ code: 'download_host_not_allowed' });
    fake.tamper(new URL(file.url).pathname, Buffer.concat([bytes, Buffer.from('x')]));
    const tampered = await clientFor(fake)
      .download(file.url, file.hashes.sha512)
      .catch((e: unknown) => e);
    expect(tampered).to.include({ code: 'file_hash_mismatch' });
  });
});
