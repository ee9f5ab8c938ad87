import { generate } from 'otplib';
import { io as connect, type Socket } from 'socket.io-client';
import { startPanel, type DatabaseKind, type TestPanel } from '@conductor/test';
import type { PluginDefinition } from '../../../kernel/plugin.js';
import { Browser } from './browser.js';
import { Mailbox } from './mailbox.js';

export const PASSWORD = 'correct horse battery staple';

export interface AccountsPanel {
  panel: TestPanel;
  mailbox: Mailbox;
  close(): Promise<void>;
  /** Creates an account through the admin API (as the operator). */
  createUser(email: string, options?: { role?: 'admin' | 'user'; password?: string }): Promise<{ id: string; email: string }>;
  /** A browser signed in as that account. */
  signIn(email: string, options?: { password?: string; totp?: string }): Promise<Browser>;
  browser(): Browser;
}

/** A panel with the real mail path: nodemailer → an in-process SMTP server. */
export async function startAccountsPanel(
  database: DatabaseKind,
  options: {
    auth?: Record<string, unknown>;
    plugins?: PluginDefinition[];
    discover?: boolean;
    appRoot?: string;
    config?: Record<string, unknown>;
    storage?: { dataDir: string; databaseUrl?: string };
  } = {},
): Promise<AccountsPanel> {
  const mailbox = await new Mailbox().start();
  let panel: TestPanel;
  try {
    panel = await startPanel({
      database,
      plugins: options.plugins,
      discover: options.discover,
      appRoot: options.appRoot,
      dataDir: options.storage?.dataDir,
      databaseUrl: options.storage?.databaseUrl,
      config: {
        PUBLIC_URL: 'http://panel.test',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: mailbox.port,
        SMTP_FROM: 'Conductor <panel@panel.test>',
        // Cheap hashes keep the suite fast; production uses the default cost.
        plugins: { auth: { scryptCost: 1024, ...options.auth } },
        ...options.config,
      },
    });
  } catch (err) {
    await mailbox.stop();
    throw err;
  }
  const browser = () => new Browser(panel.url);
  return {
    panel,
    mailbox,
    browser,
    async close() {
      await panel.close();
      await mailbox.stop();
    },
    async createUser(email, opts = {}) {
      const res = await panel.request('POST', '/api/admin/users', {
        body: { email, password: opts.password ?? PASSWORD, role: opts.role ?? 'user' },
      });
      if (res.status !== 201) throw new Error(`createUser ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.user as { id: string; email: string };
    },
    async signIn(email, opts = {}) {
      const b = browser();
      const res = await b.post('/api/auth/login', {
        email,
        password: opts.password ?? PASSWORD,
        ...(opts.totp ? { totp: opts.totp } : {}),
      });
      if (res.status !== 200) throw new Error(`signIn ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      return b;
    },
  };
}

/** The current code for a secret, or the next period's, so a test can use a code not yet spent. */
export function totpCode(secret: string, periodsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + periodsAhead * 30 });
}

/** A socket.io connection riding on a browser's cookies, as the panel's page would open it. */
export function openSocket(t: AccountsPanel, b: Browser, namespace = '/'): Promise<Socket> {
  const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const socket = connect(`${t.panel.url}${namespace === '/' ? '' : namespace}`, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { cookie },
  });
  return new Promise((resolve, reject) => {
    socket.on('connect', () => resolve(socket));
    socket.on('connect_error', reject);
  });
}
