import { statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createStorage, DATABASES } from '@conductor/test';
import { startAccountsPanel, totpCode } from './fixtures.js';

for (const database of DATABASES) {
  describe(`accounts: the secret key (${database})`, () => {
    it('generates SECRET_KEY once into DATA_DIR (mode 600) when unset, so encrypted secrets survive a restart', async () => {
      const storage = await createStorage(database);
      try {
        let t = await startAccountsPanel(database, { storage });
        const file = path.join(storage.dataDir, 'secret.key');
        expect(statSync(file).mode & 0o777).to.equal(0o600);
        await t.createUser('restart@example.com');
        const b = await t.signIn('restart@example.com');
        const secret = (await b.post('/api/auth/2fa/setup')).body.secret as string;
        expect((await b.post('/api/auth/2fa/confirm', { code: await totpCode(secret) })).status).to.equal(200);
        await t.close();

        t = await startAccountsPanel(database, { storage });
        try {
          const login = await t.browser().post('/api/auth/login', {
            email: 'restart@example.com',
            password: 'correct horse battery staple',
            totp: await totpCode(secret, 1),
          });
          expect(login.status).to.equal(200);
        } finally {
          await t.close();
        }
        // A different key could not read what the first one sealed: the module refuses to start.
        t = await startAccountsPanel(database, { storage, config: { SECRET_KEY: 'another-secret-key-that-is-long-enough-0123' } });
        try {
          const status = (await t.panel.request('GET', '/api/admin/plugins')).body.plugins.find((p: { name: string }) => p.name === 'auth');
          expect(status.state).to.equal('failed');
          expect(status.error.message).to.contain('SECRET_KEY is not the key this database was set up with');
          const login = await t
            .browser()
            .post('/api/auth/login', { email: 'restart@example.com', password: 'correct horse battery staple' });
          // A plugin that failed in init never mounted its routes.
          expect(login.status).to.equal(404);
        } finally {
          await t.close();
        }
      } finally {
        await storage.cleanup();
      }
    });
  });
}
