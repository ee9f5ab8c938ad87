import type { Transporter } from 'nodemailer';
import type { CoreConfig } from '../../kernel/config.js';
import type { Database, Executor, Transaction } from '../../kernel/database.js';
import type { Logger } from '../../kernel/logger.js';
import type { RenderedMail } from './layout.js';
import type { MailOutboxRepository, OutboxEntry, OutboxMail } from './outbox-repo.js';

export type { OutboxEntry } from './outbox-repo.js';

/**
 * Every mail is written to the outbox first (in the caller's transaction when it has one), then
 * handed to SMTP after commit. Without SMTP the outbox and the log are the delivery: nothing is
 * lost, and the operator can read the mail there.
 */
export class MailService {
  private readonly db: Database;
  private readonly outbox: MailOutboxRepository;
  private readonly config: CoreConfig;
  private readonly logger: Logger;
  private transport: Promise<Transporter> | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor({
    db,
    mailOutboxRepository,
    config,
    logger,
  }: {
    db: Database;
    mailOutboxRepository: MailOutboxRepository;
    config: CoreConfig;
    logger: Logger;
  }) {
    this.db = db;
    this.outbox = mailOutboxRepository;
    this.config = config;
    this.logger = logger.child({ component: 'mail' });
  }

  get smtpConfigured(): boolean {
    return Boolean(this.config.SMTP_HOST);
  }

  async send(kind: string, recipient: string, mail: RenderedMail, trx: Executor = this.db): Promise<number> {
    const id = await this.outbox.insert({ kind, recipient, mail, status: this.smtpConfigured ? 'pending' : 'outbox' }, trx);
    if (!this.smtpConfigured) {
      // The embedded default: the log is where an operator without SMTP reads the link.
      this.logger.info(
        { mailId: id, kind, to: recipient, subject: mail.subject, text: mail.text },
        'mail kept in the outbox (no SMTP configured)',
      );
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
    for (const id of await this.outbox.retryable(50)) await this.deliver(id);
  }

  list(limit = 100): Promise<OutboxEntry[]> {
    return this.outbox.list(limit);
  }

  read(id: number): Promise<OutboxMail | null> {
    return this.outbox.read(id);
  }

  /** Waits for deliveries under way, then closes the SMTP pool. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    const transport = this.transport;
    this.transport = undefined;
    if (transport) (await transport).close();
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  /**
   * nodemailer loads with the first mail sent (about 5 MB of heap an idle panel would otherwise
   * hold; most panels send a few mails a day or none).
   */
  private smtp(): Promise<Transporter> {
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: this.config.SMTP_HOST,
        port: this.config.SMTP_PORT,
        secure: this.config.SMTP_SECURE,
        auth: this.config.SMTP_USER ? { user: this.config.SMTP_USER, pass: this.config.SMTP_PASS ?? '' } : undefined,
        pool: true,
      }),
    );
    return this.transport;
  }

  private async deliver(id: number): Promise<void> {
    // Claim the row first, so the retry job and an immediate delivery never both send it.
    const row = await this.outbox.claim(id);
    if (!row || row.text === null) return;
    try {
      await (
        await this.smtp()
      ).sendMail({
        from: this.config.SMTP_FROM,
        to: row.recipient,
        subject: row.subject,
        text: row.text,
        html: row.html ?? undefined,
      });
      await this.outbox.markSent(id, row.attempts + 1);
      this.logger.info({ mailId: id, kind: row.kind, to: row.recipient }, 'mail sent');
    } catch (err) {
      await this.outbox.markFailed(id, row.attempts + 1, (err as Error).message);
      this.logger.warn({ mailId: id, err }, 'mail delivery failed; will retry');
    }
  }
}
