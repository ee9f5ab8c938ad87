import type { Principal } from '../../kernel/auth.js';
import { createAuthorizer, refusal } from '../../kernel/authorize.js';
import type { HookBus } from '../../kernel/hooks.js';
import { AppError, isAppError } from '../../kernel/errors.js';
import type { BulkResult } from './schema.js';
import type { ServerService } from './service.js';

const PERMISSION: Record<string, string> = {
  start: 'control.start',
  stop: 'control.stop',
  restart: 'control.restart',
  kill: 'control.stop',
  delete: 'admin',
  backup: 'backup.create',
};

/**
 * Bulk actions (A8): each server is checked and acted on separately, so one refusal or failure
 * does not stop the others and the caller learns what happened to each.
 */
export class ServerBulk {
  private readonly deps: { serverService: ServerService; hooks: HookBus };

  constructor(deps: ServerBulk['deps']) {
    this.deps = deps;
  }

  async run(
    principal: Principal,
    action: 'start' | 'stop' | 'restart' | 'kill' | 'delete' | 'backup',
    serverIds: string[],
  ): Promise<BulkResult[]> {
    const authorize = createAuthorizer(this.deps.hooks);
    const results: BulkResult[] = [];
    for (const serverId of [...new Set(serverIds)]) {
      try {
        const permission = PERMISSION[action]!;
        if (permission === 'admin') {
          if (principal.role !== 'admin') throw refusal('deny', 'admin');
        } else {
          const decision = await authorize({ principal, permission, serverId });
          if (decision !== 'allow') throw refusal(decision, permission);
        }
        if (action === 'delete') await this.deps.serverService.remove(serverId, principal);
        else if (action === 'backup') await this.backup(serverId, principal);
        else await this.deps.serverService.power(serverId, action, principal);
        results.push({ serverId, ok: true });
      } catch (err) {
        results.push({
          serverId,
          ok: false,
          error: isAppError(err) ? { code: err.code, message: err.message } : { code: 'internal_error', message: 'Failed on our side' },
        });
      }
    }
    return results;
  }

  /** Starts a backup through the backups plugin; it finishes in the background. */
  private async backup(serverId: string, principal: Principal): Promise<void> {
    await this.deps.serverService.get(serverId);
    const started = await this.deps.hooks.call('server.backup', { serverId, principal });
    if (!started) throw new AppError(503, 'backups_unavailable', 'No backup was made: the backups plugin is not running on this panel');
  }
}
