import type { Database, Executor } from '../../../kernel/database.js';
import { toIso } from '../../../kernel/database.js';
import type { EdgeStatusInput, ServerPhase } from '../../../protocol/edge.js';
import { DEFAULT_SLEEP_POLICY, type IdleServer, type SleepPolicy } from './policy.js';

interface PolicyRow {
  enabled: boolean | number;
  empty_minutes: number;
  min_online_minutes: number;
  wake_on_ping: boolean | number;
  sleeping_line: string;
  archive_after_days: number | null;
  proxy_protocol: boolean | number;
  last_status: string | null;
}

/** A running server the sleep worker looks at. */
export interface SleepCandidate {
  id: string;
  emptySince: string | null;
  runningSince: string | null;
  playersOnline: number;
}

export type LastStatus = Omit<EdgeStatusInput, 'sleepingLine'>;

/** The servers module's lifecycle rows: the phase and the player mirror on `servers`, policies beside them. */
export class LifecycleRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async phase(id: string, executor: Executor = this.db): Promise<ServerPhase | null> {
    const row = (await executor('servers').where({ id }).first('phase')) as { phase: ServerPhase } | undefined;
    return row?.phase ?? null;
  }

  async setPhase(id: string, phase: ServerPhase, executor: Executor): Promise<void> {
    const now = new Date().toISOString();
    await executor('servers').where({ id }).update({ phase, phase_since: now, updated_at: now });
  }

  async archiveId(id: string, executor: Executor = this.db): Promise<string | null> {
    const row = (await executor('servers').where({ id }).first('archive_id')) as { archive_id: string | null } | undefined;
    return row?.archive_id ?? null;
  }

  async setArchiveId(id: string, archiveId: string | null, executor: Executor): Promise<void> {
    await executor('servers').where({ id }).update({ archive_id: archiveId });
  }

  async phaseSince(id: string): Promise<string | null> {
    const row = (await this.db('servers').where({ id }).first('phase_since')) as { phase_since: unknown } | undefined;
    return row?.phase_since ? toIso(row.phase_since) : null;
  }

  /** Servers asleep since before `before`: candidates for the archive. */
  async asleepSince(before: string): Promise<string[]> {
    return this.db('servers').where({ phase: 'sleep', suspended: false }).where('phase_since', '<', before).pluck('id');
  }

  async policy(id: string, executor: Executor = this.db): Promise<SleepPolicy & { lastStatus: LastStatus | null }> {
    const row = (await executor('server_sleep_policies').where({ server_id: id }).first()) as PolicyRow | undefined;
    if (!row) return { ...DEFAULT_SLEEP_POLICY, lastStatus: null };
    return {
      enabled: Boolean(row.enabled),
      emptyMinutes: row.empty_minutes,
      minOnlineMinutes: row.min_online_minutes,
      wakeOnPing: Boolean(row.wake_on_ping),
      sleepingLine: row.sleeping_line,
      archiveAfterDays: row.archive_after_days,
      proxyProtocol: Boolean(row.proxy_protocol),
      lastStatus: row.last_status ? (JSON.parse(row.last_status) as LastStatus) : null,
    };
  }

  async savePolicy(id: string, policy: SleepPolicy, lastStatus: LastStatus | null, executor: Executor): Promise<void> {
    const row = {
      server_id: id,
      enabled: policy.enabled,
      empty_minutes: policy.emptyMinutes,
      min_online_minutes: policy.minOnlineMinutes,
      wake_on_ping: policy.wakeOnPing,
      sleeping_line: policy.sleepingLine,
      archive_after_days: policy.archiveAfterDays,
      proxy_protocol: policy.proxyProtocol,
      last_status: lastStatus ? JSON.stringify(lastStatus) : null,
      updated_at: new Date().toISOString(),
    };
    await executor('server_sleep_policies').insert(row).onConflict('server_id').merge();
  }

  async markStarted(id: string, at: string, executor: Executor): Promise<void> {
    await executor('servers').where({ id }).update({ running_since: at, empty_since: at, players_online: 0 });
  }

  async markStopped(id: string, executor: Executor): Promise<void> {
    await executor('servers').where({ id }).update({ running_since: null, empty_since: null, players_online: 0 });
  }

  async setPlayers(id: string, online: number, at: string, executor: Executor): Promise<void> {
    await executor('servers')
      .where({ id })
      .update({ players_online: online, empty_since: online === 0 ? at : null });
  }

  /** Running, active servers that have been empty since before `emptyBefore` (policy read per server). */
  /** The empty running servers on one node, with their memory (a wake that needs room there weighs them). */
  /** A node's running servers nobody is on, each with whether its own sleep policy lets it sleep (one statement). */
  async emptyRunningOn(nodeId: string, executor: Executor = this.db): Promise<IdleServer[]> {
    const rows = (await executor('servers as s')
      .leftJoin('server_sleep_policies as p', 'p.server_id', 's.id')
      .where({ 's.node_id': nodeId, 's.phase': 'active', 's.state': 'running', 's.players_online': 0, 's.suspended': false })
      .whereNotNull('s.empty_since')
      .select('s.id', 's.memory_mb', 's.empty_since', 'p.enabled')) as Array<{
      id: string;
      memory_mb: number | string;
      empty_since: unknown;
      enabled: boolean | number | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      memoryMb: Number(r.memory_mb),
      emptySinceMs: Date.parse(toIso(r.empty_since)),
      sleepEnabled: r.enabled === null ? DEFAULT_SLEEP_POLICY.enabled : Boolean(r.enabled),
    }));
  }

  async emptyRunning(): Promise<SleepCandidate[]> {
    const rows = (await this.db('servers')
      .where({ phase: 'active', state: 'running', players_online: 0, suspended: false })
      .whereNotNull('empty_since')
      .select('id', 'empty_since', 'running_since', 'players_online')) as Array<{
      id: string;
      empty_since: unknown;
      running_since: unknown;
      players_online: number;
    }>;
    return rows.map((r) => ({
      id: r.id,
      emptySince: r.empty_since ? toIso(r.empty_since) : null,
      runningSince: r.running_since ? toIso(r.running_since) : null,
      playersOnline: r.players_online,
    }));
  }
}
