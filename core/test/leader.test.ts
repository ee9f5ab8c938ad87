import { expect } from 'chai';
import pg from 'pg';
import pino from 'pino';
import { createTestDatabase } from '@conductor/test';
import { PostgresLeader } from '../src/kernel/leader.js';

describe('PostgreSQL leader election', () => {
  it('runs one query at a time on its connection when many jobs confirm leadership in the same moment and the poll runs too', async function () {
    this.timeout(30_000);
    const database = await createTestDatabase();
    // Counts queries asked of a client while an earlier one has not answered yet (pg deprecates that).
    const inFlight = new Map<pg.Client, number>();
    let overlapping = 0;
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const n = (inFlight.get(this) ?? 0) + 1;
      inFlight.set(this, n);
      if (n > 1) overlapping++;
      const settle = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
      const result = (original as (...a: unknown[]) => unknown).apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(settle, settle);
      else settle();
      return result;
    } as typeof original;
    const leader = new PostgresLeader(database.url, pino({ level: 'silent' }), 5);
    try {
      await leader.start();
      expect(leader.isLeader).to.equal(true);
      for (let round = 0; round < 20; round++) {
        const answers = await Promise.all(Array.from({ length: 8 }, () => leader.confirm()));
        expect(answers, 'every job is told it leads').to.deep.equal(Array(8).fill(true));
        await new Promise((r) => setTimeout(r, 3));
      }
      expect(overlapping, 'queries piled onto the busy connection').to.equal(0);
    } finally {
      pg.Client.prototype.query = original;
      await leader.stop();
      await database.drop();
    }
  });
});
