import { compileErrors, validate } from '@readme/openapi-parser';
import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { verify } from '../generic.js';
import { Receiver, until } from './receiver.js';
import { startWebhooksPanel, type WebhooksPanel } from './fixture.js';

for (const database of DATABASES) {
  describe(`webhooks plugin (${database})`, function () {
    this.timeout(60_000);
    let t: WebhooksPanel;
    let receiver: Receiver;
    let owner: { id: string; email: string };
    let serverId: string;

    before(async () => {
      t = await startWebhooksPanel(database, { disableAfter4xx: 3 });
      owner = await t.createUser('owner@example.org');
      serverId = await t.addServer(owner.id, 'Lobby');
    });
    after(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      receiver = await new Receiver().start();
    });
    afterEach(async () => {
      await receiver.stop();
    });

    it('creates, lists, changes and deletes server and global webhooks, refusing bad input and strangers with nothing left behind', async () => {
      const b = await t.signIn(owner.email);
      const stranger = await t.createUser(`stranger-${database}@example.org`);
      const sb = await t.signIn(stranger.email);
      const base = `/api/webhooks/servers/${serverId}`;

      for (const [body, code] of [
        [{ name: 'x', url: 'http://localhost:1/', type: 'generic', events: ['player_joined'] }, 'webhook_target_refused'],
        [{ name: 'x', url: 'http://169.254.169.254/', type: 'generic', events: ['player_joined'] }, 'webhook_target_refused'],
        [{ name: 'x', url: 'http://[::1]:1/', type: 'generic', events: ['player_joined'] }, 'webhook_target_refused'],
        [{ name: 'x', url: 'ftp://example.org/', type: 'generic', events: ['player_joined'] }, 'webhook_url_scheme'],
        [{ name: 'x', url: receiver.url, type: 'slack', events: ['player_joined'] }, 'validation_failed'],
        [{ name: 'x', url: receiver.url, type: 'generic', events: [] }, 'validation_failed'],
        [{ name: 'x', url: receiver.url, type: 'generic', events: ['DROP TABLE'] }, 'validation_failed'],
      ] as const) {
        const res = await b.post(base, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code, JSON.stringify(body)).to.equal(code);
      }
      expect((await b.get(base)).body.webhooks, 'nothing left behind').to.deep.equal([]);

      const created = await b.post(base, { name: 'Alerts', url: receiver.url, type: 'generic', events: ['player_joined', 'server.*'] });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.secret).to.match(/^whsec_/);
      expect(created.body.webhook).to.deep.include({
        serverId,
        name: 'Alerts',
        type: 'generic',
        enabled: true,
        events: ['player.joined', 'server.*'],
      });
      const id = created.body.webhook.id as string;
      const row = await t.panel.kernel.db('webhooks').where({ id }).first();
      expect(JSON.stringify(row), 'the secret is encrypted at rest').to.not.contain(created.body.secret);
      expect(JSON.stringify((await b.get(`${base}/${id}`)).body), 'the secret is shown once').to.not.contain(created.body.secret);

      const changed = await b.request('PATCH', `${base}/${id}`, { body: { name: 'Renamed', enabled: false } });
      expect(changed.status).to.equal(200);
      expect(changed.body.webhook).to.deep.include({ name: 'Renamed', enabled: false });
      expect((await b.request('PATCH', `${base}/${id}`, { body: { url: 'http://127.0.0.2/' } })).body.error.code).to.equal(
        'webhook_target_refused',
      );
      expect((await b.get(`${base}/${id}`)).body.webhook.url).to.equal(receiver.url);

      for (const res of [
        await sb.get(base),
        await sb.get(`${base}/${id}`),
        await sb.post(`${base}/${id}/test`),
        await sb.request('DELETE', `${base}/${id}`),
      ]) {
        expect(res.status).to.equal(404);
      }
      expect((await sb.get('/api/webhooks/global')).status, 'global webhooks are for admins').to.equal(403);
      const helper = await t.createUser(`helper-${database}@example.org`);
      expect(
        (await b.post(`/api/auth/servers/${serverId}/subusers`, { email: helper.email, permissions: ['webhook.read'] })).status,
      ).to.equal(201);
      const hb = await t.signIn(helper.email);
      expect(
        (await hb.get(base)).body.webhooks.map((w: { id: string }) => w.id),
        'webhook.read lists',
      ).to.deep.equal([id]);
      expect((await hb.get(`${base}/${id}`)).body.webhook.url, 'a reader sees the origin only: the URL is a credential').to.equal(
        `${receiver.url}/…`,
      );
      expect((await b.get(`${base}/${id}`)).body.webhook.url).to.equal(receiver.url);
      const refused = await hb.post(base, { name: 'Mine', url: receiver.url, type: 'generic', events: ['player_joined'] });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.message).to.contain('webhook.manage');
      expect((await hb.request('DELETE', `${base}/${id}`)).status).to.equal(403);
      const global = await t.panel.request('POST', '/api/webhooks/global', {
        body: { name: 'Ops', url: receiver.url, type: 'discord', events: ['node.*'] },
      });
      expect(global.status).to.equal(201);
      expect((await t.panel.request('GET', '/api/webhooks/global')).body.webhooks).to.have.length(1);
      const throughServer = await b.get(`${base}/${global.body.webhook.id}`);
      expect(throughServer.status, 'a global webhook is not reachable through a server').to.equal(404);
      expect(throughServer.body.error).to.deep.include({ code: 'webhook_not_found', message: 'No such webhook' });

      expect((await b.request('DELETE', `${base}/${id}`)).status).to.equal(204);
      const activity = JSON.stringify((await b.get(`/api/activity/servers/${serverId}`)).body);
      for (const action of ['webhook.create', 'webhook.update', 'webhook.delete']) expect(activity).to.contain(action);
      expect((await t.panel.request('DELETE', `/api/webhooks/global/${global.body.webhook.id}`)).status).to.equal(204);
      expect((await b.get(base)).body.webhooks).to.deep.equal([]);
      const doc = (await t.panel.request('GET', '/api/openapi.json')).body;
      expect(Object.keys(doc.paths)).to.include('/api/webhooks/servers/{serverId}/{webhookId}/deliveries');
      const result = await validate(structuredClone(doc));
      expect(result.valid, result.valid ? '' : compileErrors(result)).to.equal(true);
    });

    it('delivers Discord embeds within limits and signed generic JSON, and sends a test on request', async () => {
      const b = await t.signIn(owner.email);
      const base = `/api/webhooks/servers/${serverId}`;
      const discord = (
        await b.post(base, {
          name: 'Discord',
          url: `${receiver.url}/discord`,
          type: 'discord',
          events: ['player_joined', 'server_crashed'],
        })
      ).body;
      const generic = (await b.post(base, { name: 'Generic', url: `${receiver.url}/generic`, type: 'generic', events: ['player_joined'] }))
        .body;

      const big: Record<string, unknown> = { name: 'Steve', uuid: '069a79f4-44e9-4726-a5be-fca90e38aaf5' };
      for (let i = 0; i < 40; i++) big[`extra${i}`] = 'y'.repeat(3000);
      const joined = await t.emit('player.joined', serverId, big);
      await t.emit('server.crashed', serverId, { exitCode: 137 });
      await t.emit('player.left', serverId, { name: 'Steve' });
      await until('three deliveries', () => receiver.received.length >= 3);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received.map((r) => r.path).sort()).to.deep.equal(['/discord', '/discord', '/generic']);

      const embeds = receiver.received
        .filter((r) => r.path === '/discord')
        .map(
          (r) =>
            JSON.parse(r.body) as {
              embeds: Array<
                Record<string, unknown> & {
                  title: string;
                  color: number;
                  timestamp: string;
                  fields: Array<{ name: string; value: string }>;
                  footer: { text: string };
                }
              >;
            },
        );
      for (const payload of embeds) {
        expect(payload.embeds.length).to.be.within(1, 10);
        for (const e of payload.embeds) {
          expect(e.title.length).to.be.within(1, 256);
          expect(e.color).to.be.a('number');
          expect(Date.parse(e.timestamp)).to.be.a('number').and.not.NaN;
          expect(e.fields.length).to.be.at.most(25);
          expect(e.footer.text.length).to.be.at.most(2048);
          let total = e.title.length + e.footer.text.length + String(e.description ?? '').length;
          for (const f of e.fields) {
            expect(f.name.length).to.be.within(1, 256);
            expect(f.value.length).to.be.within(1, 1024);
            total += f.name.length + f.value.length;
          }
          expect(total).to.be.at.most(6000);
        }
      }
      const [joinEmbed, crashEmbed] = embeds.map((p) => p.embeds[0]!);
      expect(joinEmbed!.title).to.equal('Steve joined Lobby');
      expect(joinEmbed!.fields).to.deep.include.members([
        { name: 'Server', value: 'Lobby', inline: true },
        { name: 'Player', value: 'Steve', inline: true },
      ]);
      expect(joinEmbed!.fields.find((f) => f.name === 'Node')!.value).to.match(/^Falkenstein/);
      expect(crashEmbed!.fields).to.deep.include({ name: 'Exit code', value: '137', inline: true });
      expect(crashEmbed!.color).to.not.equal(joinEmbed!.color);

      const g = receiver.received.find((r) => r.path === '/generic')!;
      expect(
        verify(
          generic.secret,
          { timestamp: g.headers['x-conductor-timestamp'] as string, signature: g.headers['x-conductor-signature'] as string },
          g.body,
        ),
      ).to.equal(true);
      expect(
        verify(
          'whsec_wrong',
          { timestamp: g.headers['x-conductor-timestamp'] as string, signature: g.headers['x-conductor-signature'] as string },
          g.body,
        ),
      ).to.equal(false);
      const body = JSON.parse(g.body);
      expect(body).to.deep.include({ eventId: joined, type: 'player.joined', server: { id: serverId, name: 'Lobby' } });
      expect(body.data.name).to.equal('Steve');

      const rotated = await b.post(`${base}/${generic.webhook.id}/secret`);
      expect(rotated.body.secret)
        .to.match(/^whsec_/)
        .and.not.equal(generic.secret);
      generic.secret = rotated.body.secret;
      const test = await b.post(`${base}/${generic.webhook.id}/test`);
      expect(test.status).to.equal(200);
      expect(test.body).to.deep.include({ ok: true, statusCode: 204 });
      const last = receiver.received.at(-1)!;
      expect(JSON.parse(last.body).type).to.equal('webhook.test');
      expect(
        verify(
          generic.secret,
          { timestamp: last.headers['x-conductor-timestamp'] as string, signature: last.headers['x-conductor-signature'] as string },
          last.body,
        ),
        'signed with the new secret',
      ).to.equal(true);
      const log = (await b.get(`${base}/${generic.webhook.id}/deliveries`)).body;
      expect(log.deliveries.map((d: { eventType: string; status: string }) => [d.eventType, d.status])).to.deep.equal([
        ['webhook.test', 'delivered'],
        ['player.joined', 'delivered'],
      ]);
      expect(log.deliveries[1].attemptLog[0]).to.include({ statusCode: 204 });
      expect(log.deliveries[1].attemptLog[0].latencyMs).to.be.a('number');
      await b.request('DELETE', `${base}/${discord.webhook.id}`);
      await b.request('DELETE', `${base}/${generic.webhook.id}`);
    });

    it('keeps every event while a receiver fails, delivers them in order once it recovers, and never again after a success', async () => {
      const b = await t.signIn(owner.email);
      const base = `/api/webhooks/servers/${serverId}`;
      const hook = (await b.post(base, { name: 'Flaky', url: receiver.url, type: 'generic', events: ['server.*'] })).body;
      let down = true;
      receiver.answer = () => (down ? { status: 503, body: 'maintenance' } : { status: 200 });
      const ids = [
        await t.emit('server.started', serverId),
        await t.emit('server.stopped', serverId),
        await t.emit('server.started', serverId),
      ];
      await until('a first failed attempt', () => receiver.received.length >= 1);
      t.clock.advance(5_000);
      await until('a retry after the backoff', () => receiver.received.length >= 2);
      expect(
        receiver.received.map((r) => JSON.parse(r.body).eventId),
        'later events wait behind the first',
      ).to.deep.equal([ids[0], ids[0]]);
      down = false;
      t.clock.advance(60_000);
      await until('all three delivered', () => receiver.received.filter((r) => r.at && JSON.parse(r.body).eventId === ids[2]).length >= 1);
      await new Promise((r) => setTimeout(r, 500));
      t.clock.advance(3_600_000);
      await new Promise((r) => setTimeout(r, 300));
      const successes = receiver.received.slice(2).map((r) => JSON.parse(r.body).eventId);
      expect(successes, 'in order, each once').to.deep.equal(ids);
      const log = (await b.get(`${base}/${hook.webhook.id}/deliveries`)).body;
      expect(log.pending).to.equal(0);
      const first = log.deliveries.at(-1);
      expect(first.attemptLog.map((a: { statusCode: number }) => a.statusCode)).to.deep.equal([503, 503, 200]);
      expect(first.attemptLog[0].error).to.contain('503');
      await b.request('DELETE', `${base}/${hook.webhook.id}`);
    });

    it("waits as long as Discord's 429 retry_after says, without counting it as a failure", async () => {
      const b = await t.signIn(owner.email);
      const base = `/api/webhooks/servers/${serverId}`;
      const hook = (await b.post(base, { name: 'Rate limited', url: receiver.url, type: 'discord', events: ['player_left'] })).body;
      receiver.answer = (_r, n) =>
        n <= 3
          ? { status: 429, body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.4, global: false }) }
          : { status: 204 };
      await t.emit('player.left', serverId, { name: 'Alex' });
      await until('delivered after the rate limit', () => receiver.received.length >= 4);
      const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at);
      for (const gap of gaps) expect(gap).to.be.at.least(380);
      const webhook = (await b.get(`${base}/${hook.webhook.id}`)).body.webhook;
      expect(webhook.enabled, 'three 429s with disableAfter4xx 3 do not disable it').to.equal(true);
      await b.request('DELETE', `${base}/${hook.webhook.id}`);
    });

    it('disables a webhook after 24 hours of failures or repeated 4xx answers, and mails its owner', async () => {
      const b = await t.signIn(owner.email);
      const base = `/api/webhooks/servers/${serverId}`;
      const broken = (await b.post(base, { name: 'Broken', url: `${receiver.url}/broken`, type: 'generic', events: ['server.crashed'] }))
        .body;
      const gone = (await b.post(base, { name: 'Gone', url: `${receiver.url}/gone`, type: 'discord', events: ['server.crashed'] })).body;
      receiver.answer = (r) => (r.path === '/gone' ? { status: 404, body: '{"message":"Unknown Webhook"}' } : { status: 500 });
      await t.emit('server.crashed', serverId, { exitCode: 1 });
      await t.emit('server.crashed', serverId, { exitCode: 2 });
      const state = async (id: string) => (await b.get(`${base}/${id}`)).body.webhook;
      await until(
        'both disabled',
        async () => {
          t.clock.advance(2 * 3_600_000);
          return !(await state(broken.webhook.id)).enabled && !(await state(gone.webhook.id)).enabled;
        },
        30_000,
      );
      expect((await state(gone.webhook.id)).disabledReason).to.contain('3 answers in a row were HTTP 404');
      expect((await state(broken.webhook.id)).disabledReason).to.contain('24 hours');
      await t.mailbox.waitFor(owner.email, /Webhook "Broken" was turned off/);
      await t.mailbox.waitFor(owner.email, /Webhook "Gone" was turned off/);
      const log = (await b.get(`${base}/${broken.webhook.id}/deliveries`)).body;
      expect(log.deliveries.map((d: { status: string }) => d.status)).to.deep.equal(['pending', 'failed']);
      const gaps = log.deliveries[1].attemptLog.map((a: { attemptedAt: string }) => Date.parse(a.attemptedAt));
      expect(gaps.length).to.be.greaterThan(3);

      // Fixed and enabled again: the event still waiting is delivered.
      receiver.answer = () => ({ status: 200 });
      const before = receiver.received.length;
      expect((await b.request('PATCH', `${base}/${broken.webhook.id}`, { body: { enabled: true } })).body.webhook).to.deep.include({
        enabled: true,
        disabledReason: null,
      });
      await until('the waiting event delivered', () =>
        receiver.received.slice(before).some((r) => r.path === '/broken' && JSON.parse(r.body).data.exitCode === 2),
      );
      await b.request('DELETE', `${base}/${broken.webhook.id}`);
      await b.request('DELETE', `${base}/${gone.webhook.id}`);
    });

    it('prunes finished deliveries past the retention, never pending ones', async () => {
      const b = await t.signIn(owner.email);
      const base = `/api/webhooks/servers/${serverId}`;
      const hook = (await b.post(base, { name: 'Pruned', url: receiver.url, type: 'generic', events: ['player_joined'] })).body;
      await b.post(`${base}/${hook.webhook.id}/test`);
      const repo = t.panel.kernel.containerOf('webhooks').cradle.deliveryRepository;
      receiver.answer = () => ({ status: 500 });
      await t.emit('player.joined', serverId, { name: 'Waiting' });
      await until('a failed attempt', async () =>
        (await b.get(`${base}/${hook.webhook.id}/deliveries`)).body.deliveries.find(
          (d: { attempts: number; status: string }) => d.status === 'pending' && d.attempts > 0,
        ),
      );
      const now = t.clock.now().getTime();
      expect(await repo.prune(new Date(now - 86_400_000))).to.equal(0);
      expect(await repo.prune(new Date(now + 1000))).to.equal(1);
      const left = (await b.get(`${base}/${hook.webhook.id}/deliveries`)).body.deliveries;
      expect(left.map((d: { eventType: string; status: string }) => [d.eventType, d.status])).to.deep.equal([['player.joined', 'pending']]);
      await b.request('DELETE', `${base}/${hook.webhook.id}`);
    });

    it("deletes a server's webhooks with the server; global webhooks hear the deletion", async () => {
      const b = await t.signIn(owner.email);
      const doomed = await t.addServer(owner.id, 'Doomed');
      const own = (
        await b.post(`/api/webhooks/servers/${doomed}`, { name: 'Own', url: `${receiver.url}/own`, type: 'generic', events: ['*'] })
      ).body;
      const global = (
        await t.panel.request('POST', '/api/webhooks/global', {
          body: { name: 'Audit', url: `${receiver.url}/audit`, type: 'generic', events: ['server.deleted'] },
        })
      ).body;
      await t.emit('server.deleted', doomed);
      await until('the global webhook hears it', () => receiver.received.find((r) => r.path === '/audit'));
      expect(await t.panel.kernel.db('webhooks').where({ id: own.webhook.id }).first()).to.equal(undefined);
      expect(receiver.received.filter((r) => r.path === '/own')).to.deep.equal([]);
      await t.panel.request('DELETE', `/api/webhooks/global/${global.webhook.id}`);
    });

    it('refuses every IPv6 spelling of an internal IPv4 address, at creation and at delivery', async () => {
      const b = await t.signIn(owner.email);
      const base = `/api/webhooks/servers/${serverId}`;
      const port = receiver.port;
      // The receiver listens on 127.0.0.1, which the test panel allows by that name only.
      const spellings = [
        `http://[::127.0.0.1]:${port}/`,
        `http://[::7f00:1]:${port}/`,
        `http://[0:0:0:0:0:0:127.0.0.1]:${port}/`,
        `http://[::ffff:127.0.0.1]:${port}/`,
        `http://[::ffff:7f00:1]:${port}/`,
        `http://[::ffff:0:127.0.0.1]:${port}/`,
        `http://[64:ff9b::127.0.0.1]:${port}/`,
        `http://[64:ff9b:1::a9fe:a9fe]:${port}/`,
        `http://[2002:7f00:1::1]:${port}/`,
        `http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:${port}/`,
        `http://[::169.254.169.254]/latest/meta-data/`,
      ];
      for (const url of spellings) {
        const res = await b.post(base, { name: 'Internal', url, type: 'generic', events: ['player_joined'] });
        expect(res.status, url).to.equal(400);
        expect(res.body.error.code, url).to.equal('webhook_target_refused');
      }
      expect((await b.get(base)).body.webhooks, 'nothing left behind').to.deep.equal([]);
      // A webhook stored before this policy (written to its row here) is refused when it is sent.
      const hook = (await b.post(base, { name: 'Stored', url: receiver.url, type: 'generic', events: ['player_joined'] })).body;
      for (const url of spellings) {
        await t.panel.kernel.db('webhooks').where({ id: hook.webhook.id }).update({ url });
        const test = (await b.post(`${base}/${hook.webhook.id}/test`)).body;
        expect(test, url).to.deep.include({ ok: false, statusCode: null });
        expect(test.error, url).to.contain('not a public address');
      }
      expect(receiver.received, 'nothing reached the internal address').to.deep.equal([]);
      await b.request('DELETE', `${base}/${hook.webhook.id}`);
    });

    it('refuses redirects, so a receiver cannot bounce a delivery to an internal address', async () => {
      const b = await t.signIn(owner.email);
      const base = `/api/webhooks/servers/${serverId}`;
      const internal = await new Receiver().start();
      try {
        receiver.answer = () => ({ status: 302, headers: { location: `http://localhost:${internal.port}/admin` } });
        const hook = (await b.post(base, { name: 'Redirect', url: receiver.url, type: 'generic', events: ['player_joined'] })).body;
        const test = (await b.post(`${base}/${hook.webhook.id}/test`)).body;
        expect(test).to.deep.include({ ok: false, statusCode: 302 });
        expect(test.error).to.contain('redirect refused');
        await t.emit('player.joined', serverId, { name: 'Eve' });
        await until('an attempt logged', async () =>
          (await b.get(`${base}/${hook.webhook.id}/deliveries`)).body.deliveries.find(
            (d: { eventType: string; attempts: number }) => d.eventType === 'player.joined' && d.attempts > 0,
          ),
        );
        expect(internal.received, 'nothing reached the redirect target').to.deep.equal([]);
        await b.request('DELETE', `${base}/${hook.webhook.id}`);
      } finally {
        await internal.stop();
      }
    });
  });
}
