import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { sha256 } from '../crypto/tokens.js';
import { PASSWORD, startAccountsPanel, type AccountsPanel } from './fixtures.js';
import { tokenFrom } from './mailbox.js';

for (const database of DATABASES) {
  describe(`accounts: sign-up, sessions, passwords (${database})`, () => {
    let t: AccountsPanel;
    before(async () => {
      t = await startAccountsPanel(database);
      // A fresh panel keeps sign-up closed until an admin chooses; these tests need it open.
      await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: true } });
    });
    after(() => t.close());

    it('signs up, mails a verification link that works once, then sends the welcome mail', async () => {
      const b = t.browser();
      const res = await b.post('/api/auth/signup', { email: 'Newcomer@Example.com', password: PASSWORD });
      expect(res.status).to.equal(201);
      expect(res.body.user).to.deep.include({ email: 'Newcomer@Example.com', role: 'user', emailVerified: false });
      const mail = await t.mailbox.waitFor('newcomer@example.com', /Confirm your email/);
      expect(mail.from?.text).to.contain('panel@panel.test');
      expect(mail.html).to.contain('http://panel.test/verify-email?token=');
      const token = tokenFrom(mail, '/verify-email');
      // Only the hash is stored.
      const stored = await t.panel.kernel.db('auth_tokens').where({ purpose: 'verify_email' }).pluck('token_hash');
      expect(stored).to.include(sha256(token)).and.not.include(token);

      expect((await b.post('/api/auth/verify-email', { token })).status).to.equal(204);
      await t.mailbox.waitFor('newcomer@example.com', /Welcome/);
      const again = await b.post('/api/auth/verify-email', { token });
      expect(again.status).to.equal(400);
      expect(again.body.error.code).to.equal('invalid_token');
      const me = await (await t.signIn('newcomer@example.com')).get('/api/auth/me');
      expect(me.body.user.emailVerified).to.equal(true);
    });

    it('refuses a sign-up whose email differs only in case, and creates nothing', async () => {
      await t.createUser('case@example.com');
      const before = await t.panel.kernel.db('users').count({ n: '*' }).first();
      const res = await t.browser().post('/api/auth/signup', { email: 'CASE@Example.COM', password: PASSWORD });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('email_taken');
      expect(await t.panel.kernel.db('users').count({ n: '*' }).first()).to.deep.equal(before);
    });

    it('refuses sign-up when an admin closed registration', async () => {
      expect(
        (await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: false } })).body.registrationOpen,
      ).to.equal(false);
      try {
        const res = await t.browser().post('/api/auth/signup', { email: 'closed@example.com', password: PASSWORD });
        expect(res.status).to.equal(403);
        expect(await t.panel.kernel.db('users').where({ email_normalized: 'closed@example.com' }).first()).to.equal(undefined);
      } finally {
        await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: true } });
      }
    });

    it('signs in with a case-insensitive email, sets hardened cookies, and answers /me', async () => {
      await t.createUser('login@example.com');
      const b = t.browser();
      const res = await b.post('/api/auth/login', { email: 'LOGIN@example.com', password: PASSWORD });
      expect(res.status).to.equal(200);
      const cookies = res.headers.getSetCookie();
      const session = cookies.find((c) => c.startsWith('cdr_session='))!;
      expect(session)
        .to.match(/httponly/i)
        .and.match(/samesite=lax/i)
        .and.not.match(/secure/i);
      expect(cookies.find((c) => c.startsWith('cdr_csrf='))).to.not.match(/httponly/i);
      expect(res.body.csrfToken).to.equal(b.cookies.get('cdr_csrf'));
      const me = await b.get('/api/auth/me');
      expect(me.status).to.equal(200);
      expect(me.body).to.deep.include({ via: 'session', csrfToken: res.body.csrfToken });
      expect(me.body.user.email).to.equal('login@example.com');
      // The session is stored as a hash only.
      expect(
        await t.panel.kernel
          .db('sessions')
          .where({ id_hash: b.cookies.get('cdr_session') })
          .first(),
      ).to.equal(undefined);
    });

    it('marks cookies Secure behind TLS (a trusted proxy saying https)', async () => {
      const tls = await startAccountsPanel(database, { config: { TRUST_PROXY: true } });
      try {
        await tls.createUser('tls@example.com');
        const res = await tls
          .browser()
          .post('/api/auth/login', { email: 'tls@example.com', password: PASSWORD }, { headers: { 'x-forwarded-proto': 'https' } });
        expect(res.status).to.equal(200);
        for (const c of res.headers.getSetCookie()) expect(c).to.match(/;\s*secure/i);
      } finally {
        await tls.close();
      }
    });

    it('answers a wrong password with 401 invalid_credentials, the same as an unknown email', async () => {
      await t.createUser('wrong@example.com');
      const wrong = await t.browser().post('/api/auth/login', { email: 'wrong@example.com', password: 'not the password' });
      expect(wrong.status).to.equal(401);
      expect(wrong.body.error.code).to.equal('invalid_credentials');
      expect(wrong.headers.getSetCookie().some((c) => c.startsWith('cdr_session='))).to.equal(false);
      const unknown = await t.browser().post('/api/auth/login', { email: 'nobody@example.com', password: 'not the password' });
      expect(unknown.status).to.equal(401);
      expect(unknown.body).to.deep.equal(wrong.body);
    });

    it('rotates the session id at sign-in: a planted or earlier session id never becomes (or stays) valid', async () => {
      await t.createUser('fixation@example.com');
      const b = t.browser();
      b.cookies.set('cdr_session', 'attacker-chosen-session-id-0123456789abcdefghij');
      await b.post('/api/auth/login', { email: 'fixation@example.com', password: PASSWORD });
      const first = b.cookies.get('cdr_session')!;
      expect(first).to.not.equal('attacker-chosen-session-id-0123456789abcdefghij');
      await b.post('/api/auth/login', { email: 'fixation@example.com', password: PASSWORD });
      const second = b.cookies.get('cdr_session')!;
      expect(second).to.not.equal(first);
      const stale = t.browser();
      stale.cookies.set('cdr_session', first);
      expect((await stale.get('/api/auth/me')).status).to.equal(401);
      expect((await b.get('/api/auth/me')).status).to.equal(200);
    });

    it('refuses a cookie-authenticated write without the CSRF token, and changes nothing', async () => {
      await t.createUser('csrf@example.com');
      const b = await t.signIn('csrf@example.com');
      const missing = await b.post('/api/auth/api-keys', { name: 'sneaky' }, { csrf: false });
      expect(missing.status).to.equal(403);
      expect(missing.body.error.code).to.equal('csrf_failed');
      const forged = await b.post('/api/auth/api-keys', { name: 'sneaky' }, { headers: { 'x-csrf-token': 'forged' } });
      expect(forged.status).to.equal(403);
      expect((await b.get('/api/auth/api-keys')).body.apiKeys).to.deep.equal([]);
      expect((await b.post('/api/auth/api-keys', { name: 'fine' })).status).to.equal(201);
    });

    it('signs out: the cookie no longer works', async () => {
      await t.createUser('logout@example.com');
      const b = await t.signIn('logout@example.com');
      const token = b.cookies.get('cdr_session')!;
      expect((await b.post('/api/auth/logout')).status).to.equal(204);
      const replay = t.browser();
      replay.cookies.set('cdr_session', token);
      expect((await replay.get('/api/auth/me')).status).to.equal(401);
    });

    it('changes the password: signs out other sessions and mails the owner', async () => {
      await t.createUser('change@example.com');
      const here = await t.signIn('change@example.com');
      const elsewhere = await t.signIn('change@example.com');
      const wrong = await here.post('/api/auth/password', { currentPassword: 'wrong password!', newPassword: 'a brand new passphrase' });
      expect(wrong.status).to.equal(401);
      expect((await here.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' })).status).to.equal(
        204,
      );
      expect((await here.get('/api/auth/me')).status).to.equal(200);
      expect((await elsewhere.get('/api/auth/me')).status).to.equal(401);
      await t.mailbox.waitFor('change@example.com', /password was changed/);
      expect((await t.browser().post('/api/auth/login', { email: 'change@example.com', password: PASSWORD })).status).to.equal(401);
      await t.signIn('change@example.com', { password: 'a brand new passphrase' });
    });

    it('resets a password by mailed single-use token; a used or expired token is refused', async () => {
      await t.createUser('reset@example.com');
      const signedIn = await t.signIn('reset@example.com');
      const unknown = await t.browser().post('/api/auth/password/forgot', { email: 'ghost@example.com' });
      expect(unknown.status).to.equal(202);
      expect((await t.browser().post('/api/auth/password/forgot', { email: 'Reset@Example.com' })).status).to.equal(202);
      const mail = await t.mailbox.waitFor('reset@example.com', /Reset your password/);
      const token = tokenFrom(mail, '/reset-password');
      expect(t.mailbox.to('ghost@example.com')).to.have.length(0);

      expect((await t.browser().post('/api/auth/password/reset', { token, password: 'reset passphrase one' })).status).to.equal(204);
      // Every session ends with a reset.
      expect((await signedIn.get('/api/auth/me')).status).to.equal(401);
      const reused = await t.browser().post('/api/auth/password/reset', { token, password: 'reset passphrase two' });
      expect(reused.status).to.equal(400);
      expect(reused.body.error.code).to.equal('invalid_token');
      await t.signIn('reset@example.com', { password: 'reset passphrase one' });

      await t.browser().post('/api/auth/password/forgot', { email: 'reset@example.com' });
      const second = tokenFrom(await t.mailbox.waitFor('reset@example.com', /Reset your password/, { count: 2 }), '/reset-password');
      expect(second).to.not.equal(token);
      await t.panel.kernel
        .db('auth_tokens')
        .where({ token_hash: sha256(second) })
        .update({ expires_at: new Date(Date.now() - 1000).toISOString() });
      const expired = await t.browser().post('/api/auth/password/reset', { token: second, password: 'reset passphrase three' });
      expect(expired.status).to.equal(400);
      expect(expired.body.error.code).to.equal('invalid_token');
      await t.signIn('reset@example.com', { password: 'reset passphrase one' });
    });

    it('deletes the account with its password, mails the owner, and leaves nothing behind', async () => {
      const user = await t.createUser('leaving@example.com');
      const b = await t.signIn('leaving@example.com');
      await b.post('/api/auth/api-keys', { name: 'k' });
      expect((await b.post('/api/auth/me/delete', { password: 'wrong password!' })).status).to.equal(401);
      expect((await b.post('/api/auth/me/delete', { password: PASSWORD })).status).to.equal(204);
      await t.mailbox.waitFor('leaving@example.com', /account was deleted/);
      const db = t.panel.kernel.db;
      for (const table of ['users', 'sessions', 'api_keys', 'security_log', 'devices']) {
        const column = table === 'users' ? 'id' : 'user_id';
        expect(
          await db(table)
            .where({ [column]: user.id })
            .first(),
          table,
        ).to.equal(undefined);
      }
      expect((await t.browser().post('/api/auth/login', { email: 'leaving@example.com', password: PASSWORD })).status).to.equal(401);
    });
  });
}
