import type { Database, Executor, Transaction } from '../../../kernel/database.js';
import { dialectOf } from '../../../kernel/database.js';
import { AppError, notFound } from '../../../kernel/errors.js';
import type { HookBus } from '../../../kernel/hooks.js';
import type { UserDirectory } from '../../accounts/user-directory.js';
import type { QuotaRepository } from './quota-repository.js';
import { QUOTA_NAMES, type QuotaLimits, type QuotaName, type QuotaUsage, type QuotaView } from './schema.js';
import './hooks.js';

const UNLIMITED: QuotaLimits = { servers: null, memoryMb: null, cpuPercent: null, diskMb: null, backups: null };

const WORDS: Record<QuotaName, string> = {
  servers: 'servers',
  memoryMb: 'memory (MB)',
  cpuPercent: 'CPU (%)',
  diskMb: 'disk (MB)',
  backups: 'backups',
};

/**
 * The one place quotas are checked: every create, limits change and backup calls `assertWithin`
 * in the transaction that books it, so a refusal leaves nothing behind and two requests at once
 * cannot both slip under a limit.
 */
export class QuotaService {
  constructor(private readonly deps: { db: Database; quotaRepository: QuotaRepository; userDirectory: UserDirectory; hooks: HookBus }) {}

  /** An account's limits, where they come from, and what it uses. */
  async view(userId: string, executor: Executor = this.deps.db): Promise<QuotaView> {
    const user = await this.deps.userDirectory.find(userId, executor);
    if (!user) throw notFound('No such user');
    const { limits, source } = await this.effective(userId, user.role, executor);
    return { limits, source, usage: await this.usage(userId, executor) };
  }

  /** Refuses (409 quota_exceeded, naming the limit) a change that takes the owner past a quota; administrators' own servers are exempt. */
  async assertWithin(ownerId: string, change: Partial<Record<QuotaName, number>>, trx: Transaction): Promise<void> {
    const owner = await this.deps.userDirectory.find(ownerId, trx);
    if (!owner) return; // a team or a plugin's owner: no account, no quota
    const { limits } = await this.effective(ownerId, owner.role, trx);
    const checked = QUOTA_NAMES.filter((name) => (change[name] ?? 0) > 0 && limits[name] !== null);
    if (!checked.length) return;
    // Serialises checks for one owner on PostgreSQL; SQLite runs one writing transaction at a time.
    if (dialectOf(trx) === 'postgres') await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`quota:${ownerId}`]);
    const used = await this.usage(ownerId, trx, checked.includes('backups'));
    for (const name of checked) {
      const quota = limits[name]!;
      const requested = change[name]!;
      if (used[name] + requested > quota) {
        throw new AppError(
          409,
          'quota_exceeded',
          `This goes past the ${WORDS[name]} quota: ${used[name]} of ${quota} in use, ${requested} more asked for`,
          { limit: name, quota, used: used[name], requested },
        );
      }
    }
  }

  async setForUser(userId: string, limits: QuotaLimits | null): Promise<QuotaView> {
    if (!(await this.deps.userDirectory.find(userId))) throw notFound('No such user');
    if (limits) await this.deps.quotaRepository.setForUser(userId, limits);
    else await this.deps.quotaRepository.clearForUser(userId);
    return this.view(userId);
  }

  async defaults(): Promise<QuotaLimits> {
    return (await this.deps.quotaRepository.defaults()) ?? UNLIMITED;
  }

  async setDefaults(limits: QuotaLimits): Promise<QuotaLimits> {
    await this.deps.quotaRepository.setDefaults(limits);
    return this.defaults();
  }

  private async effective(userId: string, role: 'admin' | 'user', executor: Executor) {
    if (role === 'admin') return { limits: UNLIMITED, source: 'exempt' as const };
    const own = await this.deps.quotaRepository.ofUser(userId, executor);
    if (own) return { limits: own, source: 'account' as const };
    return { limits: (await this.deps.quotaRepository.defaults(executor)) ?? UNLIMITED, source: 'default' as const };
  }

  private async usage(ownerId: string, executor: Executor, withBackups = true): Promise<QuotaUsage> {
    const totals = await this.deps.quotaRepository.serverTotals(ownerId, executor);
    const backups = withBackups ? ((await this.deps.hooks.call('quota.backupsKept', { ownerId }, executor))?.count ?? 0) : 0;
    return { ...totals, backups };
  }
}
