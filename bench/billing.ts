import { performance } from 'node:perf_hooks';
import { startPanel } from '@conductor/test';
import billingPlugin from '../plugins/billing/src/index.js';
// The seeded generator of the billing tests' histories, so runs compare.
import { random } from '../plugins/billing/src/tests/history.js';

/**
 * Issue 15's benchmark: billing a month of events for many servers, against a plain SQL
 * aggregation over the same events in the same run and database.
 * - metering: the billing plugin's event-log subscriber turning the month's events into usage
 *   segments (one transaction per event, as the dispatcher delivers them);
 * - pass: one billing pass at the month's end over every server (cut, charge, carry);
 * - SQL: one query summing each server's running time (started → next event) from the events.
 * The SQL baseline does much less (no phases, prices, exactly-once bookkeeping or ledger): it is
 * the floor a hand-written report would cost. Peak memory is the highest RSS above the level
 * before each step, sampled every 10 ms.
 */
const SERVERS = Number(process.env.BENCH_BILLING_SERVERS ?? 10_000);
const OWNERS = Math.max(1, Math.floor(SERVERS / 5));
const HOUR = 3_600_000;
const MONTH_START = Date.UTC(2026, 9, 1);
const MONTH_END = Date.UTC(2026, 10, 1);

/** A month per server: created, then play sessions (about six), some followed by a sleep and a wake. */
function monthOfEvents(): Array<{ type: string; server_id: string; data: string; at: number }> {
  const rnd = random(15);
  const out: Array<{ type: string; server_id: string; data: string; at: number }> = [];
  for (let i = 0; i < SERVERS; i++) {
    const server = `bench-${i}`;
    let at = MONTH_START + Math.floor(rnd() * 24 * HOUR);
    out.push({
      type: 'server.created',
      server_id: server,
      at,
      data: JSON.stringify({
        ownerId: `owner-${i % OWNERS}`,
        templateId: i % 3 ? 'vanilla' : 'paper',
        memoryMb: [1024, 2048, 4096][i % 3],
      }),
    });
    for (;;) {
      at += Math.floor(rnd() * 240 * HOUR) + 1;
      if (at >= MONTH_END - 2 * HOUR) break;
      out.push({ type: 'server.started', server_id: server, at, data: '{}' });
      at += Math.floor(rnd() * 12 * HOUR) + 1;
      out.push({ type: rnd() < 0.1 ? 'server.crashed' : 'server.stopped', server_id: server, at, data: '{}' });
      if (rnd() < 0.3) {
        out.push({
          type: 'server.phase_changed',
          server_id: server,
          at: at + 1,
          data: JSON.stringify({ from: 'active', to: 'sleep', reason: 'empty' }),
        });
        at += Math.floor(rnd() * 48 * HOUR) + 2;
        out.push({
          type: 'server.phase_changed',
          server_id: server,
          at,
          data: JSON.stringify({ from: 'sleep', to: 'active', reason: 'player_joined' }),
        });
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

async function measure<T>(fn: () => Promise<T>): Promise<{ ms: number; peakMb: number; result: T }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, peakMb: (peak - base) / 1_048_576, result };
}

const panel = await startPanel({
  database: process.env.DATABASE_URL ? 'postgres' : 'sqlite',
  plugins: [billingPlugin],
  config: { plugins: { billing: {} } },
});
try {
  const { db, events, eventDispatcher, scheduler } = panel.kernel.container.cradle;
  const { billingPass } = panel.kernel.containerOf('billing').cradle;
  // The hourly job would bill the month at the wall clock's time, in the middle of the measurement.
  await scheduler.stop();
  const rows = monthOfEvents();
  // Setup, not measured: the month's events written straight into the log.
  const startId = await events.lastId();
  for (let i = 0; i < rows.length; i += 500) {
    await db('events').insert(
      rows.slice(i, i + 500).map((r) => ({
        type: r.type,
        server_id: r.server_id,
        data: r.data,
        occurred_at: new Date(r.at).toISOString(),
        recorded_at: new Date(r.at).toISOString(),
      })),
    );
  }
  const lastId = await events.lastId();
  console.log(`${SERVERS} servers, ${OWNERS} owners, ${rows.length} events in a month (${database()})`);

  const metering = await measure(async () => {
    for (;;) {
      const meter = (await eventDispatcher.status()).find((s) => s.name === 'billing.meter')!;
      if (meter.offset >= lastId) return;
      await eventDispatcher.drain();
    }
  });
  const segments = Number(((await db('billing_usage').count({ n: '*' }).first()) as { n: number | string }).n);
  const pass = await measure(() => billingPass.run(new Date(MONTH_END)));
  const sql = await measure(async () => {
    const ms = process.env.DATABASE_URL ? `extract(epoch from occurred_at) * 1000` : `(julianday(occurred_at) - 2440587.5) * 86400000`;
    return db.raw(
      `select server_id, sum(next_ms - at_ms) as running_ms from (
         select server_id, type, ${ms} as at_ms, lead(${ms}) over (partition by server_id order by id) as next_ms
         from events where id > ? and id <= ?
       ) e where type = 'server.started' and next_ms is not null group by server_id`,
      [startId, lastId],
    );
  });

  const line = (name: string, m: { ms: number; peakMb: number }) =>
    console.log(`${name.padEnd(26)} ${(m.ms / 1000).toFixed(2).padStart(8)} s   peak +${m.peakMb.toFixed(0)} MB`);
  line('metering (subscriber)', metering);
  line(`billing pass (${pass.result.owners} owners)`, pass);
  line('plain SQL aggregation', sql);
  console.log(
    `${segments} usage segments; ${(rows.length / (metering.ms / 1000)).toFixed(0)} events/s metered; ${pass.result.chargedCents} cents charged`,
  );
  console.log(
    `ratio pass / SQL: ${(pass.ms / sql.ms).toFixed(1)}×   metering + pass / SQL: ${((metering.ms + pass.ms) / sql.ms).toFixed(1)}×`,
  );
} finally {
  await panel.close();
}

function database(): string {
  return process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
}
