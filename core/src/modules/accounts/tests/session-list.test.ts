import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import { DATABASES } from '@conductor/test';
import { openSocket as socketOf, PASSWORD, startAccountsPanel, type AccountsPanel } from './fixtures.js';

/** Listen before acting: the server may close the socket before the HTTP answer arrives. */
const closed = (socket: Socket) => new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));

for (const database of DATABASES) {
  describe(`accounts: sessions and their sockets (${database})`, () => {
    let t: AccountsPanel;
    before(async () => {
      t = await startAccountsPanel(database);
    });
    after(() => t.close());

    it("lists a user's own sessions and ends one; its socket closes with it", async () => {
      await t.createUser('many@example.com');
      const laptop = await t.signIn('many@example.com');
      const phone = await t.signIn('many@example.com');
      const sessions = (await laptop.get('/api/auth/sessions')).body.sessions;
      expect(sessions).to.have.length(2);
      expect(sessions.filter((s: { current: boolean }) => s.current)).to.have.length(1);
      expect(JSON.stringify(sessions)).to.not.contain(laptop.cookies.get('cdr_session')).and.not.contain(phone.cookies.get('cdr_session'));
      const phoneSocket = await socketOf(t, phone);
      const phoneClosed = closed(phoneSocket);
      const other = sessions.find((s: { current: boolean }) => !s.current);
      const stranger = await (async () => {
        await t.createUser('nosy@example.com');
        return t.signIn('nosy@example.com');
      })();
      expect((await stranger.request('DELETE', `/api/auth/sessions/${other.id}`)).status).to.equal(404);
      expect((await phone.get('/api/auth/me')).status).to.equal(200);
      expect((await laptop.request('DELETE', `/api/auth/sessions/${other.id}`)).status).to.equal(204);
      expect(await phoneClosed).to.equal('io server disconnect');
      expect((await phone.get('/api/auth/me')).status).to.equal(401);
    });

    it('closes the sockets of a session that signs out, and of the other sessions on a password change', async () => {
      await t.createUser('sockets@example.com');
      const a = await t.signIn('sockets@example.com');
      const b = await t.signIn('sockets@example.com');
      const c = await t.signIn('sockets@example.com');
      const [sa, sb, sc] = await Promise.all([socketOf(t, a), socketOf(t, b), socketOf(t, c)]);
      const [cClosed, bClosed] = [closed(sc), closed(sb)];
      await c.post('/api/auth/logout');
      expect(await cClosed).to.equal('io server disconnect');
      expect(sa.connected && sb.connected).to.equal(true);
      expect((await a.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'another long passphrase' })).status).to.equal(
        204,
      );
      expect(await bClosed).to.equal('io server disconnect');
      expect(sa.connected).to.equal(true);
      sa.close();
    });
  });
}
