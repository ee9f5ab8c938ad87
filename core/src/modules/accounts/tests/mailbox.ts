import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback that keeps every message it receives, parsed. */
export class Mailbox {
  readonly messages: ParsedMail[] = [];
  private readonly server: SMTPServer;
  private waiters: Array<() => void> = [];
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      // Without TLS certificates of our own, offering STARTTLS would only make nodemailer fail.
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            this.messages.push(mail);
            for (const wake of this.waiters.splice(0)) wake();
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as { port: number }).port;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Mails to one recipient, optionally only those whose subject matches. */
  to(recipient: string, subject?: RegExp): ParsedMail[] {
    return this.messages.filter((m) => recipientsOf(m).includes(recipient.toLowerCase()) && (!subject || subject.test(m.subject ?? '')));
  }

  /** Waits for a mail to arrive; nodemailer sends after the request has answered. */
  async waitFor(recipient: string, subject: RegExp, options: { count?: number; timeoutMs?: number } = {}): Promise<ParsedMail> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.to(recipient, subject);
      if (found.length >= (options.count ?? 1)) return found.at(-1)!;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no mail "${subject}" to ${recipient} within ${timeoutMs} ms; got: ${this.messages.map((m) => `${recipientsOf(m).join(',')}: ${m.subject}`).join('; ') || 'nothing'}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

function recipientsOf(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

/** The token in the first panel link of a mail's text part. */
export function tokenFrom(mail: ParsedMail, path: string): string {
  const match = new RegExp(`http://panel\\.test${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text ?? '');
  if (!match) throw new Error(`no ${path} link in: ${mail.text}`);
  return match[1]!;
}
