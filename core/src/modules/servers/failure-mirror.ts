import type { Executor } from '../../kernel/database.js';
import type { StoredEvent } from '../../kernel/events.js';
import type { ServerRepository } from './repository.js';

/** The node's events that say how a server ended or failed, mirrored onto it. */
export const FAILURE_EVENTS = [
  'server.crashed',
  'server.stopped',
  'server.install_failed',
  'server.installed',
  'server.started',
  'server.restarted',
];

const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
const code = (v: unknown) => (typeof v === 'number' ? v : undefined);

/**
 * Keeps a server's last exit and its failure (what its page explains, with what to do) in step
 * with its node's events, in their delivery transaction. A failure stays until a good start
 * clears it (a failed install: until an install succeeds).
 */
export async function mirrorFailure(repo: ServerRepository, event: StoredEvent, trx: Executor): Promise<void> {
  const id = event.serverId!;
  const at = event.occurredAt;
  const d = event.data;
  switch (event.type) {
    case 'server.crashed': {
      const oomKilled = d.oomKilled === true;
      await repo.setLastExit(id, { code: code(d.exitCode) ?? -1, oomKilled, at, expected: false }, trx);
      await repo.setFailure(id, { kind: 'crashed', at, exitCode: code(d.exitCode) ?? -1, oomKilled }, trx);
      return;
    }
    case 'server.stopped':
      if (d.reason === 'start_failed') await repo.setFailure(id, { kind: 'start_failed', at, reason: text(d.error) }, trx);
      else if (code(d.exitCode) !== undefined)
        await repo.setLastExit(id, { code: code(d.exitCode)!, oomKilled: false, at, expected: true }, trx);
      return;
    case 'server.install_failed':
      await repo.setFailure(id, { kind: 'install_failed', at, exitCode: code(d.exitCode), reason: text(d.error) ?? text(d.reason) }, trx);
      return;
    case 'server.installed':
      if ((await repo.failureOf(id, trx))?.kind === 'install_failed') await repo.setFailure(id, null, trx);
      return;
    default:
      // server.started, server.restarted: it runs again.
      await repo.setFailure(id, null, trx);
  }
}
