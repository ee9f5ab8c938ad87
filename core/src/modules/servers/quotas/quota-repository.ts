import type { Database, Executor } from '../../../kernel/database.js';
import type { QuotaLimits } from './schema.js';

interface LimitsRow {
  servers: number | null;
  memory_mb: number | null;
  cpu_percent: number | null;
  disk_mb: number | null;
  backups: number | null;
}

const fromRow = (r: LimitsRow): QuotaLimits => ({
  servers: r.servers,
  memoryMb: r.memory_mb,
  cpuPercent: r.cpu_percent,
  diskMb: r.disk_mb,
  backups: r.backups,
});

const toRow = (l: QuotaLimits, now: Date): LimitsRow & { updated_at: string } => ({
  servers: l.servers,
  memory_mb: l.memoryMb,
  cpu_percent: l.cpuPercent,
  disk_mb: l.diskMb,
  backups: l.backups,
  updated_at: now.toISOString(),
});

const DEFAULT_ROW = 1;

/** Accounts' own quotas and the panel's default for the rest. */
export class QuotaRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async ofUser(userId: string, executor: Executor = this.db): Promise<QuotaLimits | null> {
    const row = (await executor('user_quotas').where({ user_id: userId }).first()) as LimitsRow | undefined;
    return row ? fromRow(row) : null;
  }

  async setForUser(userId: string, limits: QuotaLimits, executor: Executor = this.db): Promise<void> {
    await executor('user_quotas')
      .insert({ user_id: userId, ...toRow(limits, new Date()) })
      .onConflict('user_id')
      .merge();
  }

  async clearForUser(userId: string, executor: Executor = this.db): Promise<void> {
    await executor('user_quotas').where({ user_id: userId }).delete();
  }

  async defaults(executor: Executor = this.db): Promise<QuotaLimits | null> {
    const row = (await executor('quota_defaults').where({ id: DEFAULT_ROW }).first()) as LimitsRow | undefined;
    return row ? fromRow(row) : null;
  }

  async setDefaults(limits: QuotaLimits, executor: Executor = this.db): Promise<void> {
    await executor('quota_defaults')
      .insert({ id: DEFAULT_ROW, ...toRow(limits, new Date()) })
      .onConflict('id')
      .merge();
  }

  /** What the servers an account owns hold together. */
  async serverTotals(
    ownerId: string,
    executor: Executor = this.db,
  ): Promise<{ servers: number; memoryMb: number; cpuPercent: number; diskMb: number }> {
    const row = (await executor('servers')
      .where({ owner_id: ownerId })
      .first(
        executor.raw('count(*) as servers'),
        executor.raw('coalesce(sum(memory_mb), 0) as memory_mb'),
        executor.raw('coalesce(sum(cpu_percent), 0) as cpu_percent'),
        executor.raw('coalesce(sum(disk_mb), 0) as disk_mb'),
      )) as { servers: unknown; memory_mb: unknown; cpu_percent: unknown; disk_mb: unknown };
    // PostgreSQL hands counts and sums back as strings.
    return {
      servers: Number(row.servers),
      memoryMb: Number(row.memory_mb),
      cpuPercent: Number(row.cpu_percent),
      diskMb: Number(row.disk_mb),
    };
  }
}
