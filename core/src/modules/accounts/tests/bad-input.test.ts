import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from './fixtures.js';

/**
 * Every accounts route, fed bodies and parameters of the wrong shape, by a signed-in user and by
 * the operator: a 4xx with a stable code each time, never a 500.
 */
for (const database of DATABASES)
  describe(`accounts: bad input is a 4xx, never a 500 (${database})`, () => {
    let t: AccountsPanel;
    before(async () => {
      t = await startAccountsPanel(database);
    });
    after(() => t.close());

    it('answers every route of auth, mail and activity with a 4xx for malformed input', async function () {
      this.timeout(120_000);
      await t.createUser('fuzz@example.com');
      const user = await t.signIn('fuzz@example.com');
      const doc = (await t.panel.request('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      const paths = Object.keys(doc.paths).filter((p) => /^\/api\/(auth|admin\/(users|settings|api-keys|mail)|activity)/.test(p));
      expect(paths.length).to.be.greaterThan(25);
      const bodies: unknown[] = [
        {},
        [],
        'text',
        { email: 42, password: null, token: ['x'], code: {}, permissions: 'all', name: '', allowedIps: ['nope'] },
      ];
      const problems: string[] = [];
      for (const path of paths) {
        for (const method of Object.keys(doc.paths[path]!)) {
          if (path.endsWith('/oauth/{provider}/start')) continue;
          const url = path.replace(/\{[^}]+\}/g, '%E2%80%A8..%2F');
          for (const body of method === 'get' ? [undefined] : bodies) {
            for (const as of ['user', 'operator'] as const) {
              const res =
                as === 'user'
                  ? await user.request(method.toUpperCase(), `${url}?limit=-1&before=x`, { body })
                  : await t.panel.request(method.toUpperCase(), `${url}?limit=-1&before=x`, { body });
              if (res.status >= 500 || (typeof res.body?.error?.code !== 'string' && res.status >= 400))
                problems.push(`${as} ${method} ${url} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
            }
          }
        }
      }
      expect(problems).to.deep.equal([]);
    });
  });
