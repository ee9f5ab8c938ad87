import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from '../../servers/tests/server-fixtures.js';

interface Entry {
  actor: string | null;
  action: string;
  data: Record<string, unknown>;
  ip: string | null;
}

for (const database of DATABASES) {
  describe(`the activity log records every change a person makes, with who and from where (${database})`, function () {
    this.timeout(180_000);
    let t: AccountsPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: `activity-${database}` });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    it('logs power, commands, renames, files, properties, players, worlds and subusers, but not reads or refusals', async () => {
      const owner = await t.createUser(`owner-${database}@example.org`);
      const helper = await t.createUser(`helper-${database}@example.org`);
      const browser = await t.signIn(owner.email);
      const created = await browser.post('/api/servers', { name: 'Logged', templateId: 'conductor-test', memoryMb: 512 });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const id = created.body.id as string;
      await until('installed', async () => (await browser.get(`/api/servers/${id}`)).body.state === 'offline', 60_000);

      const ok = (res: { status: number; body: unknown }) => expect(res.status, JSON.stringify(res.body)).to.be.within(200, 204);
      ok(await browser.request('PATCH', `/api/servers/${id}`, { body: { name: 'Logged too' } }));
      ok(await browser.request('PATCH', `/api/servers/${id}/properties`, { body: { motd: 'Hello', 'max-players': 7 } }));
      ok(await browser.request('PATCH', `/api/servers/${id}/properties`, { body: { motd: 'Hello' } }));
      ok(await browser.request('PUT', `/api/servers/${id}/files/contents?path=notes.txt`, { body: 'hi' }));
      ok(await browser.post(`/api/servers/${id}/files/mkdir`, { path: 'plugins' }));
      ok(await browser.post(`/api/servers/${id}/files/rename`, { from: 'notes.txt', to: 'plugins/notes.txt' }));
      ok(await browser.post(`/api/servers/${id}/files/delete`, { paths: ['plugins/notes.txt'] }));
      ok(await browser.get(`/api/servers/${id}/files/list?path=.`));
      expect((await browser.post(`/api/servers/${id}/files/delete`, { paths: ['nothing-here.txt'] })).status, 'a refusal').to.be.at.least(
        400,
      );
      ok(
        await browser.post(`/api/servers/${id}/players`, {
          action: 'whitelist.add',
          name: 'Steve',
          uuid: '8667ba71-b85a-4004-af54-457a9734eed7',
        }),
      );
      ok(await browser.request('PUT', `/api/servers/${id}/worlds/active`, { body: { name: 'other' } }));
      ok(await browser.post(`/api/auth/servers/${id}/subusers`, { email: helper.email, permissions: ['control.console'] }));
      ok(
        await browser.request('PUT', `/api/auth/servers/${id}/subusers/${helper.id}`, {
          body: { permissions: ['control.console', 'control.start'] },
        }),
      );
      ok(await browser.request('DELETE', `/api/auth/servers/${id}/subusers/${helper.id}`));
      ok(await browser.post(`/api/servers/${id}/power/start`));
      await until('running', async () => (await browser.get(`/api/servers/${id}`)).body.state === 'running', 60_000);
      ok(await browser.post(`/api/servers/${id}/command`, { command: 'say logged' }));
      ok(await browser.post(`/api/servers/${id}/power/stop`));

      const entries = ((await browser.get(`/api/activity/servers/${id}`)).body.activity as Entry[]).reverse();
      expect(entries.map((e) => e.action)).to.deep.equal([
        'server.rename',
        'server.properties',
        'file.write',
        'file.mkdir',
        'file.rename',
        'file.delete',
        'server.players.whitelist.add',
        'server.world.select',
        'server.subuser.add',
        'server.subuser.update',
        'server.subuser.remove',
        'server.power.start',
        'server.command',
        'server.power.stop',
      ]);
      const data = Object.fromEntries(entries.map((e) => [e.action, e.data]));
      expect(data['server.properties']).to.deep.equal({ keys: ['motd', 'max-players'] });
      expect(data['file.rename']).to.deep.equal({ from: 'notes.txt', to: 'plugins/notes.txt' });
      expect(data['file.write']).to.deep.equal({ path: 'notes.txt' });
      expect(data['server.command']).to.deep.equal({ command: 'say logged' });
      expect(data['server.subuser.add']).to.deep.equal({ email: helper.email, permissions: ['control.console'] });
      for (const e of entries) expect(e, e.action).to.deep.include({ actor: owner.email, ip: '127.0.0.1' });
    });
  });
}
