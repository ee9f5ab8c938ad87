import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import { DATABASES } from '@conductor/test';
import { sha256 } from '../crypto/tokens.js';
import { startAccountsPanel, type AccountsPanel } from './fixtures.js';

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` }, auth: false as const });

for (const database of DATABASES) {
  describe(`accounts: API keys (${database})`, () => {
    let t: AccountsPanel;
    before(async () => {
      t = await startAccountsPanel(database);
    });
    after(() => t.close());

    it('creates a client key shown once with a recognisable prefix, stores only its hash, and records its use', async () => {
      await t.createUser('keys@example.com');
      const b = await t.signIn('keys@example.com');
      const created = await b.post('/api/auth/api-keys', { name: 'deploy script' });
      expect(created.status).to.equal(201);
      const { key, apiKey } = created.body;
      expect(key).to.match(/^cdr_c_[A-Za-z0-9_-]{43}$/);
      expect(key.startsWith(apiKey.prefix)).to.equal(true);
      expect(apiKey.lastUsedAt).to.equal(null);
      const row = await t.panel.kernel.db('api_keys').where({ id: apiKey.id }).first();
      expect(row.key_hash).to.equal(sha256(key));
      expect(JSON.stringify(row)).to.not.contain(key);
      const listed = (await b.get('/api/auth/api-keys')).body.apiKeys;
      expect(JSON.stringify(listed)).to.not.contain(key);

      const me = await t.panel.request('GET', '/api/auth/me', bearer(key));
      expect(me.status).to.equal(200);
      expect(me.body).to.deep.include({ via: 'api_key', csrfToken: null });
      expect(me.body.user.email).to.equal('keys@example.com');
      const used = (await b.get('/api/auth/api-keys')).body.apiKeys[0];
      expect(used.lastUsedAt).to.be.a('string');
      expect(used.lastUsedIp).to.equal('127.0.0.1');
      const log = (await b.get('/api/auth/security-log')).body.events.map((e: { type: string }) => e.type);
      expect(log).to.include('api_key_created');
    });

    it('refuses a key from an address outside its allow-list, even with a forged X-Forwarded-For', async () => {
      await t.createUser('ips@example.com');
      const b = await t.signIn('ips@example.com');
      const elsewhere = (await b.post('/api/auth/api-keys', { name: 'office only', allowedIps: ['10.0.0.0/8'] })).body.key;
      const local = (await b.post('/api/auth/api-keys', { name: 'this host', allowedIps: ['127.0.0.1', '::1'] })).body.key;
      const refused = await t.panel.request('GET', '/api/auth/me', {
        headers: { authorization: `Bearer ${elsewhere}`, 'x-forwarded-for': '10.1.2.3' },
        auth: false,
      });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('ip_not_allowed');
      expect(JSON.stringify(refused.body)).to.not.contain('ips@example.com');
      expect((await t.panel.request('GET', '/api/auth/me', bearer(local))).status).to.equal(200);
      const bad = await b.post('/api/auth/api-keys', { name: 'bad', allowedIps: ['300.1.1.1'] });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('validation_failed');
    });

    it('refuses a revoked key, over HTTP and socket.io', async () => {
      await t.createUser('revoke@example.com');
      const b = await t.signIn('revoke@example.com');
      const { key, apiKey } = (await b.post('/api/auth/api-keys', { name: 'short-lived' })).body;
      const socketWith = async (token: string) => {
        const socket = connect(t.panel.url, { transports: ['websocket'], reconnection: false, auth: { token } });
        try {
          return await new Promise<string>((resolve) => {
            socket.on('connect', () => resolve('connected'));
            socket.on('connect_error', (err: Error & { data?: { code: string } }) => resolve(err.data?.code ?? err.message));
          });
        } finally {
          socket.close();
        }
      };
      expect(await socketWith(key)).to.equal('connected');
      expect((await b.request('DELETE', `/api/auth/api-keys/${apiKey.id}`)).status).to.equal(204);
      const after = await t.panel.request('GET', '/api/auth/me', bearer(key));
      expect(after.status).to.equal(401);
      expect(await socketWith(key)).to.equal('unauthenticated');
      expect((await b.get('/api/auth/api-keys')).body.apiKeys[0].revokedAt).to.be.a('string');
      expect((await b.get('/api/auth/security-log')).body.events[0].type).to.equal('api_key_revoked');
    });

    it("keeps client keys out of the admin API (even an admin's) and gives application keys admin rights", async () => {
      await t.createUser('root@example.com', { role: 'admin' });
      const admin = await t.signIn('root@example.com');
      const client = (await admin.post('/api/auth/api-keys', { name: 'mine' })).body.key;
      const denied = await t.panel.request('GET', '/api/admin/users', bearer(client));
      expect(denied.status).to.equal(403);
      expect(JSON.stringify(denied.body)).to.not.contain('@example.com');
      const app = await admin.post('/api/admin/api-keys', { name: 'billing sync' });
      expect(app.status).to.equal(201);
      expect(app.body.key).to.match(/^cdr_a_/);
      expect((await t.panel.request('GET', '/api/admin/users', bearer(app.body.key))).status).to.equal(200);
      // A key cannot mint keys: creating one needs a browser session.
      const minted = await t.panel.request('POST', '/api/auth/api-keys', { ...bearer(app.body.key), body: { name: 'more' } });
      expect(minted.status).to.equal(403);
      expect(minted.body.error.code).to.equal('session_required');
      expect((await t.panel.request('DELETE', `/api/admin/api-keys/${app.body.apiKey.id}`)).status).to.equal(204);
      expect((await t.panel.request('GET', '/api/admin/users', bearer(app.body.key))).status).to.equal(401);
    });

    it("does not let one user revoke another user's key", async () => {
      await t.createUser('owner-k@example.com');
      await t.createUser('other-k@example.com');
      const owner = await t.signIn('owner-k@example.com');
      const other = await t.signIn('other-k@example.com');
      const { key, apiKey } = (await owner.post('/api/auth/api-keys', { name: 'precious' })).body;
      const res = await other.request('DELETE', `/api/auth/api-keys/${apiKey.id}`);
      expect(res.status).to.equal(404);
      expect((await t.panel.request('GET', '/api/auth/me', bearer(key))).status).to.equal(200);
    });
  });
}
