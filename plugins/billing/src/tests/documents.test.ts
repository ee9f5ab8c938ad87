import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { FakeStripe } from '../../../../test/fixtures/stripe/server.js';
import { startBillingPanel, type BillingPanel } from './fixture.js';
import { pdfText } from './pdf-text.js';

const HOUR = 3_600_000;

for (const database of DATABASES) {
  describe(`billing: statements and receipts (${database})`, function () {
    this.timeout(90_000);
    let t: BillingPanel;
    let stripe: FakeStripe;

    before(async () => {
      stripe = await new FakeStripe().start();
      t = await startBillingPanel(database, {
        vatRateBasisPoints: 1900,
        seller: ['Blockhost GmbH', 'Hauptstr. 1, 10115 Berlin', 'VAT DE123456789'],
        stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, ...stripe.sdkOptions },
      });
      stripe.webhookUrl = `${t.panel.url}/api/billing/stripe/webhook`;
    });
    after(async () => {
      await t?.close();
      await stripe?.stop();
    });

    async function pdf(b: { request: BillingPanel['panel']['request'] } | null, number: string) {
      const res = b
        ? await b.request('GET', `/api/billing/documents/${number}`)
        : await t.panel.request('GET', `/api/billing/documents/${number}`);
      return res;
    }

    it('issues receipts for booked top-ups and monthly statements with gap-free numbers, VAT, and PDFs only their owner and admins can fetch', async () => {
      const year = 2026;
      t.clock.at = new Date(Date.UTC(year, 9, 1));
      const a = await t.createUser(`statement-a-${database}@example.org`);
      const b = await t.createUser(`statement-b-${database}@example.org`);
      const ab = await t.signIn(a.email);
      const bb = await t.signIn(b.email);

      // Three top-ups, one delivered twice: three receipts, numbered 1..3 in booking order.
      const receipts: string[] = [];
      for (const [browser, amount] of [
        [ab, 2000],
        [bb, 1190],
        [ab, 5000],
      ] as const) {
        t.clock.at = new Date(t.clock.at.getTime() + HOUR);
        const session = (await browser.post('/api/billing/topups', { amountCents: amount })).body.sessionId as string;
        stripe.pay(session);
        const delivery = stripe.signed(stripe.event('checkout.session.completed', stripe.sessions.get(session)!));
        await Promise.all([stripe.deliver(delivery), stripe.deliver(delivery)]);
      }
      for (const browser of [ab, bb]) for (const d of (await browser.get('/api/billing/documents')).body.documents) receipts.push(d.number);
      expect(receipts.sort()).to.deep.equal([1, 2, 3].map((n) => `RC-${year}-00000${n}`));

      // October: A's server runs 10 hours on 2 GB at the default 0.02 per GB-hour = 0.40.
      const start = Date.UTC(year, 9, 10);
      await t.append([
        { type: 'server.created', serverId: `doc-${database}`, at: start, data: { ownerId: a.id, templateId: 'vanilla', memoryMb: 2048 } },
        { type: 'server.started', serverId: `doc-${database}`, at: start + 1, data: {} },
        { type: 'server.stopped', serverId: `doc-${database}`, at: start + 1 + 10 * HOUR, data: {} },
      ]);
      await t.metered();
      t.clock.at = new Date(Date.UTC(year, 9, 31, 23, 7));
      expect((await t.panel.request('POST', '/api/billing/admin/pass')).status).to.equal(200);
      t.clock.at = new Date(Date.UTC(year, 10, 1, 3, 30));

      // Two admins (or the job and an admin) issue the month at once: one statement per owner.
      const runs = await Promise.all(
        [0, 1].map(() => t.panel.request('POST', '/api/billing/admin/statements', { body: { month: '2026-10' } })),
      );
      for (const r of runs) expect(r.status, JSON.stringify(r.body)).to.equal(200);
      const statements = runs.flatMap((r) => r.body.issued as string[]).sort();
      expect(statements).to.deep.equal([`ST-${year}-000001`, `ST-${year}-000002`]);
      expect(
        (await t.panel.request('POST', '/api/billing/admin/statements', { body: { month: '2026-10' } })).body.issued,
        'issued once',
      ).to.deep.equal([]);
      const bad = await t.panel.request('POST', '/api/billing/admin/statements', { body: { month: '2026-13' } });
      expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'validation_failed']);

      const mine = (await ab.get('/api/billing/documents')).body.documents as Array<{
        number: string;
        kind: string;
        period: string | null;
        grossCents: number;
      }>;
      const statement = mine.find((d) => d.kind === 'statement')!;
      expect(statement).to.deep.include({ period: '2026-10', grossCents: 40 });
      const file = await fetch(`${t.panel.url}/api/billing/documents/${statement.number}`, {
        headers: { cookie: [...ab.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      expect(file.status).to.equal(200);
      expect(file.headers.get('content-type')).to.equal('application/pdf');
      const bytes = Buffer.from(await file.arrayBuffer());
      expect(bytes.subarray(0, 5).toString()).to.equal('%PDF-');
      const text = pdfText(bytes);
      for (const expected of [
        'Blockhost GmbH',
        'VAT DE123456789',
        a.email,
        'Statement 2026-10',
        `No. ${statement.number}`,
        `doc-${database}: active`,
        '€0.40',
        'Net',
        '€0.34',
        'VAT 19.00 % (included)',
        '€0.06',
        'Opening balance',
        'Top-ups',
        '€70.00',
        'Usage charged',
        '-€0.40',
        'Closing balance',
        '€69.60',
      ]) {
        expect(text, expected).to.contain(expected);
      }
      const again = Buffer.from(
        await (
          await fetch(`${t.panel.url}/api/billing/documents/${statement.number}`, {
            headers: { cookie: [...ab.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
          })
        ).arrayBuffer(),
      );
      expect(again.equals(bytes), 'a download renders the same file').to.equal(true);

      const receipt = mine.find((d) => d.kind === 'receipt' && d.grossCents === 5000)!;
      const receiptText = pdfText(
        Buffer.from(
          await (
            await fetch(`${t.panel.url}/api/billing/documents/${receipt.number}`, {
              headers: { cookie: [...ab.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
            })
          ).arrayBuffer(),
        ),
      );
      for (const expected of ['Receipt', receipt.number, 'Credit top-up', '€50.00', '€42.02', '€7.98'])
        expect(receiptText, expected).to.contain(expected);

      expect((await pdf(bb, statement.number)).status, "another owner's statement").to.equal(404);
      expect((await pdf(bb, 'ST-2026-999999')).status).to.equal(404);
      expect((await pdf(bb, '../etc/passwd')).status).to.equal(404);
      expect((await pdf(null, statement.number)).status, 'an admin').to.equal(200);
      await t.mailbox.waitFor(a.email, /statement for 2026-10/);
    });
  });
}
