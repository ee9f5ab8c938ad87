import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import { DATABASES } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from './fixtures.js';

const MALFORMED = '%E0%A4%A';

/** How a socket handshake with this Cookie header ends: connected, or the refusal's message and data. */
function handshake(
  t: AccountsPanel,
  namespace: string,
  cookie: string,
): Promise<{ connected: boolean; message?: string; data?: { code?: string } }> {
  const socket = connect(`${t.panel.url}${namespace}`, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
  return new Promise((resolve) => {
    socket.on('connect', () => {
      socket.close();
      resolve({ connected: true });
    });
    socket.on('connect_error', (err) => {
      socket.close();
      resolve({ connected: false, message: err.message, data: (err as Error & { data?: { code?: string } }).data });
    });
  });
}

/**
 * A session cookie that does not decode (`%E0%A4%A`) or that this panel cannot have issued is a
 * client's mistake or probe: refused as unauthenticated (4xx-class) with a warning, never an
 * internal error, on sockets and on HTTP alike.
 */
for (const database of DATABASES)
  describe(`accounts: malformed session cookies (${database})`, () => {
    let t: AccountsPanel;
    before(async () => {
      t = await startAccountsPanel(database);
      await t.createUser('cookie@example.com');
    });
    after(() => t.close());

    const errorsLogged = () => t.panel.logs.lines.filter((l) => (l.level as number) >= 50);
    const warnings = () => t.panel.logs.lines.filter((l) => l.level === 40 && l.msg === 'malformed session cookie refused');

    for (const namespace of ['/', '/servers']) {
      it(`refuses a socket on ${namespace} as unauthenticated, with a warning and no server error`, async () => {
        const before = warnings().length;
        for (const value of [MALFORMED, 'not-a-session', 'a%20b']) {
          const result = await handshake(t, namespace, `cdr_session=${value}`);
          expect(result, value).to.deep.include({ connected: false, message: 'unauthenticated' });
          expect(result.data?.code, value).to.equal('unauthenticated');
        }
        expect(warnings().length - before).to.equal(3);
        expect(errorsLogged()).to.deep.equal([]);
      });
    }

    it('lets a signed-in socket through when some other cookie of the site is malformed', async () => {
      const b = await t.signIn('cookie@example.com');
      const result = await handshake(t, '/servers', `other=${MALFORMED}; cdr_session=${b.cookies.get('cdr_session')}; ${MALFORMED}=x`);
      expect(result).to.deep.equal({ connected: true });
      expect(errorsLogged()).to.deep.equal([]);
    });

    it('answers HTTP requests carrying it with 401 unauthenticated and a warning', async () => {
      const before = warnings().length;
      for (const [method, path] of [
        ['GET', '/api/auth/me'],
        ['GET', '/api/servers'],
        ['POST', '/api/auth/logout'],
      ] as const) {
        const res = await fetch(`${t.panel.url}${path}`, {
          method,
          headers: { cookie: `cdr_session=${MALFORMED}; cdr_csrf=${MALFORMED}`, 'x-csrf-token': MALFORMED },
        });
        expect(res.status, `${method} ${path}`).to.equal(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('unauthenticated');
      }
      expect(warnings().length - before).to.equal(3);
      expect(errorsLogged()).to.deep.equal([]);
    });
  });
