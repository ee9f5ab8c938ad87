/**
 * A billing pass in a process of its own, for the test that kills it in the middle. After
 * `KILL_AFTER` owners are charged it says so on stdout and waits to be killed.
 */
import { createDatabase } from '@conductor/core';
import { pino } from 'pino';
import { AccountRepository } from '../accounts-repo.js';
import { BillingPass } from '../billing-pass.js';
import { billingConfigSchema } from '../config.js';
import { LedgerRepository } from '../ledger-repo.js';
import { Meter } from '../meter.js';
import { MeterRepository } from '../meter-repo.js';
import { PriceRepository } from '../prices-repo.js';

const db = createDatabase({ DATABASE_URL: process.env.DATABASE_URL || undefined, DATA_DIR: process.env.DATA_DIR! });
const logger = pino({ level: 'warn' });
const billingConfig = billingConfigSchema.parse({});
const meterRepository = new MeterRepository({ db });
const priceRepository = new PriceRepository({ db, billingConfig });
// The pass only cuts segments of servers the meter knows, so neither the servers service nor the payers are asked.
const meter = new Meter({ logger, meterRepository, priceRepository, serverService: undefined as never, billingPayers: undefined as never });
let charged = 0;
const pass = new BillingPass({
  db,
  logger,
  billingClock: { now: () => new Date(Number(process.env.CUT_MS)) },
  meter,
  meterRepository,
  accountRepository: new AccountRepository({ db }),
  ledgerRepository: new LedgerRepository({ db }),
  creditWatch: {
    async afterCharge() {
      if (++charged < Number(process.env.KILL_AFTER)) return;
      process.stdout.write('charged\n');
      await new Promise(() => undefined);
    },
  },
});
await pass.run();
process.stdout.write('finished\n');
await db.destroy();
