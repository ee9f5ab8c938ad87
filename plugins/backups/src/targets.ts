import { randomUUID } from 'node:crypto';
import { AppError, conflict, notFound, toIso, type Cradle, type Executor } from '@conductor/core';
import type { Clock } from './clock.js';
import type { TargetRepository, TargetRow } from './targets-repo.js';
import type { AgentHttp } from './storage/agent-http.js';
import { LocalStorage } from './storage/local.js';
import { SftpSession, type SftpEndpoint } from './storage/sftp-session.js';
import { SftpStorage } from './storage/sftp.js';
import type { BackupStorage } from './storage/types.js';

export interface TargetInput {
  name: string;
  host: string;
  port: number;
  username: string;
  path: string;
  auth: 'key' | 'password';
  secret: string;
}

export interface TargetView {
  id: string;
  name: string;
  kind: 'sftp';
  host: string;
  port: number;
  username: string;
  path: string;
  auth: 'key' | 'password';
  hostKeySha256: string;
  createdAt: string;
}

export interface TargetTest {
  ok: true;
  hostKeySha256: string;
  /** Room left in the target's folder; null when the server does not tell. */
  freeBytes: number | null;
  latencyMs: number;
}

type Deps = Pick<Cradle, 'db' | 'keyRing' | 'scheduleTasks'> & {
  backupClock: Clock;
  agentHttp: AgentHttp;
  targetRepository: TargetRepository;
};

/**
 * Remote backup targets (admins add them) and the storage behind a backup: `null` is the node's
 * own disk. Credentials are encrypted with the panel's key; the host key seen when a target is
 * added is pinned, so a later man in the middle gets no archive.
 */
export class BackupTargets {
  private readonly local: LocalStorage;

  constructor(private readonly deps: Deps) {
    this.local = new LocalStorage(deps.agentHttp);
  }

  async list(): Promise<TargetView[]> {
    return (await this.deps.targetRepository.list()).map(view);
  }

  async get(id: string, executor?: Executor): Promise<TargetView> {
    return view(await this.row(id, executor));
  }

  /** Connects first: a target that cannot be reached, or whose folder cannot be made, is not added. */
  async create(input: TargetInput): Promise<TargetView> {
    if (await this.deps.targetRepository.nameTaken(input.name))
      throw conflict('backup_target_exists', `A backup target named ${input.name} exists`);
    const session = await SftpSession.connect({ ...input, hostKeySha256: null });
    try {
      await session.mkdirp(input.path);
    } finally {
      session.close();
    }
    const id = randomUUID();
    await this.deps.targetRepository.insert({
      id,
      name: input.name,
      kind: 'sftp',
      host: input.host,
      port: input.port,
      username: input.username,
      path: input.path,
      auth: input.auth,
      secret_encrypted: this.deps.keyRing.encrypt(input.secret),
      host_key_sha256: session.hostKeySha256,
      created_at: this.deps.backupClock.now().toISOString(),
    });
    return this.get(id);
  }

  /** Backups and schedules still using a target keep it: their archives live there. */
  async remove(id: string): Promise<void> {
    await this.row(id);
    await this.deps.db.transaction(async (trx) => {
      const scheduled = (await this.deps.scheduleTasks.usages('backup', trx)).some((u) => u.options.targetId === id);
      if (scheduled || (await this.deps.targetRepository.hasBackups(id, trx)))
        throw conflict('backup_target_in_use', 'Backups or schedules still use this target; delete or move them first');
      await this.deps.targetRepository.remove(id, trx);
    });
  }

  /**
   * Connects as a backup would (the pinned host key, the stored login), makes sure the folder is
   * there, and tells how much room is left when the server says (statvfs@openssh.com).
   */
  async test(id: string): Promise<TargetTest> {
    const row = await this.row(id);
    const started = Date.now();
    const session = await SftpSession.connect(this.endpoint(row));
    try {
      await session.mkdirp(row.path);
      return {
        ok: true,
        hostKeySha256: session.hostKeySha256,
        freeBytes: await session.freeBytes(row.path),
        latencyMs: Date.now() - started,
      };
    } finally {
      session.close();
    }
  }

  async storage(targetId: string | null): Promise<BackupStorage> {
    if (targetId === null) return this.local;
    const row = await this.row(targetId);
    return new SftpStorage({ ...this.endpoint(row), path: row.path }, this.deps.agentHttp);
  }

  private endpoint(row: TargetRow): SftpEndpoint {
    return {
      host: row.host,
      port: Number(row.port),
      username: row.username,
      auth: row.auth,
      secret: this.deps.keyRing.decrypt(row.secret_encrypted),
      hostKeySha256: row.host_key_sha256,
    };
  }

  /** A 400 for a target id that does not exist, so nothing is made that points nowhere. */
  async assertExists(targetId: string | null): Promise<void> {
    if (targetId === null) return;
    if (!(await this.deps.targetRepository.find(targetId))) throw new AppError(400, 'backup_target_not_found', 'No such backup target');
  }

  private async row(id: string, executor?: Executor): Promise<TargetRow> {
    const row = await this.deps.targetRepository.find(id, executor);
    if (!row) throw notFound('No such backup target', 'backup_target_not_found');
    return row;
  }
}

function view(r: TargetRow): TargetView {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    host: r.host,
    port: Number(r.port),
    username: r.username,
    path: r.path,
    auth: r.auth,
    hostKeySha256: r.host_key_sha256,
    createdAt: toIso(r.created_at),
  };
}
