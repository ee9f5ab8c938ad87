import { randomUUID } from 'node:crypto';
import type { Database } from '@conductor/core';

/** How long a claim holds without being released: a panel that died mid-pass frees it after this. */
const CLAIM_MS = 5 * 60_000;
const RETRY_MS = 250;

/**
 * Keeps scaling passes of all panels sharing the database one after the other: the leader's job
 * and an admin's "run now" on another panel would otherwise both see the same demand and order
 * two nodes for it. A pass claims the one row (guarded on it being free or expired, so of several
 * panels exactly one gets it) and frees it when done.
 */
export class PassClaim {
  private readonly runner = randomUUID();

  constructor(private readonly deps: { db: Database }) {}

  /** Runs `pass` once no other panel runs one, waiting for the one in progress. */
  async exclusive(pass: () => Promise<void>): Promise<void> {
    while (!(await this.claim())) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    try {
      await pass();
    } finally {
      await this.deps.db('scaling_pass_claim').where({ id: 1, runner: this.runner }).update({ runner: null, claimed_until: null });
    }
  }

  private async claim(): Promise<boolean> {
    const now = new Date();
    const taken = await this.deps
      .db('scaling_pass_claim')
      .where({ id: 1 })
      .andWhere((q) => {
        void q.whereNull('claimed_until').orWhere('claimed_until', '<', now.toISOString());
      })
      .update({ runner: this.runner, claimed_until: new Date(now.getTime() + CLAIM_MS).toISOString() });
    return taken > 0;
  }
}
