import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import type { Browser } from '../../accounts/tests/browser.js';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { rowsAfter } from '../../../kernel/keyset-cursor.js';
import { addListNode, seedServers, type SeededServer } from './seed-servers.js';

interface Page {
  servers: Array<{ id: string; name: string; ownerId: string; nodeId: string; createdAt: string }>;
  total: number;
  nextCursor: string | null;
}

for (const database of DATABASES) {
  describe(`the server list: keyset pages, filters, sort (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;
    let alice: { id: string };
    let bob: { id: string };
    let bobBrowser: Browser;
    let nodeA: string;
    let nodeB: string;
    const seeded: SeededServer[] = [];

    before(async () => {
      t = await startAccountsPanel(database);
      alice = await t.createUser('alice@example.org');
      bob = await t.createUser('bob@example.org');
      bobBrowser = await t.signIn('bob@example.org');
      nodeA = await addListNode(t.panel, 'list-a');
      nodeB = await addListNode(t.panel, 'list-b');
      for (let i = 0; i < 120; i++)
        seeded.push({
          id: `sa${String(i).padStart(4, '0')}`,
          // Duplicate names on purpose: the id breaks the tie, so no row falls between two pages.
          name: `Alpha ${String(i % 40).padStart(3, '0')}`,
          ownerId: alice.id,
          nodeId: i % 2 ? nodeA : nodeB,
          state: i % 3 ? 'running' : 'offline',
          phase: i % 10 === 0 ? 'sleep' : 'active',
          templateId: i % 4 ? 'paper' : 'vanilla',
        });
      for (let i = 0; i < 30; i++)
        seeded.push({ id: `sb${String(i).padStart(4, '0')}`, name: `Bravo ${i}`, ownerId: bob.id, nodeId: nodeB });
      await seedServers(t.panel, seeded);
    });
    after(() => t?.close());

    const asAdmin = async (query: string): Promise<Page> => {
      const res = await t.panel.request('GET', `/api/servers?${query}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body as Page;
    };
    const asBob = async (query: string): Promise<Page> => {
      const res = await bobBrowser.get(`/api/servers?${query}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body as Page;
    };
    /** Every page of a list, running `between` after each page (to write rows while a reader pages). */
    const allPages = async (read: (q: string) => Promise<Page>, query: string, between?: (n: number) => Promise<void>) => {
      const pages: Page[] = [];
      const params = new URLSearchParams(query);
      let cursor: string | null = params.get('cursor');
      do {
        if (cursor) params.set('cursor', cursor);
        const page: Page = await read(params.toString());
        pages.push(page);
        cursor = page.nextCursor;
        await between?.(pages.length);
      } while (cursor && pages.length < 100);
      return pages;
    };

    for (const sort of ['name', '-name', 'createdAt', '-createdAt'] as const) {
      it(`pages through every server exactly once, in order, while servers are added between pages (sort=${sort})`, async () => {
        const before = new Set((await asAdmin('limit=1000')).servers.map((s) => s.id));
        const added: string[] = [];
        const pages = await allPages(asAdmin, `limit=17&sort=${sort}`, async (n) => {
          // One row sorting before everything read so far and one after: neither may shift a page.
          const stamp = `${sort.replace('-', 'd')}${n}`;
          const rows: SeededServer[] = [
            { id: `x${stamp}a`, name: `Aaa ${stamp}`, ownerId: alice.id, nodeId: nodeA, createdAtMs: -n * 1000 },
            { id: `x${stamp}z`, name: `Zzz ${stamp}`, ownerId: alice.id, nodeId: nodeA, createdAtMs: 10_000_000 + n * 1000 },
          ];
          await seedServers(t.panel, rows);
          added.push(...rows.map((r) => r.id));
        });
        const ids = pages.flatMap((p) => p.servers.map((s) => s.id));
        expect(new Set(ids).size, 'no row twice').to.equal(ids.length);
        for (const id of before) expect(ids, `${id} was not skipped`).to.include(id);
        expect(pages.at(-1)!.nextCursor).to.equal(null);
        const key = (s: Page['servers'][number]) => (sort.endsWith('name') ? s.name : s.createdAt);
        const listed = pages.flatMap((p) => p.servers);
        for (let i = 1; i < listed.length; i++) {
          const [a, b] = [listed[i - 1]!, listed[i]!];
          const inOrder = sort.startsWith('-') ? key(a) >= key(b) : key(a) <= key(b);
          expect(inOrder, `${key(a)} then ${key(b)}`).to.equal(true);
        }
        // The rows added meanwhile were written, so the next reader sees them.
        expect((await asAdmin('limit=1000')).total).to.equal(before.size + added.length);
        await t.panel.kernel.db('servers').whereIn('id', added).delete();
      });
    }

    it('filters by node, owner, state, phase, template and name; total counts the filtered list, not the page', async () => {
      const count = (f: (s: SeededServer) => boolean) => seeded.filter(f).length;
      const cases: Array<[string, (s: SeededServer) => boolean]> = [
        [`nodeId=${nodeA}`, (s) => s.nodeId === nodeA],
        [`ownerId=${bob.id}`, (s) => s.ownerId === bob.id],
        ['state=running', (s) => s.state === 'running'],
        ['phase=sleep', (s) => s.phase === 'sleep'],
        ['templateId=vanilla', (s) => s.templateId === 'vanilla'],
        ['q=Alpha%2001', (s) => s.name.includes('Alpha 01')],
        [
          `state=running&nodeId=${nodeA}&templateId=paper`,
          (s) => s.state === 'running' && s.nodeId === nodeA && (s.templateId ?? 'paper') === 'paper',
        ],
      ];
      for (const [query, match] of cases) {
        const pages = await allPages(asAdmin, `limit=10&${query}`);
        const ids = pages.flatMap((p) => p.servers.map((s) => s.id));
        expect(pages[0]!.total, query).to.equal(count(match));
        expect(ids.sort(), query).to.deep.equal(
          seeded
            .filter(match)
            .map((s) => s.id)
            .sort(),
        );
        expect(pages[0]!.servers.length, query).to.be.at.most(10);
      }
    });

    it('refuses a cursor it did not hand out, a cursor of another sort, and unknown query fields, with stable codes', async () => {
      const first = await asAdmin('limit=5&sort=name');
      for (const cursor of ['nonsense', Buffer.from('{"s":"name"}').toString('base64url'), 'e30']) {
        const res = await t.panel.request('GET', `/api/servers?cursor=${cursor}`);
        expect(res.status, cursor).to.equal(400);
        expect(res.body.error.code, cursor).to.equal('invalid_cursor');
      }
      const otherSort = await t.panel.request('GET', `/api/servers?sort=-createdAt&cursor=${first.nextCursor}`);
      expect(otherSort.status).to.equal(400);
      expect(otherSort.body.error.code).to.equal('invalid_cursor');
      for (const query of ['offset=10', 'owner=x', 'sort=size', 'limit=0', 'limit=1001', 'state=sleeping']) {
        const res = await t.panel.request('GET', `/api/servers?${query}`);
        expect(res.status, query).to.equal(400);
        expect(res.body.error.code, query).to.equal('validation_failed');
      }
    });

    it('documents the query in the OpenAPI document, from the same schema', async () => {
      const doc = (await t.panel.request('GET', '/api/openapi.json')).body;
      const names = (doc.paths['/api/servers'].get.parameters as Array<{ name: string; in: string }>).map((p) => p.name).sort();
      expect(names).to.deep.equal(['cursor', 'limit', 'nodeId', 'ownerId', 'phase', 'q', 'sort', 'state', 'teamId', 'templateId']);
      expect(doc.paths['/api/servers'].get.responses['200'].content['application/json'].schema.properties).to.have.property('nextCursor');
    });

    it("never shows a user another owner's servers, through any filter, sort or cursor", async () => {
      const bobs = seeded
        .filter((s) => s.ownerId === bob.id)
        .map((s) => s.id)
        .sort();
      const aliceServer = seeded.find((s) => s.ownerId === alice.id)!;
      const adminPage = await asAdmin('limit=3');
      for (const query of [
        'limit=7',
        'limit=7&sort=-createdAt',
        `ownerId=${alice.id}`,
        `nodeId=${nodeA}`,
        `nodeId=${nodeB}`,
        'q=Alpha',
        'state=running',
        'phase=sleep',
        'templateId=vanilla',
        `limit=7&cursor=${adminPage.nextCursor}`,
        `limit=7&cursor=${Buffer.from(JSON.stringify({ s: 'name', v: aliceServer.name, i: aliceServer.id })).toString('base64url')}`,
      ]) {
        const ids = (await allPages(asBob, query)).flatMap((p) => p.servers.map((s) => s.id));
        for (const id of ids) expect(bobs, `${query} showed ${id}`).to.include(id);
      }
      const mine = await allPages(asBob, 'limit=7');
      expect(mine.flatMap((p) => p.servers.map((s) => s.id)).sort()).to.deep.equal(bobs);
      expect(mine[0]!.total).to.equal(bobs.length);
      expect((await asBob(`ownerId=${alice.id}`)).total).to.equal(0);
    });

    it('seeks the (name, id) index to a cursor instead of reading the index from its start', async () => {
      const page = t.panel.kernel.db('servers');
      rowsAfter(page, 'name', 'asc', { sort: 'name', value: 'Alpha 020', id: 'sa0020' });
      const { sql, bindings } = page.orderBy(['name', 'id']).limit(51).toSQL();
      const plan =
        database === 'sqlite'
          ? ((await t.panel.kernel.db.raw(`explain query plan ${sql}`, bindings)) as Array<{ detail: string }>)
              .map((r) => r.detail)
              .join('\n')
          : // PostgreSQL sorts a table this small whatever its indexes: told not to scan, it shows how it uses the index.
            await t.panel.kernel.db.transaction(async (trx) => {
              await trx.raw('set local enable_seqscan = off');
              const explained = (await trx.raw(`explain ${sql}`, bindings)) as { rows: Array<{ 'QUERY PLAN': string }> };
              return explained.rows.map((r) => r['QUERY PLAN']).join('\n');
            });
      // SQLite names the seek's key; PostgreSQL puts it in the index condition (before: a filter on every row read).
      if (database === 'sqlite') expect(plan).to.include('(name,id)>(?,?)');
      else expect(plan).to.match(/Index Cond: \(ROW\(/);
    });
  });
}
