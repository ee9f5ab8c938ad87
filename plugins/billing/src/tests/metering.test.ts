import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileErrors, validate } from '@readme/openapi-parser';
import { expect } from 'chai';
import { DATABASES, until } from '@conductor/test';
import { startBillingPanel, type BillingPanel } from './fixture.js';
import { expectedCents, generateHistory, type HistoryEvent, type Prices } from './history.js';

const DAY = 86_400_000;
const PRICES: Prices = { active: { vanilla: 2_000_000, paper: 2_750_001 }, sleep: 10_000_000, archived: 3_333_333 };

function passProcess(t: BillingPanel, cutMs: number, killAfter: number) {
  return spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./pass-process.ts', import.meta.url))], {
    env: {
      ...process.env,
      DATABASE_URL: t.panel.config.DATABASE_URL ?? '',
      DATA_DIR: t.panel.dataDir,
      CUT_MS: String(cutMs),
      KILL_AFTER: String(killAfter),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Runs a pass in its own process and SIGKILLs it once `killAfter` owners are charged. */
async function killPassMidway(t: BillingPanel, cutMs: number, killAfter: number): Promise<void> {
  const child = passProcess(t, cutMs, killAfter);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('charged')) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', (code) =>
      out.includes('charged')
        ? resolve()
        : reject(new Error(`the pass process ended (${code}) before it charged ${killAfter} owners: ${out}`)),
    );
  });
  await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
}

/**
 * PostgreSQL: the test holds an uncommitted ledger row with the reference one owner's charge will
 * use, so a pass in its own process stops inside that owner's transaction after it has cut the
 * owner's open segments, and is SIGKILLed there; the server rolls the transaction back when the
 * connection dies, so nothing of it stays.
 */
