import type { Logger } from 'pino';
import type { Database } from '../../../kernel/database.js';
import type { HookBus } from '../../../kernel/hooks.js';
import { parseJsonColumn, toIso } from '../../../kernel/database.js';
import { notFound } from '../../../kernel/errors.js';
import type { GcItem, GcReport } from './gc-schema.js';

const key = (item: Pick<GcItem, 'kind' | 'nodeId' | 'id'>) => `${item.kind}:${item.nodeId}:${item.id}`;

/**
 * Finds what Conductor made that nothing owns any more, through the `gc.orphans` hook (the
 * servers module's own kinds in NodeOrphans, plugins' beside them). The report is stored (the latest one); reaping takes an admin's
 * confirmation, or `plugins.servers.gcAutoReap`, and removes only what the stored report lists
 * and a fresh look still finds orphaned. Nothing an agent did not make is ever listed.
 */
export class GarbageCollector {
  private readonly deps: { db: Database; hooks: HookBus; logger: Logger };

  constructor(deps: GarbageCollector['deps']) {
    this.deps = deps;
  }

  async latest(): Promise<GcReport> {
    const row = (await this.deps.db('gc_reports').orderBy('id', 'desc').first()) as
      { generated_at: unknown; reaped_at: unknown; items: unknown } | undefined;
    if (!row) throw notFound('Garbage collection has not run yet', 'no_report');
    return {
      generatedAt: toIso(row.generated_at),
      reapedAt: row.reaped_at ? toIso(row.reaped_at) : null,
      items: parseJsonColumn(row.items),
    };
  }

  /** Looks now and stores the report in place of the last one. */
  async scan(): Promise<GcReport> {
    const report: GcReport = { generatedAt: new Date().toISOString(), reapedAt: null, items: await this.find() };
    await this.store(report);
    return report;
  }

  /**
   * The nightly job: a new report, and with `autoReap` its orphans that the previous report
   * listed too are removed (the grace period: an orphan is reaped no sooner than a night after it
   * was first seen).
   */
  async nightly(autoReap: boolean): Promise<GcReport> {
    const previous = await this.latest().catch(() => null);
    const report = await this.scan();
    if (!autoReap || !previous) return report;
    return this.reap(new Set(previous.items.map(key)));
  }

  /** Removes the stored report's orphans that are orphans still (and, when given, were seen before). */
  async reap(seenBefore?: Set<string>): Promise<GcReport> {
    const report = await this.latest();
    const still = new Set((await this.find()).map(key));
    for (const item of report.items) {
      if (item.reaped || !still.has(key(item)) || (seenBefore && !seenBefore.has(key(item)))) continue;
      try {
        await this.remove(item);
        item.reaped = true;
      } catch (err) {
        this.deps.logger.warn({ err, item }, 'could not reap an orphan; the next run tries again');
      }
    }
    report.reapedAt = new Date().toISOString();
    await this.store(report);
    return report;
  }

  /** Every tap of gc.orphans appends its kind: the servers module's own (NodeOrphans) first. */
  private find(): Promise<GcItem[]> {
    return this.deps.hooks.call('gc.orphans', []);
  }

  private async remove(item: GcItem): Promise<void> {
    if (!(await this.deps.hooks.call('gc.reap', item))) throw new Error(`nothing reaps orphans of kind ${item.kind}`);
  }

  private async store(report: GcReport): Promise<void> {
    await this.deps.db.transaction(async (trx) => {
      await trx('gc_reports').delete();
      await trx('gc_reports').insert({ generated_at: report.generatedAt, reaped_at: report.reapedAt, items: JSON.stringify(report.items) });
    });
  }
}
