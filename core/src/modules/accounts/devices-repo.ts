import { toIso, type Database, type Executor } from '../../kernel/database.js';
import { sha256 } from './crypto/tokens.js';

export interface Device {
  id: number;
  userAgent: string | null;
  ip: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  trustedUntil: string | null;
}

interface DeviceRow {
  id: number;
  user_agent: string | null;
  ip: string | null;
  first_seen_at: unknown;
  last_seen_at: unknown;
  trusted_until: unknown;
}

function fromRow(row: DeviceRow): Device {
  return {
    id: Number(row.id),
    userAgent: row.user_agent,
    ip: row.ip,
    firstSeenAt: toIso(row.first_seen_at),
    lastSeenAt: toIso(row.last_seen_at),
    trustedUntil: row.trusted_until ? toIso(row.trusted_until) : null,
  };
}

/** Browsers a user signed in from, known by the hash of a long-lived device cookie. */
export class DevicesRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async find(userId: string, deviceId: string): Promise<Device | null> {
    const row = (await this.db('devices')
      .where({ user_id: userId, device_hash: sha256(deviceId) })
      .first()) as DeviceRow | undefined;
    return row ? fromRow(row) : null;
  }

  async isTrusted(userId: string, deviceId: string | undefined): Promise<boolean> {
    if (!deviceId) return false;
    const device = await this.find(userId, deviceId);
    return Boolean(device?.trustedUntil && new Date(device.trustedUntil) > new Date());
  }

  async count(userId: string): Promise<number> {
    const row = (await this.db('devices').where({ user_id: userId }).count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  /** Records a sign-in from this device; returns whether the device was new to this user. */
  async seen(
    input: { userId: string; deviceId: string; ip: string | null; userAgent: string | null; trustUntil: Date | null },
    trx: Executor = this.db,
  ): Promise<boolean> {
    const now = new Date().toISOString();
    const hash = sha256(input.deviceId);
    const update: Record<string, unknown> = { last_seen_at: now, ip: input.ip, user_agent: input.userAgent?.slice(0, 300) ?? null };
    if (input.trustUntil) update.trusted_until = input.trustUntil.toISOString();
    const updated = await trx('devices').where({ user_id: input.userId, device_hash: hash }).update(update);
    if (updated > 0) return false;
    await trx('devices').insert({ user_id: input.userId, device_hash: hash, first_seen_at: now, ...update });
    return true;
  }

  async list(userId: string): Promise<Device[]> {
    const rows = (await this.db('devices').where({ user_id: userId }).orderBy('last_seen_at', 'desc')) as DeviceRow[];
    return rows.map(fromRow);
  }

  async forget(userId: string, id: number): Promise<boolean> {
    return (await this.db('devices').where({ user_id: userId, id }).delete()) === 1;
  }

  async untrustAll(userId: string, trx: Executor = this.db): Promise<void> {
    await trx('devices').where({ user_id: userId }).update({ trusted_until: null });
  }
}
