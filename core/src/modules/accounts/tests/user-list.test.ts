import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from './fixtures.js';

interface UserPage {
  users: Array<{ id: string; email: string }>;
  nextCursor: string | null;
}

for (const database of DATABASES) {
  describe(`the admin's list of accounts: keyset pages (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;

    before(async () => {
      t = await startAccountsPanel(database);
      for (let i = 0; i < 10; i++) await t.createUser(`first-${i}@example.org`);
    });
    after(() => t?.close());

    const page = async (query: string): Promise<UserPage> => {
      const res = await t.panel.request('GET', `/api/admin/users?${query}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body as UserPage;
    };

    it('pages through every account exactly once while accounts are made between pages', async () => {
      const before = (await page('limit=500')).users.map((u) => u.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let n = 0;
      do {
        const p: UserPage = await page(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...p.users.map((u) => u.id));
        cursor = p.nextCursor;
        await t.createUser(`between-${n++}@example.org`);
      } while (cursor && n < 50);
      expect(new Set(seen).size, 'no account twice').to.equal(seen.length);
      for (const id of before) expect(seen, `${id} was not skipped`).to.include(id);
    });

    const everyPage = async (sort: string): Promise<string[]> => {
      const emails: string[] = [];
      let cursor: string | null = null;
      let n = 0;
      do {
        const p: UserPage = await page(`limit=4&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        emails.push(...p.users.map((u) => u.email));
        cursor = p.nextCursor;
      } while (cursor && ++n < 50);
      return emails;
    };

    it('sorts by email (ignoring case) and by created, both ways, with cursors that stay within their sort', async () => {
      await t.createUser('Zed-Upper@example.org');
      await t.createUser('alpha@example.org');
      const oldestFirst = (await page('limit=500')).users.map((u) => u.email);
      const byEmail = [...oldestFirst].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      expect(byEmail[0]).to.equal('alpha@example.org');
      expect(await everyPage('email')).to.deep.equal(byEmail);
      expect(await everyPage('-email')).to.deep.equal([...byEmail].reverse());
      expect(await everyPage('createdAt')).to.deep.equal(oldestFirst);
      expect(await everyPage('-createdAt')).to.deep.equal([...oldestFirst].reverse());

      const emailCursor = (await page('limit=2&sort=email')).nextCursor;
      const crossed = await t.panel.request('GET', `/api/admin/users?sort=-email&cursor=${emailCursor}`);
      expect(crossed.status).to.equal(400);
      expect(crossed.body.error.code).to.equal('invalid_cursor');
    });

    it('refuses a cursor it did not hand out and unknown query fields, with stable codes', async () => {
      for (const cursor of ['nonsense', 'e30', Buffer.from(JSON.stringify({ s: 'name', v: 'a', i: 'b' })).toString('base64url')]) {
        const res = await t.panel.request('GET', `/api/admin/users?cursor=${cursor}`);
        expect(res.status, cursor).to.equal(400);
        expect(res.body.error.code, cursor).to.equal('invalid_cursor');
      }
      for (const query of ['offset=3', 'sort=lastSeen', 'sort=', 'limit=0']) {
        const res = await t.panel.request('GET', `/api/admin/users?${query}`);
        expect(res.status, query).to.equal(400);
        expect(res.body.error.code, query).to.equal('validation_failed');
      }
    });
  });
}
