import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import type { Browser } from './browser.js';
import { openSocket, startAccountsPanel, totpCode, type AccountsPanel } from './fixtures.js';
import { tokenFrom } from './mailbox.js';

/** Turns 2FA on for a signed-in browser; returns the secret and the recovery codes. */
async function enrol(b: Browser): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await b.post('/api/auth/2fa/setup');
  expect(setup.status).to.equal(200);
  const confirm = await b.post('/api/auth/2fa/confirm', { code: await totpCode(setup.body.secret) });
  expect(confirm.status).to.equal(200);
  return { secret: setup.body.secret, recoveryCodes: confirm.body.recoveryCodes };
}

for (const database of DATABASES) {
  describe(`accounts: two-factor and devices (${database})`, () => {
    let t: AccountsPanel;
    before(async () => {
      t = await startAccountsPanel(database);
    });
    after(() => t.close());

    it('sets up TOTP with an otpauth URL and a QR code, stores the secret encrypted, and hands out ten hashed recovery codes', async () => {
      const user = await t.createUser('setup@example.com');
      const b = await t.signIn('setup@example.com');
      const setup = await b.post('/api/auth/2fa/setup');
      expect(setup.body.otpauthUrl).to.match(/^otpauth:\/\/totp\/Conductor:setup%40example\.com\?secret=[A-Z2-7]+/);
      expect(setup.body.qrCode).to.match(/^data:image\/png;base64,/);
      const wrong = await b.post('/api/auth/2fa/confirm', { code: '000000' });
      expect(wrong.status).to.equal(400);
      expect((await b.get('/api/auth/me')).body.user.twoFactorEnabled).to.equal(false);
      const confirm = await b.post('/api/auth/2fa/confirm', { code: await totpCode(setup.body.secret) });
      expect(confirm.status).to.equal(200);
      expect(confirm.body.recoveryCodes).to.have.length(10);
      expect(new Set(confirm.body.recoveryCodes).size).to.equal(10);
      const row = await t.panel.kernel.db('users').where({ id: user.id }).first();
      expect(row.totp_secret).to.match(/^v1:/).and.not.contain(setup.body.secret);
      const hashes = await t.panel.kernel.db('recovery_codes').where({ user_id: user.id }).pluck('code_hash');
      expect(hashes).to.have.length(10);
      for (const code of confirm.body.recoveryCodes as string[]) expect(hashes).to.not.include(code);
      const log = (await b.get('/api/auth/security-log')).body.events.map((e: { type: string }) => e.type);
      expect(log).to.include('two_factor_enabled');
    });

    it('asks for the code at sign-in and refuses a replayed TOTP code', async () => {
      await t.createUser('replay@example.com');
      const { secret } = await enrol(await t.signIn('replay@example.com'));
      const noCode = await t.browser().post('/api/auth/login', { email: 'replay@example.com', password: 'correct horse battery staple' });
      expect(noCode.status).to.equal(401);
      expect(noCode.body.error.code).to.equal('two_factor_required');
      expect(noCode.headers.getSetCookie().some((c) => c.startsWith('cdr_session='))).to.equal(false);
      // The confirm step spent the current window's code; the next window's is fresh.
      const code = await totpCode(secret, 1);
      const first = await t
        .browser()
        .post('/api/auth/login', { email: 'replay@example.com', password: 'correct horse battery staple', totp: code });
      expect(first.status).to.equal(200);
      const replay = await t
        .browser()
        .post('/api/auth/login', { email: 'replay@example.com', password: 'correct horse battery staple', totp: code });
      expect(replay.status).to.equal(401);
      expect(replay.body.error.code).to.equal('invalid_two_factor_code');
      expect(replay.headers.getSetCookie().some((c) => c.startsWith('cdr_session='))).to.equal(false);
    });

    it('accepts a recovery code once', async () => {
      await t.createUser('recovery@example.com');
      const { recoveryCodes } = await enrol(await t.signIn('recovery@example.com'));
      const code = recoveryCodes[3]!;
      const first = await t
        .browser()
        .post('/api/auth/login', { email: 'recovery@example.com', password: 'correct horse battery staple', totp: code.toUpperCase() });
      expect(first.status).to.equal(200);
      const again = await t
        .browser()
        .post('/api/auth/login', { email: 'recovery@example.com', password: 'correct horse battery staple', totp: code });
      expect(again.status).to.equal(401);
      expect(again.body.error.code).to.equal('invalid_two_factor_code');
      const b = t.browser();
      await b.post('/api/auth/login', { email: 'recovery@example.com', password: 'correct horse battery staple', totp: recoveryCodes[4] });
      const log = (await b.get('/api/auth/security-log')).body.events;
      expect(
        log.filter((e: { type: string }) => e.type === 'recovery_code_used').map((e: { data: { remaining: number } }) => e.data.remaining),
      ).to.deep.equal([8, 9]);
    });

    it('trusts a device for 30 days when asked, and mails about sign-ins from new devices', async () => {
      await t.createUser('device@example.com');
      const home = await t.signIn('device@example.com');
      // The first sign-in of an account is not "new device" news.
      expect(t.mailbox.to('device@example.com', /New sign-in/)).to.have.length(0);
      const { secret } = await enrol(home);
      const laptop = t.browser();
      const res = await laptop.post(
        '/api/auth/login',
        { email: 'device@example.com', password: 'correct horse battery staple', totp: await totpCode(secret, 1), rememberDevice: true },
        { headers: { 'user-agent': 'LaptopBrowser/1.0' } },
      );
      expect(res.status).to.equal(200);
      const mail = await t.mailbox.waitFor('device@example.com', /New sign-in/);
      expect(mail.text).to.contain('LaptopBrowser/1.0');
      const devices = (await laptop.get('/api/auth/devices')).body.devices;
      const trusted = devices.find((d: { userAgent: string }) => d.userAgent === 'LaptopBrowser/1.0');
      const days = (new Date(trusted.trustedUntil).getTime() - Date.now()) / 86_400_000;
      expect(days).to.be.within(29.9, 30.1);
      // Same browser (device cookie), no code needed; a fresh browser still needs one.
      expect(
        (await laptop.post('/api/auth/login', { email: 'device@example.com', password: 'correct horse battery staple' })).status,
      ).to.equal(200);
      expect(
        (await t.browser().post('/api/auth/login', { email: 'device@example.com', password: 'correct horse battery staple' })).body.error
          .code,
      ).to.equal('two_factor_required');
      expect(t.mailbox.to('device@example.com', /New sign-in/)).to.have.length(1);
      // A password reset withdraws the trust: whoever knew the old password may own that device.
      await t.browser().post('/api/auth/password/forgot', { email: 'device@example.com' });
      const token = tokenFrom(await t.mailbox.waitFor('device@example.com', /Reset your password/), '/reset-password');
      expect((await t.browser().post('/api/auth/password/reset', { token, password: 'a reset passphrase' })).status).to.equal(204);
      const untrusted = await laptop.post('/api/auth/login', { email: 'device@example.com', password: 'a reset passphrase' });
      expect(untrusted.body.error.code).to.equal('two_factor_required');
    });

    it('lets an admin require 2FA for admins: an admin without it can only enrol', async () => {
      await t.createUser('boss@example.com', { role: 'admin' });
      await t.createUser('staff@example.com');
      expect((await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { requireTwoFactor: 'admins' } })).status).to.equal(200);
      try {
        const boss = t.browser();
        const login = await boss.post('/api/auth/login', { email: 'boss@example.com', password: 'correct horse battery staple' });
        expect(login.body.twoFactorSetupRequired).to.equal(true);
        const blocked = await boss.get('/api/admin/users');
        expect(blocked.status).to.equal(403);
        expect(blocked.body.error.code).to.equal('two_factor_setup_required');
        expect(JSON.stringify(blocked.body)).to.not.contain('staff@example.com');
        const staff = await t.signIn('staff@example.com');
        expect((await staff.get('/api/auth/security-log')).status).to.equal(200);
        await enrol(boss);
        expect((await boss.get('/api/admin/users')).status).to.equal(200);
      } finally {
        await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { requireTwoFactor: 'off' } });
      }
    });

    it('with 2FA required for everyone, a user without it can only enrol and opens no socket', async () => {
      await t.createUser('everyone@example.com');
      expect((await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { requireTwoFactor: 'everyone' } })).status).to.equal(200);
      try {
        const b = await t.signIn('everyone@example.com');
        const blocked = await b.get('/api/auth/security-log');
        expect(blocked.status).to.equal(403);
        expect(blocked.body.error.code).to.equal('two_factor_setup_required');
        expect((await b.get('/api/auth/me')).body.twoFactorSetupRequired).to.equal(true);
        const refused = await openSocket(t, b).then(
          (s) => (s.close(), 'connected'),
          (err: Error & { data?: { code: string } }) => err.data?.code,
        );
        expect(refused).to.equal('unauthenticated');
        await enrol(b);
        expect((await b.get('/api/auth/security-log')).status).to.equal(200);
        (await openSocket(t, b)).close();
      } finally {
        await t.panel.request('PATCH', '/api/admin/settings/auth', { body: { requireTwoFactor: 'off' } });
      }
    });

    it('turns 2FA off only with the password and a valid code', async () => {
      await t.createUser('off@example.com');
      const b = await t.signIn('off@example.com');
      const { secret } = await enrol(b);
      expect((await b.post('/api/auth/2fa/disable', { password: 'wrong password!', code: await totpCode(secret, 1) })).status).to.equal(
        401,
      );
      expect((await b.get('/api/auth/me')).body.user.twoFactorEnabled).to.equal(true);
      expect(
        (await b.post('/api/auth/2fa/disable', { password: 'correct horse battery staple', code: await totpCode(secret, 1) })).status,
      ).to.equal(204);
      expect((await b.get('/api/auth/me')).body.user.twoFactorEnabled).to.equal(false);
      expect(
        await t.panel.kernel
          .db('recovery_codes')
          .where({ user_id: (await b.get('/api/auth/me')).body.user.id })
          .first(),
      ).to.equal(undefined);
    });
  });
}
