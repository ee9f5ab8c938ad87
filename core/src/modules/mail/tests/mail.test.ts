import { expect } from 'chai';
import { DATABASES, freePort, startPanel } from '@conductor/test';
import { Mailbox } from '../../accounts/tests/mailbox.js';

for (const database of DATABASES) {
  describe(`mail: outbox and SMTP (${database})`, () => {
    it('without SMTP keeps every mail in the outbox and the log, readable by admins', async () => {
      const panel = await startPanel({ database, config: { PUBLIC_URL: 'http://panel.test', plugins: { auth: { scryptCost: 1024 } } } });
      try {
        // A fresh panel keeps sign-up closed until an admin chooses.
        await panel.request('PATCH', '/api/admin/settings/auth', { body: { registrationOpen: true } });
        const res = await panel.request('POST', '/api/auth/signup', {
          auth: false,
          body: { email: 'outbox@example.com', password: 'a long enough password' },
        });
        expect(res.status).to.equal(201);
        const list = (await panel.request('GET', '/api/admin/mail')).body;
        expect(list.smtpConfigured).to.equal(false);
        expect(list.mail).to.have.length(1);
        expect(list.mail[0]).to.deep.include({
          kind: 'verification',
          recipient: 'outbox@example.com',
          subject: 'Confirm your email address',
          status: 'outbox',
        });
        const one = (await panel.request('GET', `/api/admin/mail/${list.mail[0].id}`)).body;
        expect(one.text).to.match(/http:\/\/panel\.test\/verify-email\?token=[A-Za-z0-9_-]+/);
        expect(one.html).to.contain('<a href="http://panel.test/verify-email?token=');
        const logged = panel.logs.lines.find((l) => l.msg === 'mail kept in the outbox (no SMTP configured)');
        expect(logged).to.deep.include({ to: 'outbox@example.com', subject: 'Confirm your email address', kind: 'verification' });
        expect(logged!.text).to.equal(one.text);
        const user = await panel.request('GET', '/api/admin/mail', { auth: false });
        expect(user.status).to.equal(401);
      } finally {
        await panel.close();
      }
    });

    it('retries a mail SMTP refused or a dead panel left half-sent, and drops its body once delivered', async () => {
      const port = await freePort();
      const panel = await startPanel({
        database,
        config: { PUBLIC_URL: 'http://panel.test', SMTP_HOST: '127.0.0.1', SMTP_PORT: port, plugins: { auth: { scryptCost: 1024 } } },
      });
      const mailbox = new Mailbox();
      try {
        await panel.request('POST', '/api/auth/password/forgot', { auth: false, body: { email: 'nobody-here@example.com' } });
        await panel.request('POST', '/api/admin/users', { body: { email: 'retry@example.com', password: 'a long enough password' } });
        await panel.request('POST', '/api/auth/password/forgot', { auth: false, body: { email: 'retry@example.com' } });
        let entry: { id: number; status: string; lastError: string | null } | undefined;
        for (let i = 0; i < 100 && entry?.status !== 'failed'; i++) {
          entry = (await panel.request('GET', '/api/admin/mail')).body.mail[0];
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(entry!.status).to.equal('failed');
        expect(entry!.lastError).to.match(/ECONNREFUSED/);
        // Two more rows as panels would leave them: one claimed by a panel that died eleven minutes
        // ago, one being sent right now by another panel (which must not be sent twice).
        const db = panel.kernel.db;
        const row = await db('mail_outbox').where({ id: entry!.id }).first();
        const copy = ({ id: _id, ...rest }: Record<string, unknown>, recipient: string, claimedAgoMs: number) => ({
          ...rest,
          recipient,
          status: 'sending',
          attempts: 1,
          claimed_at: new Date(Date.now() - claimedAgoMs).toISOString(),
        });
        await db('mail_outbox').insert([copy(row, 'stale@example.com', 11 * 60_000), copy(row, 'busy@example.com', 1000)]);
        await mailbox.start(port);
        await panel.kernel.containerOf('mail').cradle.mailService.retryPending();
        const mail = await mailbox.waitFor('retry@example.com', /Reset your password/);
        expect(mail.text).to.contain('http://panel.test/reset-password?token=');
        await mailbox.waitFor('stale@example.com', /Reset your password/);
        expect(mailbox.to('busy@example.com')).to.have.length(0);
        const after = (await panel.request('GET', `/api/admin/mail/${entry!.id}`)).body;
        expect(after).to.deep.include({ status: 'sent', attempts: 2, text: null, html: null });
        expect(await db('mail_outbox').where({ recipient: 'busy@example.com' }).pluck('status')).to.deep.equal(['sending']);
      } finally {
        await panel.close();
        await mailbox.stop().catch(() => undefined);
      }
    });
  });
}
