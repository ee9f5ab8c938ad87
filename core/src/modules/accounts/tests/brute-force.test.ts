import { expect } from 'chai';
import { createStorage, DATABASES } from '@conductor/test';
import { PASSWORD, startAccountsPanel } from './fixtures.js';

const limits = {
  signInPerIp: { max: 6, windowSeconds: 600 },
  signInPerAccount: { max: 100, windowSeconds: 600 },
  resetPerIp: { max: 100, windowSeconds: 600 },
  resetPerAccount: { max: 2, windowSeconds: 600 },
};

for (const database of DATABASES) {
  describe(`accounts: brute-force protection (${database})`, () => {
    it('locks the account after repeated failures, mails its owner, then answers 429 with Retry-After', async () => {
      const t = await startAccountsPanel(database, { auth: { lockAfterFailures: 3, lockMinutes: 15, limits } });
      try {
        await t.createUser('target@example.com');
        const attempt = (password: string) => t.browser().post('/api/auth/login', { email: 'target@example.com', password });
        for (let i = 0; i < 3; i++) expect((await attempt(`guess number ${i}`)).status).to.equal(401);
        const mail = await t.mailbox.waitFor('target@example.com', /account was locked/);
        expect(mail.text).to.contain('15 minutes').and.contain('http://panel.test/forgot-password');
        // Locked: even the right password is refused, and no session is made.
        const locked = await attempt(PASSWORD);
        expect(locked.status).to.equal(423);
        expect(locked.body.error.code).to.equal('account_locked');
        expect(Number(locked.headers.get('retry-after'))).to.be.within(890, 900);
        expect(locked.headers.getSetCookie()).to.deep.equal([]);
        expect(
          await t.panel.kernel
            .db('sessions')
            .count({ n: '*' })
            .first()
            .then((r) => Number(r!.n)),
        ).to.equal(0);
        await attempt('one more');
        await attempt('and another');
        const limited = await attempt(PASSWORD);
        expect(limited.status).to.equal(429);
        expect(limited.body.error.code).to.equal('rate_limited');
        expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 600);
        const log = await t.panel.kernel.db('security_log').where({ type: 'account_locked' }).count({ n: '*' }).first();
        expect(Number(log!.n)).to.equal(1);
        // An admin lifts the lock; the per-address limit still holds for this address.
        const user = (await t.panel.request('GET', '/api/admin/users')).body.users.find(
          (u: { email: string }) => u.email === 'target@example.com',
        );
        expect(user.locked).to.equal(true);
        expect((await t.panel.request('PATCH', `/api/admin/users/${user.id}`, { body: { unlock: true } })).body.user.locked).to.equal(
          false,
        );
        expect((await attempt(PASSWORD)).status).to.equal(429);
      } finally {
        await t.close();
      }
    });

    it('rate-limits password reset mails per account', async () => {
      const t = await startAccountsPanel(database, { auth: { limits } });
      try {
        await t.createUser('resetme@example.com');
        for (let i = 0; i < 2; i++)
          expect((await t.browser().post('/api/auth/password/forgot', { email: 'resetme@example.com' })).status).to.equal(202);
        const third = await t.browser().post('/api/auth/password/forgot', { email: 'RESETME@example.com' });
        expect(third.status).to.equal(429);
        expect(third.headers.get('retry-after')).to.match(/^\d+$/);
        await t.mailbox.waitFor('resetme@example.com', /Reset your password/, { count: 2 });
        expect(
          await t.panel.kernel
            .db('auth_tokens')
            .where({ purpose: 'reset_password' })
            .count({ n: '*' })
            .first()
            .then((r) => Number(r!.n)),
        ).to.equal(1);
      } finally {
        await t.close();
      }
    });

    it('counts in the database, so two panels sharing it share the limit', async () => {
      const storage = await createStorage(database);
      const a = await startAccountsPanel(database, { auth: { limits }, storage });
      const b = await startAccountsPanel(database, { auth: { limits }, storage });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) {
          const panel = i % 2 === 0 ? a : b;
          statuses.push(
            (await panel.browser().post('/api/auth/login', { email: `nobody${i}@example.com`, password: 'whatever it is' })).status,
          );
        }
        expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 401, 429, 429]);
      } finally {
        await a.close();
        await b.close();
        await storage.cleanup();
      }
    });
  });
}
