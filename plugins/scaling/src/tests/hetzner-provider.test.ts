import { expect } from 'chai';
import { FakeHetzner } from '../../../../test/fixtures/hetzner/server.js';
import { HetznerProvider, euroStringToCents } from '../cloud/hetzner-provider.js';
import { CloudError } from '../cloud/provider.js';

describe('the Hetzner Cloud provider against a local fake of the API', function () {
  this.timeout(30_000);
  let fake: FakeHetzner;
  let provider: HetznerProvider;

  beforeEach(async () => {
    fake = await new FakeHetzner().start();
    provider = new HetznerProvider({ token: fake.token, baseUrl: fake.baseUrl });
  });
  afterEach(() => fake.stop());

  const create = (
    name: string,
    labels: Record<string, string> = { 'conductor.owned': 'true' },
    serverTypes = ['cx22'],
    locations = ['fsn1'],
  ) => provider.createServer({ name, serverTypes, locations, image: 'debian-12', userData: '#cloud-config\n', labels });

  it('reads server types with their monthly prices as integer cents per location', async () => {
    const types = await provider.serverTypes();
    const cx22 = types.find((t) => t.name === 'cx22')!;
    expect(cx22).to.deep.include({ cores: 2, memoryMb: 4096, diskGb: 40 });
    // 3.79 € net, 19 % VAT: 4.5101 € gross.
    expect(cx22.monthlyCents).to.deep.equal({ fsn1: 451, nbg1: 451, hel1: 451 });
    expect(euroStringToCents('16.4000000000')).to.equal(1640);
    expect(euroStringToCents('0.0050000000')).to.equal(1);
  });

  it('creates a server with user data and labels, waits for its action, and finds it again by label selector across pages', async () => {
    const { server, refused } = await create('scale-1', { 'conductor.owned': 'true', 'conductor.cluster': 'eu' });
    expect(refused).to.deep.equal([]);
    expect(server).to.deep.include({ name: 'scale-1', status: 'running', serverType: 'cx22', location: 'fsn1', ipv4: '127.0.0.1' });
    const sent = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/servers')!.body!;
    expect(sent).to.deep.include({ user_data: '#cloud-config\n', labels: { 'conductor.owned': 'true', 'conductor.cluster': 'eu' } });
    // 55 more, so the list spans two pages of 50.
    for (let i = 0; i < 55; i++) fake.seedServer(`other-${i}`, { 'conductor.owned': 'true' });
    fake.seedServer('not-ours', {});
    const ours = await provider.listServers('conductor.owned=true');
    expect(ours).to.have.length(56);
    expect(fake.requests.filter((r) => r.path === '/v1/servers' && r.method === 'GET')).to.have.length(2);
    expect((await provider.listServers('conductor.cluster=eu')).map((s) => s.name)).to.deep.equal(['scale-1']);
  });

  it('deletes a server and waits until it is gone; deleting it again is no error', async () => {
    const { server } = await create('doomed');
    await provider.deleteServer(server.id);
    expect(await provider.getServer(server.id)).to.equal(null);
    await provider.deleteServer(server.id);
  });

  it('tries the next server type and location when one has no capacity, and says which it tried', async () => {
    fake.unavailable.set('cx22@fsn1', 'resource_unavailable');
    fake.unavailable.set('cx22@nbg1', 'placement_error');
    const { server, refused } = await create('moved', undefined, ['cx22', 'cx32'], ['fsn1', 'nbg1']);
    expect(refused).to.deep.equal([
      { serverType: 'cx22', location: 'fsn1', code: 'resource_unavailable' },
      { serverType: 'cx22', location: 'nbg1', code: 'placement_error' },
    ]);
    expect(server).to.deep.include({ serverType: 'cx32', location: 'fsn1' });
    fake.unavailable.set('*@fsn1', 'resource_unavailable');
    fake.unavailable.set('*@nbg1', 'resource_unavailable');
    const err = await create('nowhere', undefined, ['cx22', 'cx32'], ['fsn1', 'nbg1']).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CloudError).and.to.include({ code: 'no_cloud_capacity' });
  });

  it('maps Hetzner errors to their codes and does not retry them', async () => {
    const refused = await create('bad name!').catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(CloudError).and.to.include({ code: 'invalid_input', status: 400 });
    await create('twice');
    expect(await create('twice').catch((e: unknown) => e)).to.include({ code: 'uniqueness_error', status: 409 });
    const wrongToken = new HetznerProvider({ token: 'nope', baseUrl: fake.baseUrl });
    expect(await wrongToken.serverTypes().catch((e: unknown) => e)).to.include({ code: 'unauthorized', status: 401 });
  });

  it('backs off on a 429 (from 1 s, one request refilled a second), then goes on', async () => {
    fake.exhaustRateLimit(1500);
    const started = Date.now();
    const types = await provider.serverTypes();
    expect(types).to.have.length(3);
    const answered = fake.requests.filter((r) => r.path === '/v1/server_types');
    expect(answered[0]!.status).to.equal(429);
    expect(answered.at(-1)!.status).to.equal(200);
    expect(answered.at(-1)!.at - started).to.be.at.least(1500);
    expect(answered.length, 'no hammering while limited').to.be.at.most(4);
    expect(provider.client.rateLimitWaits[0]).to.equal(1000);
  });

  it('fails with rate_limit_exceeded instead of waiting past its limit', async () => {
    const impatient = new HetznerProvider({ token: fake.token, baseUrl: fake.baseUrl, maxRateLimitWaitMs: 500 });
    fake.exhaustRateLimit(10_000);
    expect(await impatient.serverTypes().catch((e: unknown) => e)).to.include({ code: 'rate_limit_exceeded', status: 429 });
  });

  it('makes a snapshot of a server and finds it by label', async () => {
    const { server } = await create('golden');
    const snapshot = await provider.createSnapshot(server.id, 'conductor node', { 'conductor.snapshot': 'node' });
    expect((await provider.listSnapshots('conductor.snapshot=node')).map((s) => s.id)).to.deep.equal([snapshot.id]);
    const { server: fromSnapshot } = await provider.createServer({
      name: 'from-snapshot',
      serverTypes: ['cx22'],
      locations: ['fsn1'],
      image: snapshot.id,
      userData: '',
      labels: {},
    });
    expect(fromSnapshot.status).to.equal('running');
  });
});
