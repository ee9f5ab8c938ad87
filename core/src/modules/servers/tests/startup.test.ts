import { expect } from 'chai';
import { DATABASES, docker, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';

for (const database of DATABASES) {
  describe(`a server's startup: command, variables within their rules, image (${database})`, function () {
    this.timeout(180_000);
    let t: AccountsPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: `startup-${database}`, ports: 2 });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    it('shows the command, variables and images; refuses a value against its rule (naming it), an image not offered and unknown fields; a change reaches the game at the next start', async () => {
      const owner = await t.createUser(`startup-${database}@example.org`);
      const browser = await t.signIn(owner.email);
      const created = await browser.post('/api/servers', { name: 'Startable', templateId: 'conductor-test', memoryMb: 256 });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const id = created.body.id as string;
      const startup = `/api/servers/${id}/startup`;

      const shown = await browser.get(startup);
      expect(shown.status).to.equal(200);
      expect(shown.body.startup).to.equal('/usr/bin/node /app/server.mjs');
      expect(shown.body.images.map((i: { image: string }) => i.image)).to.deep.equal([shown.body.image]);
      expect(shown.body.variables.find((v: { env: string }) => v.env === 'MAX_PLAYERS')).to.deep.include({
        value: '20',
        editable: true,
        rules: { required: true, type: 'integer', min: 1, max: 1000 },
      });

      const tooMany = await browser.request('PUT', startup, { body: { variables: { MAX_PLAYERS: '5000' } } });
      expect([tooMany.status, tooMany.body.error.code]).to.deep.equal([400, 'invalid_variables']);
      expect(tooMany.body.error.message).to.equal('variables.MAX_PLAYERS must be at most 1000');
      for (const [body, code] of [
        [{ variables: { NOT_A_VARIABLE: 'x' } }, 'invalid_variables'],
        [{ image: 'somewhere/else:latest' }, 'invalid_image'],
        [{ variables: { MOTD: 'x' }, startup: 'rm -rf /' }, 'validation_failed'],
        [{}, 'validation_failed'],
      ] as const) {
        const refused = await browser.request('PUT', startup, { body });
        expect([refused.status, refused.body.error.code], JSON.stringify(body)).to.deep.equal([400, code]);
      }
      expect((await browser.get(`/api/servers/${id}`)).body.variables, 'nothing changed').to.deep.equal(created.body.variables);

      const changed = await browser.request('PUT', startup, { body: { variables: { MOTD: 'Changed at the next start' } } });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body.variables.find((v: { env: string }) => v.env === 'MOTD').value).to.equal('Changed at the next start');
      const activity = (await browser.get(`/api/activity/servers/${id}`)).body.activity as Array<{ action: string; data: unknown }>;
      expect(activity.find((a) => a.action === 'server.startup')?.data).to.deep.equal({ changes: ['MOTD'] });

      await until('installed', async () => (await browser.get(`/api/servers/${id}`)).body.state === 'offline', 60_000);
      expect((await browser.post(`/api/servers/${id}/power/start`)).status).to.equal(200);
      await until('running', async () => (await browser.get(`/api/servers/${id}`)).body.state === 'running', 60_000);
      const env = (await docker.getContainer(`conductor-${id}`).inspect()).Config.Env;
      expect(env).to.include('MOTD=Changed at the next start');
      await browser.post(`/api/servers/${id}/power/kill`);
    });

    it('keeps startup to those holding its keys', async () => {
      const owner = await t.createUser(`startup-owner-${database}@example.org`);
      const stranger = await t.createUser(`startup-stranger-${database}@example.org`);
      const created = await (
        await t.signIn(owner.email)
      ).post('/api/servers', { name: 'Private', templateId: 'conductor-test', memoryMb: 256 });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const sb = await t.signIn(stranger.email);
      expect((await sb.get(`/api/servers/${created.body.id}/startup`)).status).to.equal(404);
      expect((await sb.request('PUT', `/api/servers/${created.body.id}/startup`, { body: { variables: { MOTD: 'x' } } })).status).to.equal(
        404,
      );
    });
  });
}
