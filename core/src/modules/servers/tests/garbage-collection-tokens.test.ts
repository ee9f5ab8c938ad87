import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { createServerFor, deleteAllServers } from './server-fixtures.js';

const PAST = '2026-01-01T00:00:00.000Z';

for (const database of DATABASES) {
  describe(`garbage collection of expired join tokens, invites and mailed tokens (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: `gc-tokens-${database}` });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    type Item = { kind: string; nodeId: string; id: string; detail: string; reaped: boolean };
    const tokens = async (path: '/api/servers/gc/scan' | '/api/servers/gc/reap') => {
      const res = await t.panel.request('POST', path, { body: path.endsWith('reap') ? { confirm: true } : {} });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return (res.body.items as Item[]).filter((i) => i.kind === 'expired_token');
    };

    it('lists only what expired unused, removes it on confirmation, and keeps what is still valid', async () => {
      const { nodeJoins } = t.panel.kernel.containerOf('nodes').cradle;
      const joinSpec = (name: string) => ({ node: { name, location: 'eu', memoryMb: 4096, diskMb: 40_960 } });
      const expiredJoin = await nodeJoins.issue(joinSpec('never-booted'), 60);
      const liveJoin = await nodeJoins.issue(joinSpec('booting'), 3600);
      await t.panel.kernel.db('node_join_tokens').where({ id: expiredJoin.id }).update({ expires_at: PAST });

      const owner = await t.createUser(`gc-token-owner-${database}@example.org`);
      const serverId = await createServerFor(t.panel, owner.id, node.nodeId, 'Invites');
      const ob = await t.signIn(owner.email);
      const invites = `/api/auth/servers/${serverId}/subuser-invites`;
      const stale = await ob.post(invites, { email: `stale-${database}@example.org`, permissions: ['control.console'] });
      const fresh = await ob.post(invites, { email: `fresh-${database}@example.org`, permissions: ['control.console'] });
      expect([stale.status, fresh.status]).to.deep.equal([201, 201]);
      await t.panel.kernel.db('subuser_invites').where({ id: stale.body.invite.id }).update({ expires_at: PAST });

      const forgetful = await t.createUser(`gc-token-reset-${database}@example.org`);
      expect((await t.browser().post('/api/auth/password/forgot', { email: forgetful.email })).status).to.equal(202);
      await t.panel.kernel.db('auth_tokens').where({ user_id: forgetful.id }).update({ expires_at: PAST });

      const found = await tokens('/api/servers/gc/scan');
      expect(found.map((i) => i.id.split(':')[0]).sort()).to.deep.equal(['auth_token', 'join_token', 'subuser_invite']);
      expect(found.map((i) => i.nodeId)).to.deep.equal(['panel', 'panel', 'panel']);
      expect(found.find((i) => i.id === `join_token:${expiredJoin.id}`)).to.not.equal(undefined);
      expect(found.find((i) => i.id === `subuser_invite:${stale.body.invite.id}`)).to.not.equal(undefined);
      expect(found.find((i) => i.id.startsWith('auth_token:'))!.detail).to.match(/^reset password token, expired /);

      const reaped = await tokens('/api/servers/gc/reap');
      expect(reaped.map((i) => i.reaped)).to.deep.equal([true, true, true]);
      expect(await tokens('/api/servers/gc/scan')).to.deep.equal([]);
      const db = t.panel.kernel.db;
      expect(await db('node_join_tokens').pluck('id')).to.deep.equal([liveJoin.id]);
      expect(await db('subuser_invites').where({ server_id: serverId }).pluck('id')).to.deep.equal([fresh.body.invite.id]);
      expect(await db('auth_tokens').where({ user_id: forgetful.id }).pluck('token_hash')).to.deep.equal([]);
    });
  });
}
