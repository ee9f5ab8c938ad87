import type { Knex } from 'knex';
import nodemailer, { type Transporter } from 'nodemailer';
import type { CoreConfig } from '../../kernel/config.js';
import { toIso, type Database, type Executor, type Transaction } from '../../kernel/database.js';
import type { Logger } from '../../kernel/logger.js';
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

/** Rows a delivery may claim: waiting or failed, or left `sending` (claimed before `stale`) by a panel that died. */
function claimable(stale: string): Knex.QueryCallback {
  return (w) => {
    w.whereIn('status', ['pending', 'failed']).orWhere((s) => {
      s.where('status', 'sending').where('claimed_at', '<', stale);
    });
  };
}

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

/**
 * Every mail is written to the outbox first (in the caller's transaction when it has one), then
 * handed to SMTP after commit. Without SMTP the outbox and the log are the delivery: nothing is
 * lost, and the operator can read the mail there.
 */
export class MailService {
  private readonly db: Database;
  private readonly config: CoreConfig;
  private readonly logger: Logger;
  private transport: Transporter | null | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor({ db, config, logger }: { db: Database; config: CoreConfig; logger: Logger }) {
    this.db = db;
    this.config = config;
    this.logger = logger.child({ component: 'mail' });
  }

  get smtpConfigured(): boolean {
    return Boolean(this.config.SMTP_HOST);
  }

  async send(kind: string, recipient: string, mail: RenderedMail, trx: Executor = this.db): Promise<number> {
    const [row] = (await trx('mail_outbox')
      .insert({
        kind,
        recipient,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        status: this.smtpConfigured ? 'pending' : 'outbox',
        attempts: 0,
        created_at: new Date().toISOString(),
      })
      .returning('id')) as Array<{ id: number | string }>;
    const id = Number(row!.id);
    if (!this.smtpConfigured) {
      // The embedded default: the log is where an operator without SMTP reads the link.
      this.logger.info({ mailId: id, kind, to: recipient, subject: mail.subject, text: mail.text }, 'mail kept in the outbox (no SMTP configured)');
      return id;
    }
    const deliver = () => this.track(this.deliver(id));
    if (trx.isTransaction) (trx as Transaction).executionPromise.then(deliver, () => undefined);
    else deliver();
    return id;
  }

  /** Retries what SMTP refused or what a crash left pending; run by the leader's job. */
  async retryPending(): Promise<void> {
    if (!this.smtpConfigured) return;
    // A row left `sending` for ten minutes belongs to a panel that died mid-delivery.
    const stale = new Date(Date.now() - STALE_CLAIM_MS).toISOString();
    const ids = (await this.db('mail_outbox')
      .where(claimable(stale))
      .where('attempts', '<', MAX_ATTEMPTS)
      .orderBy('id')
      .limit(50)
      .pluck('id')) as Array<number | string>;
    for (const id of ids) await this.deliver(Number(id));
  }

  async list(limit = 100): Promise<OutboxEntry[]> {
    const rows = (await this.db('mail_outbox').orderBy('id', 'desc').limit(limit)) as OutboxRow[];
    return rows.map(fromRow);
  }

  async read(id: number): Promise<(OutboxEntry & { text: string | null; html: string | null }) | null> {
    const row = (await this.db('mail_outbox').where({ id }).first()) as OutboxRow | undefined;
    return row ? { ...fromRow(row), text: row.text, html: row.html } : null;
  }

  /** Waits for deliveries under way, then closes the SMTP pool. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.transport?.close();
    this.transport = undefined;
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private smtp(): Transporter {
    this.transport ??= nodemailer.createTransport({
      host: this.config.SMTP_HOST,
      port: this.config.SMTP_PORT,
      secure: this.config.SMTP_SECURE,
      auth: this.config.SMTP_USER ? { user: this.config.SMTP_USER, pass: this.config.SMTP_PASS ?? '' } : undefined,
      pool: true,
    });
    return this.transport;
  }

  private async deliver(id: number): Promise<void> {
    // Claim the row first, so the retry job and an immediate delivery never both send it.
    const stale = new Date(Date.now() - STALE_CLAIM_MS).toISOString();
    const claimed = await this.db('mail_outbox')
      .where({ id })
      .where(claimable(stale))
      .update({ status: 'sending', claimed_at: new Date().toISOString() });
    if (claimed === 0) return;
    const row = (await this.db('mail_outbox').where({ id }).first()) as OutboxRow;
    if (row.text === null) return;
    try {
      await this.smtp().sendMail({ from: this.config.SMTP_FROM, to: row.recipient, subject: row.subject, text: row.text, html: row.html ?? undefined });
      await this.db('mail_outbox').where({ id }).update({ status: 'sent', text: null, html: null, attempts: row.attempts + 1, last_error: null, sent_at: new Date().toISOString() });
      this.logger.info({ mailId: id, kind: row.kind, to: row.recipient }, 'mail sent');
    } catch (err) {
      await this.db('mail_outbox').where({ id }).update({ status: 'failed', attempts: row.attempts + 1, last_error: (err as Error).message.slice(0, 1000) });
      this.logger.warn({ mailId: id, err }, 'mail delivery failed; will retry');
    }
  }
}
