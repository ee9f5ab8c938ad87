import { expect } from 'chai';
import { DATABASES, startPanel, type TestPanel, until } from '@conductor/test';
import { addListNode } from '../../servers/tests/seed-servers.js';

interface Page {
  nodes: Array<{ id: string; name: string; status: string }>;
  total: number;
  nextCursor: string | null;
}

for (const database of DATABASES) {
  describe(`the node list: keyset pages and filters (${database})`, function () {
    this.timeout(120_000);
    let panel: TestPanel;
    const names: string[] = [];

    before(async () => {
      panel = await startPanel({ database, config: { LOG_LEVEL: 'warn' } });
      for (let i = 0; i < 130; i++) {
        const name = `${i % 2 ? 'eu' : 'us'}-node-${String(i).padStart(3, '0')}`;
        names.push(name);
        const id = await addListNode(panel, name);
        if (i % 10 === 0) await panel.kernel.db('nodes').where({ id }).update({ status: 'up' });
      }
      names.sort();
    });
    after(() => panel?.close());

    const list = async (query: string): Promise<Page> => {
      const res = await panel.request('GET', `/api/nodes${query}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body as Page;
    };

    it('answers 100 nodes a page by name, with the total and a cursor to the rest', async () => {
      const first = await list('');
      expect(first.total).to.equal(130);
      expect(first.nodes.map((n) => n.name)).to.deep.equal(names.slice(0, 100));
      expect(first.nextCursor).to.be.a('string');
      const second = await list(`?cursor=${encodeURIComponent(first.nextCursor!)}`);
      expect(second.nodes.map((n) => n.name)).to.deep.equal(names.slice(100));
      expect(second.nextCursor).to.equal(null);
    });

    it('pages through a filtered list with a smaller limit, and counts the filter', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await list(`?q=eu-&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.total).to.equal(65);
        seen.push(...page.nodes.map((n) => n.name));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).to.deep.equal(names.filter((n) => n.startsWith('eu-')));
      // The health loop keeps checking these nodes (no agent answers), so statuses change under
      // the test: the filter must agree with the whole list read at the same moment.
      await until('the status filter agreeing with the whole list', async () => {
        const [up, all] = await Promise.all([list('?status=up&limit=1000'), list('?limit=1000')]);
        const expected = all.nodes.filter((n) => n.status === 'up').map((n) => n.name);
        return up.total === expected.length && JSON.stringify(up.nodes.map((n) => n.name)) === JSON.stringify(expected);
      });
    });

    it('refuses a cursor it did not hand out, an unknown field and a bad limit', async () => {
      const bad = await panel.request('GET', '/api/nodes?cursor=bm90LWEtY3Vyc29y');
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('invalid_cursor');
      const unknown = await panel.request('GET', '/api/nodes?page=2');
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.code).to.equal('validation_failed');
      expect((await panel.request('GET', '/api/nodes?limit=0')).status).to.equal(400);
      expect((await panel.request('GET', '/api/nodes?status=sleeping')).status).to.equal(400);
    });
  });
}
