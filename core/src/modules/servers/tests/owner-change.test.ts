import { expect } from 'chai';
import { DATABASES, until } from '@conductor/test';
import { createServerFor, useServersWorld } from './server-fixtures.js';

for (const database of DATABASES) {
  describe(`an admin gives a server to another account (${database})`, function () {
    this.timeout(180_000);
    const world = useServersWorld(database, `owner-${database}`, 4);

    it('moves the server to the new owner (by email or id), drops their subuser grant, ends the old owner’s access and logs who, what and where', async () => {
      const { t, node } = world;
      const admin = await t.createUser(`owner-admin-${database}@example.org`, { role: 'admin' });
      const alice = await t.createUser(`owner-alice-${database}@example.org`);
      const bob = await t.createUser(`owner-bob-${database}@example.org`);
      const id = await createServerFor(t.panel, alice.id, node.nodeId, 'Handed over');
      const aliceBrowser = await t.signIn(alice.email);
      const bobBrowser = await t.signIn(bob.email);
      const adminBrowser = await t.signIn(admin.email);
      expect(
        (await aliceBrowser.post(`/api/auth/servers/${id}/subusers`, { email: bob.email, permissions: ['control.console'] })).status,
      ).to.equal(201);

      const moved = await adminBrowser.request('PUT', `/api/servers/${id}/owner`, { body: { email: bob.email } });
      expect([moved.status, moved.body.ownerId], JSON.stringify(moved.body)).to.deep.equal([200, bob.id]);
      expect((await aliceBrowser.get(`/api/servers/${id}`)).status, 'the old owner no longer sees it').to.equal(404);
      expect((await bobBrowser.get(`/api/servers/${id}`)).body.ownerId).to.equal(bob.id);
      expect((await bobBrowser.get('/api/servers')).body.servers.map((s: { id: string }) => s.id)).to.include(id);
      await until(
        "the new owner's subuser grant to go",
        async () => ((await adminBrowser.get(`/api/auth/servers/${id}/subusers`)).body.subusers as unknown[]).length === 0,
      );

      const entries = (await adminBrowser.get(`/api/activity/servers/${id}`)).body.activity as Array<Record<string, unknown>>;
      expect(entries[0]).to.deep.include({
        action: 'server.owner',
        actor: admin.email,
        ip: '127.0.0.1',
        data: { from: alice.email, to: bob.email },
      });

      // By id works too, and giving it to the owner it has changes nothing.
      const back = await adminBrowser.request('PUT', `/api/servers/${id}/owner`, { body: { ownerId: alice.id } });
      expect(back.body.ownerId).to.equal(alice.id);
      const same = await adminBrowser.request('PUT', `/api/servers/${id}/owner`, { body: { ownerId: alice.id } });
      expect([same.status, same.body.ownerId]).to.deep.equal([200, alice.id]);
    });

    it('refuses a new owner without room in their quota (409 quota_exceeded naming the limit) and changes nothing', async () => {
      const { t, node } = world;
      const carol = await t.createUser(`owner-carol-${database}@example.org`);
      const dave = await t.createUser(`owner-dave-${database}@example.org`);
      const id = await createServerFor(t.panel, carol.id, node.nodeId, 'Too much');
      await t.panel.request('PUT', `/api/admin/users/${dave.id}/quota`, { body: { memoryMb: 128 } });
      const refused = await t.panel.request('PUT', `/api/servers/${id}/owner`, { body: { ownerId: dave.id } });
      expect([refused.status, refused.body.error.code, refused.body.error.details?.limit]).to.deep.equal([
        409,
        'quota_exceeded',
        'memoryMb',
      ]);
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body.ownerId).to.equal(carol.id);
      expect((await (await t.signIn(dave.email)).get('/api/account/quota')).body.usage.servers).to.equal(0);
    });

    it('refuses non-admins (even the owner), unknown fields, both or neither of id and email, and unknown accounts', async () => {
      const { t, node } = world;
      const erin = await t.createUser(`owner-erin-${database}@example.org`);
      const frank = await t.createUser(`owner-frank-${database}@example.org`);
      const id = await createServerFor(t.panel, erin.id, node.nodeId, 'Kept');
      const byOwner = await (await t.signIn(erin.email)).request('PUT', `/api/servers/${id}/owner`, { body: { ownerId: frank.id } });
      expect(byOwner.status).to.equal(403);
      const byStranger = await (await t.signIn(frank.email)).request('PUT', `/api/servers/${id}/owner`, { body: { ownerId: frank.id } });
      expect(byStranger.status).to.equal(403);

      const put = (body: unknown) => t.panel.request('PUT', `/api/servers/${id}/owner`, { body });
      const unknown = await put({ ownerId: frank.id, keepSubusers: true });
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([400, 'validation_failed']);
      expect(JSON.stringify(unknown.body.error)).to.contain('keepSubusers');
      expect((await put({ ownerId: frank.id, email: frank.email })).status).to.equal(400);
      expect((await put({})).status).to.equal(400);
      const nobody = await put({ email: 'nobody@example.org' });
      expect([nobody.status, nobody.body.error.code]).to.deep.equal([404, 'user_not_found']);
      const noServer = await t.panel.request('PUT', '/api/servers/s000000000000/owner', { body: { ownerId: frank.id } });
      expect(noServer.status).to.equal(404);
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body.ownerId).to.equal(erin.id);
    });
  });
}
