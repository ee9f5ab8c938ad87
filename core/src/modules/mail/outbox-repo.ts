import { toIso, type Database, type Executor } from '../../kernel/database.js';
import type { RenderedMail } from './layout.js';

export interface OutboxEntry {
  id: number;
  kind: string;
  recipient: string;
  subject: string;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'outbox';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** An entry with its body, while it has one (a sent mail's body is dropped). */
export type OutboxMail = OutboxEntry & { text: string | null; html: string | null };

interface OutboxRow {
  id: number | string;
  kind: string;
  recipient: string;
  subject: string;
  text: string | null;
  html: string | null;
  status: OutboxEntry['status'];
  attempts: number;
  last_error: string | null;
  created_at: unknown;
  sent_at: unknown;
}

const MAX_ATTEMPTS = 5;
const STALE_CLAIM_MS = 10 * 60_000;

function fromRow(row: OutboxRow): OutboxEntry {
  return {
    id: Number(row.id),
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: toIso(row.created_at),
    sentAt: row.sent_at ? toIso(row.sent_at) : null,
  };
}

/** The mail_outbox table. */
export class MailOutboxRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async insert(
    entry: { kind: string; recipient: string; mail: RenderedMail; status: 'pending' | 'outbox' },
    executor: Executor = this.db,
  ): Promise<number> {
    const [row] = (await executor('mail_outbox')
      .insert({
        kind: entry.kind,
        recipient: entry.recipient,
        subject: entry.mail.subject,
        text: entry.mail.text,
        html: entry.mail.html,
        status: entry.status,
        attempts: 0,
        created_at: new Date().toISOString(),
      })
      .returning('id')) as Array<{ id: number | string }>;
    return Number(row!.id);
  }

  /** Mails to try (again): pending, failed with attempts left, or claimed by a panel that died mid-delivery. */
  async retryable(limit: number): Promise<number[]> {
    const ids = (await this.claimable(this.db('mail_outbox'))
      .where('attempts', '<', MAX_ATTEMPTS)
      .orderBy('id')
      .limit(limit)
      .pluck('id')) as Array<number | string>;
    return ids.map(Number);
  }

  /** Marks the mail as being sent; null when another delivery has it (or it is done). */
  async claim(id: number): Promise<OutboxMail | null> {
    const claimed = await this.claimable(this.db('mail_outbox').where({ id })).update({
      status: 'sending',
      claimed_at: new Date().toISOString(),
    });
    return claimed === 0 ? null : this.read(id);
  }

  async markSent(id: number, attempts: number): Promise<void> {
    await this.db('mail_outbox')
      .where({ id })
      .update({ status: 'sent', text: null, html: null, attempts, last_error: null, sent_at: new Date().toISOString() });
  }

  async markFailed(id: number, attempts: number, error: string): Promise<void> {
    await this.db('mail_outbox')
      .where({ id })
      .update({ status: 'failed', attempts, last_error: error.slice(0, 1000) });
  }

  async list(limit: number): Promise<OutboxEntry[]> {
    return ((await this.db('mail_outbox').orderBy('id', 'desc').limit(limit)) as OutboxRow[]).map(fromRow);
  }

  async read(id: number): Promise<OutboxMail | null> {
    const row = (await this.db('mail_outbox').where({ id }).first()) as OutboxRow | undefined;
    return row ? { ...fromRow(row), text: row.text, html: row.html } : null;
  }

  /** A row left `sending` for ten minutes belongs to a panel that died mid-delivery. */
  private claimable<Q extends ReturnType<Database>>(query: Q): Q {
    const stale = new Date(Date.now() - STALE_CLAIM_MS).toISOString();
    return query.where((w) => {
      w.whereIn('status', ['pending', 'failed']).orWhere((s) => {
        s.where('status', 'sending').where('claimed_at', '<', stale);
      });
    }) as Q;
  }
}
