import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { sha256 } from '../crypto/tokens.js';
import type { Browser } from './browser.js';
import { startAccountsPanel, totpCode, type AccountsPanel } from './fixtures.js';
import { startOAuthProvider, type TestOAuthProvider } from './oauth-provider.js';

/** Follows start → provider's authorize → back to the callback, as a browser would. */
async function signInWith(t: AccountsPanel, b: Browser, provider: string, tamper?: (callback: URL) => void) {
  const start = await b.get(`/api/auth/oauth/${provider}/start`);
  expect(start.status).to.equal(302);
  const authorize = new URL(start.headers.get('location')!);
  const atProvider = await fetch(authorize, { redirect: 'manual' });
  expect(atProvider.status).to.equal(302);
  const callback = new URL(atProvider.headers.get('location')!);
  tamper?.(callback);
  const res = await b.get(`${callback.pathname}${callback.search}`);
  return { authorize, res };
}

for (const database of DATABASES) {
  describe(`accounts: OAuth sign-in (${database})`, () => {
    let provider: TestOAuthProvider;
    let t: AccountsPanel;

    before(async () => {
      provider = await startOAuthProvider();
      const at = provider.settings;
      t = await startAccountsPanel(database, {
        auth: { oauth: { google: at('google'), discord: at('discord'), github: { ...at('github'), emailsUrl: undefined } } },
      });
      // New accounts through a provider follow the panel's sign-up choice (see the closed case below).
      await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: true } });
    });
    after(async () => {
      await t.close();
      await provider.stop();
    });

    it('lists the configured providers and sends the browser there with state and an S256 PKCE challenge', async () => {
      expect((await t.browser().get('/api/auth/oauth/providers')).body.providers).to.have.members(['google', 'discord', 'github']);
      const start = await t.browser().get('/api/auth/oauth/google/start');
      const url = new URL(start.headers.get('location')!);
      expect(url.origin + url.pathname).to.equal(`${provider.url}/authorize`);
      expect(url.searchParams.get('client_id')).to.equal('google-client');
      expect(url.searchParams.get('redirect_uri')).to.equal('http://panel.test/api/auth/oauth/google/callback');
      expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
      expect(url.searchParams.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(url.searchParams.get('state')).to.match(/^[A-Za-z0-9_-]{43}$/);
      const stored = await t.panel.kernel.db('oauth_states').pluck('verifier');
      for (const v of stored) expect(v).to.match(/^v1:/);
    });

    it('creates an account for a new verified email and signs it in', async () => {
      provider.profile = { sub: 'google-1', email: 'Fresh@Example.com', email_verified: true };
      const b = t.browser();
      const { res } = await signInWith(t, b, 'google');
      expect(res.status).to.equal(302);
      expect(res.headers.get('location')).to.equal('http://panel.test/');
      const me = await b.get('/api/auth/me');
      expect(me.body.user).to.deep.include({ email: 'Fresh@Example.com', emailVerified: true, role: 'user' });
      await t.mailbox.waitFor('fresh@example.com', /Welcome to Conductor/);
      expect(t.mailbox.to('fresh@example.com', /Confirm your email/)).to.have.length(0);
      // The same identity signs in to the same account next time.
      const again = t.browser();
      provider.profile = { sub: 'google-1', email: 'changed@example.com', email_verified: true };
      await signInWith(t, again, 'google');
      expect((await again.get('/api/auth/me')).body.user.id).to.equal(me.body.user.id);
    });

    it('creates an account for a new unverified email and asks it to confirm the address', async () => {
      provider.profile = { id: 'discord-new', email: 'unverified@example.com', verified: false };
      const b = t.browser();
      expect((await signInWith(t, b, 'discord')).res.status).to.equal(302);
      expect((await b.get('/api/auth/me')).body.user.emailVerified).to.equal(false);
      const mail = await t.mailbox.waitFor('unverified@example.com', /Confirm your email/);
      expect(mail.text).to.contain('http://panel.test/verify-email?token=');
    });

    it('makes no account through a provider while sign-up is closed, and still signs in an account that exists', async () => {
      const setOpen = (open: boolean) => t.panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: open } });
      expect((await setOpen(false)).status).to.equal(200);
      try {
        provider.profile = { sub: 'google-closed', email: 'closed-door@example.com', email_verified: true };
        const refused = await signInWith(t, t.browser(), 'google');
        expect(refused.res.status).to.equal(403);
        expect(refused.res.body.error.code).to.equal('registration_closed');
        expect(refused.res.headers.getSetCookie().some((c) => c.startsWith('cdr_session='))).to.equal(false);
        expect(await t.panel.kernel.db('users').where({ email_normalized: 'closed-door@example.com' }).first()).to.equal(undefined);

        // The identity made while sign-up was open still signs in.
        provider.profile = { sub: 'google-1', email: 'fresh@example.com', email_verified: true };
        const b = t.browser();
        expect((await signInWith(t, b, 'google')).res.status).to.equal(302);
        expect((await b.get('/api/auth/me')).body.user.email).to.equal('Fresh@Example.com');
      } finally {
        await setOpen(true);
      }
    });

    it('links to an existing account only through a verified email', async () => {
      const user = await t.createUser('linkme@example.com');
      provider.profile = { id: 'discord-7', email: 'LinkMe@example.com', verified: false };
      const refused = await signInWith(t, t.browser(), 'discord');
      expect(refused.res.status).to.equal(409);
      expect(refused.res.body.error.code).to.equal('email_not_verified');
      expect(await t.panel.kernel.db('oauth_identities').where({ provider: 'discord', subject: 'discord-7' }).first()).to.equal(undefined);
      provider.profile = { id: 'discord-7', email: 'LinkMe@example.com', verified: true };
      const b = t.browser();
      expect((await signInWith(t, b, 'discord')).res.status).to.equal(302);
      expect((await b.get('/api/auth/me')).body.user.id).to.equal(user.id);
      const log = (await b.get('/api/auth/security-log')).body.events.map(
        (e: { type: string; data: { method?: string } }) => `${e.type}:${e.data.method ?? ''}`,
      );
      expect(log).to.include('oauth_linked:').and.include('sign_in:oauth:discord');
    });

    it('refuses a callback with a wrong state, a replayed state, or from another browser, and leaves nothing behind', async () => {
      provider.profile = { sub: 'google-evil', email: 'evil@example.com', email_verified: true };
      const users = async () => Number((await t.panel.kernel.db('users').count({ n: '*' }).first())!.n);
      const before = await users();
      const wrong = await signInWith(t, t.browser(), 'google', (cb) => cb.searchParams.set('state', 'x'.repeat(43)));
      expect(wrong.res.status).to.equal(400);
      expect(wrong.res.body.error.code).to.equal('invalid_state');
      expect(wrong.res.headers.getSetCookie().some((c) => c.startsWith('cdr_session='))).to.equal(false);

      // The state was issued to another browser: the victim's browser has no matching cookie.
      const attacker = t.browser();
      const start = await attacker.get('/api/auth/oauth/google/start');
      const atProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const callback = new URL(atProvider.headers.get('location')!);
      const victim = t.browser();
      const csrf = await victim.get(`${callback.pathname}${callback.search}`);
      expect(csrf.status).to.equal(400);
      expect(csrf.body.error.code).to.equal('invalid_state');
      // The state is single-use: the attacker's own browser cannot use it after that either.
      const replay = await attacker.get(`${callback.pathname}${callback.search}`);
      expect(replay.status).to.equal(400);
      expect(await users()).to.equal(before);
      expect(await t.panel.kernel.db('users').where({ email_normalized: 'evil@example.com' }).first()).to.equal(undefined);
    });

    it('passes the PKCE check only with the verifier that made the challenge', async () => {
      provider.profile = { sub: 'google-pkce', email: 'pkce@example.com', email_verified: true };
      const b = t.browser();
      const start = await b.get('/api/auth/oauth/google/start');
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      // Swap in a different (validly encrypted) verifier: the provider must refuse the code.
      const other = t.panel.kernel.containerOf('auth').cradle.keyRing.encrypt('a'.repeat(64));
      await t.panel.kernel
        .db('oauth_states')
        .where({ state_hash: sha256(state) })
        .update({ verifier: other });
      const atProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const callback = new URL(atProvider.headers.get('location')!);
      const res = await b.get(`${callback.pathname}${callback.search}`);
      expect(res.status).to.equal(502);
      expect(res.body.error.code).to.equal('oauth_provider_error');
      expect(await t.panel.kernel.db('users').where({ email_normalized: 'pkce@example.com' }).first()).to.equal(undefined);
    });

    it('asks an account with 2FA for its code after the redirect, in that browser only', async () => {
      await t.createUser('otp-oauth@example.com');
      const setupBrowser = await t.signIn('otp-oauth@example.com');
      const secret = (await setupBrowser.post('/api/auth/2fa/setup')).body.secret as string;
      expect((await setupBrowser.post('/api/auth/2fa/confirm', { code: await totpCode(secret) })).status).to.equal(200);
      provider.profile = { sub: 'google-otp', email: 'otp-oauth@example.com', email_verified: true };
      const b = t.browser();
      const { res } = await signInWith(t, b, 'google');
      expect(res.status).to.equal(302);
      expect(res.headers.get('location')).to.equal('http://panel.test/login/two-factor');
      expect(b.cookies.has('cdr_session')).to.equal(false);
      expect((await b.get('/api/auth/me')).status).to.equal(401);
      const elsewhere = await t.browser().post('/api/auth/login/two-factor', { totp: await totpCode(secret, 1) });
      expect(elsewhere.status).to.equal(401);
      expect(elsewhere.body.error.code).to.equal('challenge_expired');
      const wrong = await b.post('/api/auth/login/two-factor', { totp: '000000' });
      expect(wrong.body.error.code).to.equal('invalid_two_factor_code');
      const ok = await b.post('/api/auth/login/two-factor', { totp: await totpCode(secret, 1) });
      expect(ok.status).to.equal(200);
      expect((await b.get('/api/auth/me')).body.user.email).to.equal('otp-oauth@example.com');
      const again = await b.post('/api/auth/login/two-factor', { totp: await totpCode(secret, 2) });
      expect(again.body.error.code).to.equal('challenge_expired');
    });

    it('answers 404 for a provider that is not configured', async () => {
      const panel = await startAccountsPanel(database);
      try {
        const res = await panel.browser().get('/api/auth/oauth/github/start');
        expect(res.status).to.equal(404);
        expect(res.body.error.code).to.equal('provider_not_configured');
      } finally {
        await panel.close();
      }
    });
  });
}
