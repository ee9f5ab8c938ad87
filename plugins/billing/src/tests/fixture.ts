import { asValue } from 'awilix';
import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import type { DatabaseKind } from '@conductor/test';
import billingPlugin from '../index.js';
import type { HistoryEvent } from './history.js';

/** A clock the test sets: billing a history that happened in the past. */
export class SetClock {
  constructor(public at = new Date()) {}
  now(): Date {
    return new Date(this.at);
  }
}

export interface BillingPanel extends AccountsPanel {
  clock: SetClock;
  /** Appends events to the event log (input), as the servers module and agents would. */
  append(events: HistoryEvent[]): Promise<void>;
  /** Waits until the billing meter has taken every event in the log. */
  metered(): Promise<void>;
}

export async function startBillingPanel(database: DatabaseKind, billing: Record<string, unknown> = {}): Promise<BillingPanel> {
  const t = await startAccountsPanel(database, { plugins: [billingPlugin], config: { plugins: { auth: { scryptCost: 1024 }, billing } } });
  const clock = new SetClock();
  const { container } = t.panel.kernel;
  // The billing plugin's own container: its services resolve their clock there.
  t.panel.kernel.containerOf('billing').register({ billingClock: asValue(clock) });
  return {
    ...t,
    clock,
    async append(events) {
      const { db, events: log } = container.cradle;
      for (let i = 0; i < events.length; i += 500) {
        await db.transaction(async (trx) => {
          for (const e of events.slice(i, i + 500))
            await log.append(trx, { type: e.type, serverId: e.serverId, data: e.data, occurredAt: new Date(e.at) });
        });
      }
    },
    async metered() {
      const { events, eventDispatcher } = container.cradle;
      for (;;) {
        const last = await events.lastId();
        const meter = (await eventDispatcher.status()).find((s) => s.name === 'billing.meter');
        if (meter && meter.offset >= last) return;
        if (meter?.lastError) throw new Error(`billing meter failed: ${meter.lastError}`);
        await eventDispatcher.drain();
      }
    },
  };
}