async function killPassInsideTransaction(t: BillingPanel, cutMs: number): Promise<void> {
  const db = t.panel.kernel.db;
  const pending = (await db('billing_usage').whereNull('charge_id').distinct('owner_id').orderBy('owner_id')) as Array<{
    owner_id: string;
  }>;
  const victim = pending[1]!.owner_id;
  const segmentsBefore = Number(((await db('billing_usage').where('owner_id', victim).count({ n: '*' }).first()) as { n: string }).n);
  const hold = await db.transaction();
  try {
    await hold('billing_ledger').insert({
      owner_id: victim,
      kind: 'usage',
      amount_cents: 0,
      reference: `usage:${victim}:${cutMs}`,
      created_at: new Date().toISOString(),
    });
    const child = passProcess(t, cutMs, 1_000_000);
    await until('the pass waiting inside the owner’s transaction', async () => {
      const waiting = await db.raw("select count(*)::int as n from pg_locks where not granted and locktype = 'transactionid'");
      return (waiting.rows[0] as { n: number }).n > 0;
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
  } finally {
    await hold.rollback();
  }
  expect(await db('billing_ledger').where('reference', `usage:${victim}:${cutMs}`).first(), 'no charge of the killed transaction').to.equal(
    undefined,
  );
  const segmentsAfter = Number(((await db('billing_usage').where('owner_id', victim).count({ n: '*' }).first()) as { n: string }).n);
  expect(segmentsAfter, 'no segment cut by the killed transaction').to.equal(segmentsBefore);
}

for (const database of DATABASES) {
  describe(`billing: metering and the billing pass (${database})`, function () {
    this.timeout(240_000);
    let t: BillingPanel;
    let owners: string[];

    before(async () => {
      t = await startBillingPanel(database);
      owners = [];
      for (let i = 0; i < 10; i++) owners.push((await t.createUser(`owner${i}-${database}@example.org`)).id);
      for (const body of [
        { templateId: '*', phase: 'active', priceMicroCents: PRICES.active.vanilla },
        { templateId: 'paper', phase: 'active', priceMicroCents: PRICES.active.paper },
        { templateId: '*', phase: 'sleep', priceMicroCents: PRICES.sleep },
        { templateId: '*', phase: 'archived', priceMicroCents: PRICES.archived },
      ]) {
        const res = await t.panel.request('PUT', '/api/billing/prices', { body });
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
      }
    });
    after(async () => {
      await t?.close();
    });

    async function ledgerCents(): Promise<Map<string, bigint>> {
      const res = await t.panel.request('GET', '/api/billing/admin/owners');
      expect(res.status).to.equal(200);
      return new Map(
        (res.body.owners as Array<{ ownerId: string; totals: { usage: number } }>).map((o) => [o.ownerId, BigInt(-o.totals.usage)]),
      );
    }

    async function passAt(ms: number) {
      t.clock.at = new Date(ms);
      const res = await t.panel.request('POST', '/api/billing/admin/pass');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body as { owners: number; chargedCents: number };
    }

    it('bills 60 days of 50 servers to the cent of an independent recomputation, once, across repeated and killed passes', async () => {
      const start = Date.UTC(2026, 8, 1, 0, 0, 0, 0) + 123;
      const end = start + 60 * DAY;
      const history = generateHistory({ servers: 50, days: 60, startMs: start, owners, templates: ['vanilla', 'paper'], seed: 15 });
      expect(history.length, 'a rich history').to.be.greaterThan(1000);
      for (const type of [
        'server.started',
        'server.stopped',
        'server.crashed',
        'server.phase_changed',
        'server.memory_changed',
        'server.deleted',
      ]) {
        expect(
          history.some((e) => e.type === type),
          type,
        ).to.equal(true);
      }

      // The history arrives in three parts with hourly-style passes in between (cuts mid-segment).
      const parts: Array<[number, HistoryEvent[]]> = [20, 40].map((d) => [start + d * DAY + 1234, [] as HistoryEvent[]]);
      let from = 0;
      for (const part of parts) {
        const upTo = history.findIndex((e) => e.at > part[0]);
        part[1] = history.slice(from, upTo);
        from = upTo;
      }
      for (const [cut, events] of parts) {
        await t.append(events);
        await t.metered();
        await passAt(cut);
        const charged = await ledgerCents();
        for (const [owner, cents] of expectedCents(history, PRICES, cut))
          expect(charged.get(owner) ?? 0n, `owner ${owner} by ${new Date(cut).toISOString()}`).to.equal(cents);
      }
      await t.append(history.slice(from));
      await t.metered();

      // A pass killed after two owners' charges committed, then a whole pass at the same time.
      await killPassMidway(t, end, 2);
      if (database === 'postgres') await killPassInsideTransaction(t, end);
      const partial = await ledgerCents();
      const expected = expectedCents(history, PRICES, end);
      expect(
        [...expected].some(([owner, cents]) => partial.get(owner) !== cents),
        'the killed pass left owners to do',
      ).to.equal(true);
      await passAt(end);
      const final = await ledgerCents();
      expect(final.size, 'every owner with usage has an account').to.equal(expected.size);
      for (const [owner, cents] of expected) expect(final.get(owner), `owner ${owner}`).to.equal(cents);
      expect(Number([...expected.values()].reduce((a, b) => a + b, 0n)), 'a history worth billing').to.be.greaterThan(10_000);

      // Again at the same time, and again an hour later with nothing running: nothing more.
      const again = await passAt(end);
      expect(again.chargedCents).to.equal(0);
      const snapshot = await ledgerCents();
      for (const [owner, cents] of expected) expect(snapshot.get(owner), `owner ${owner} after a second pass`).to.equal(cents);

      // The cost reports of the two months add up, per phase, to the recomputation (rounded down per month).
      t.clock.at = new Date(end);
      for (const phase of ['active', 'sleep', 'archived']) {
        const expectedPhase = expectedCents(history, PRICES, end, { phase, allOwners: true }).get('*') ?? 0n;
        let reported = 0;
        for (const month of ['2026-09', '2026-10']) {
          const res = await t.panel.request('GET', `/api/billing/admin/usage?month=${month}`);
          expect(res.status, JSON.stringify(res.body)).to.equal(200);
          reported += (res.body.byPhase as Array<{ phase: string; costCents: number }>).find((p) => p.phase === phase)!.costCents;
        }
        expect(Number(expectedPhase) - reported, `${phase}: ${reported} reported, ${expectedPhase} recomputed`).to.be.within(0, 2);
        expect(reported, phase).to.be.greaterThan(0);
      }

      // Each owner's balance is the sum of their entries, and the owner sees the same.
      const someone = [...expected.keys()][0]!;
      const user = (await t.panel.kernel.containerOf('auth').cradle.usersRepository.byId(someone))!;
      const mine = await (await t.signIn(user.email)).get('/api/billing/ledger?limit=500');
      expect(mine.status).to.equal(200);
      expect(mine.body.balanceCents).to.equal(-Number(expected.get(someone)));
      expect((mine.body.entries as Array<{ amountCents: number }>).reduce((a, e) => a + e.amountCents, 0)).to.equal(mine.body.balanceCents);
      const ownUsage = (await (await t.signIn(user.email)).get('/api/billing/usage?month=2026-10')).body as {
        byServer: Array<{ ownerId: string }>;
      };
      expect(ownUsage.byServer.length, 'the owner sees their servers').to.be.greaterThan(0);
      expect(
        ownUsage.byServer.every((s) => s.ownerId === someone),
        'and nobody else’s',
      ).to.equal(true);
    });

    it('books admin adjustments with a reason into the ledger, refuses bad ones whole, and derives the balance', async () => {
      const user = await t.createUser(`adjusted-${database}@example.org`);
      const url = `/api/billing/admin/owners/${user.id}/adjustments`;
      for (const [body, status, code] of [
        [{ kind: 'promo', amountCents: 500 }, 400, 'validation_failed'],
        [{ kind: 'promo', amountCents: 500, reason: ' ' }, 400, 'validation_failed'],
        [{ kind: 'promo', amountCents: 0, reason: 'nothing' }, 400, 'validation_failed'],
        [{ kind: 'promo', amountCents: 5.5, reason: 'half a cent' }, 400, 'validation_failed'],
        [{ kind: 'topup', amountCents: 500, reason: 'not by hand' }, 400, 'validation_failed'],
        [{ kind: 'usage', amountCents: -500, reason: 'not by hand' }, 400, 'validation_failed'],
        [{ kind: 'promo', amountCents: 500, reason: 'welcome', balance: 9 }, 400, 'validation_failed'],
      ] as const) {
        const res = await t.panel.request('POST', url, { body });
        expect(res.status, JSON.stringify(body)).to.equal(status);
        expect(res.body.error.code, JSON.stringify(body)).to.equal(code);
      }
      const nobody = await t.panel.request('POST', '/api/billing/admin/owners/no-such-user/adjustments', {
        body: { kind: 'promo', amountCents: 500, reason: 'welcome' },
      });
      expect([nobody.status, nobody.body.error.code]).to.deep.equal([404, 'owner_not_found']);
      const ub = await t.signIn(user.email);
      expect(
        (await ub.post(url, { kind: 'promo', amountCents: 500, reason: 'to myself' })).status,
        'owners cannot credit themselves',
      ).to.equal(403);
      expect((await ub.get('/api/billing/ledger')).body, 'nothing booked by refused requests').to.deep.include({
        balanceCents: 0,
        entries: [],
      });

      const steps = [
        { kind: 'promo', amountCents: 1000, reason: 'welcome credit' },
        { kind: 'refund', amountCents: 250, reason: 'outage on 3 Oct' },
        { kind: 'adjustment', amountCents: -300, reason: 'double promo by mistake' },
      ];
      let expected = 0;
      for (const body of steps) {
        const res = await t.panel.request('POST', url, { body });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        expected += body.amountCents;
        expect(res.body.balanceCents).to.equal(expected);
        expect(res.body.entry).to.deep.include({ ...body, ownerId: user.id, actorId: 'operator' });
      }
      const mine = (await ub.get('/api/billing/ledger')).body;
      expect(mine.balanceCents).to.equal(950);
      expect(mine.entries.map((e: { kind: string; reason: string }) => [e.kind, e.reason])).to.deep.equal(
        steps.reverse().map((s) => [s.kind, s.reason]),
      );
    });

    it('describes every billing route in the OpenAPI document, and answers 503 stripe_not_configured without Stripe', async () => {
      const doc = (await t.panel.request('GET', '/api/openapi.json')).body;
      const result = await validate(structuredClone(doc));
      expect(result.valid, compileErrors(result)).to.equal(true);
      const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/billing/'));
      for (const p of [
        '/api/billing/prices',
        '/api/billing/admin/pass',
        '/api/billing/ledger',
        '/api/billing/account',
        '/api/billing/topups',
        '/api/billing/auto-topup',
        '/api/billing/stripe/webhook',
        '/api/billing/usage',
        '/api/billing/admin/usage',
        '/api/billing/documents',
        '/api/billing/documents/{number}',
        '/api/billing/admin/statements',
        '/api/billing/admin/owners/{ownerId}/adjustments',
      ])
        expect(paths, p).to.include(p);

      const user = await t.createUser(`no-stripe-${database}@example.org`);
      const topup = await (await t.signIn(user.email)).post('/api/billing/topups', { amountCents: 1000 });
      expect([topup.status, topup.body.error.code]).to.deep.equal([503, 'stripe_not_configured']);
      const hook = await t.panel.request('POST', '/api/billing/stripe/webhook', {
        rawBody: '{}',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
        auth: false,
      });
      expect([hook.status, hook.body.error.code]).to.deep.equal([503, 'stripe_not_configured']);
    });

    it('refuses bad prices with a stable code and changes nothing', async () => {
      const before = (await t.panel.request('GET', '/api/billing/prices')).body.prices;
      for (const body of [
        { templateId: '*', phase: 'awake', priceMicroCents: 1 },
        { templateId: '*', phase: 'active', priceMicroCents: 1.5 },
        { templateId: '*', phase: 'active', priceMicroCents: -1 },
        { templateId: 'Bad Id', phase: 'active', priceMicroCents: 1 },
        { templateId: '*', phase: 'active', priceMicroCents: 1, currency: 'USD' },
      ]) {
        const res = await t.panel.request('PUT', '/api/billing/prices', { body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal('validation_failed');
      }
      expect((await t.panel.request('GET', '/api/billing/prices')).body.prices).to.deep.equal(before);
      const user = await t.createUser(`pricer-${database}@example.org`);
      expect(
        (
          await (
            await t.signIn(user.email)
          ).request('PUT', '/api/billing/prices', { body: { templateId: '*', phase: 'active', priceMicroCents: 0 } })
        ).status,
      ).to.equal(403);
    });
  });
}
