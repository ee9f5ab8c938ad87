import { expect } from 'chai';
import { createStorage, DATABASES, freePort, startPanel, type TestPanel } from '@conductor/test';
import { ConfigError, loadConfig } from '../src/kernel/config.js';
import { definePlugin } from '../src/kernel/plugin.js';

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return {
    status: res.status,
    body: (await res.json()) as { status?: string; error?: { code: string; message: string; details?: unknown } },
  };
};

describe('readiness', function () {
  this.timeout(60_000);

  it('says what a start in progress waits for, and logs those probes at debug, not as errors', async () => {
    let entered!: () => void;
    const waiting = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = definePlugin({
      manifest: { name: 'slow-start', version: '1.0.0' },
      async start() {
        entered();
        await released;
      },
    });
    const port = await freePort();
    const starting = startPanel({ database: 'sqlite', plugins: [slow], config: { PORT: port, LOG_LEVEL: 'debug' } });
    let panel: TestPanel | null = null;
    try {
      await waiting;
      const probe = await readyz(`http://127.0.0.1:${port}`);
      expect(probe).to.deep.equal({
        status: 503,
        body: { error: { code: 'not_ready', message: 'The panel is starting: waiting for the slow-start plugin to start' } },
      });
      release();
      panel = await starting;
      expect((await readyz(panel.url)).body).to.deep.equal({ status: 'ready' });
      const probes = panel.logs.lines.filter((l) => l.msg === 'request' && l.url === '/readyz');
      expect(probes.map((l) => [l.status, l.level])).to.deep.equal([
        [503, 20],
        [200, 20],
      ]);
    } finally {
      release();
      panel ??= await starting.catch(() => null);
      await panel?.close();
    }
  });

  for (const database of DATABASES) {
    it(`is not ready while a core module failed: a second panel with another SECRET_KEY names auth and what to fix (${database})`, async () => {
      const storage = await createStorage(database);
      const shared = { dataDir: storage.dataDir, databaseUrl: storage.databaseUrl };
      let first: TestPanel | null = null;
      let second: TestPanel | null = null;
      try {
        first = await startPanel({ database, ...shared, config: { SECRET_KEY: 'the-first-panels-secret-key-0123456789' } });
        second = await startPanel({ database, ...shared, config: { SECRET_KEY: 'another-secret-key-for-the-same-database' } });
        expect((await readyz(first.url)).status).to.equal(200);

        const probe = await readyz(second.url);
        expect(probe.status).to.equal(503);
        expect(probe.body.error!.code).to.equal('required_plugin_down');
        const fix =
          'plugin "auth" failed during init: SECRET_KEY is not the key this database was set up with (secrets encrypted with the old key would not decrypt); restore the old SECRET_KEY or DATA_DIR/secret.key';
        expect(probe.body.error!.message).to.equal(
          `The panel is not ready: ${fix}; required plugins down because of it: nodes, servers, schedules, conductor, metrics`,
        );
        const details = probe.body.error!.details as { down: Array<{ name: string }>; causes: Array<{ name: string }> };
        expect(details.causes.map((c) => c.name)).to.deep.equal(['auth']);

        // One line in the log says it, with what to do.
        const lines = second.logs.lines.filter((l) => String(l.msg).startsWith('The panel is not ready'));
        expect(lines).to.have.length(1);
        expect(lines[0]).to.deep.include({
          level: 50,
          msg: `The panel is not ready: ${fix}; required plugins down because of it: nodes, servers, schedules, conductor, metrics. Fix it and restart the panel; /readyz answers 503 until then`,
        });
      } finally {
        await second?.close();
        await first?.close();
        await storage.cleanup();
      }
    });
  }

  it('is not ready while a plugin the operator marks required is down or missing; one not marked does not count', async () => {
    const broken = definePlugin({
      manifest: { name: 'payments', version: '1.0.0' },
      init() {
        throw new Error('cannot reach the payment provider');
      },
    });
    const optional = await startPanel({ database: 'sqlite', plugins: [broken] });
    try {
      expect((await readyz(optional.url)).status).to.equal(200);
    } finally {
      await optional.close();
    }

    const required = await startPanel({ database: 'sqlite', plugins: [broken], config: { PLUGINS_REQUIRED: 'payments,billing' } });
    try {
      const probe = await readyz(required.url);
      expect(probe.status).to.equal(503);
      expect(probe.body.error).to.deep.include({
        code: 'required_plugin_down',
        message:
          'The panel is not ready: plugin "payments" failed during init: cannot reach the payment provider; plugin "billing" is not installed',
      });
    } finally {
      await required.close();
    }

    // A core module turned off on purpose is no reason to send users elsewhere.
    const withoutUi = await startPanel({ database: 'sqlite', config: { PLUGINS_DISABLED: 'ui' } });
    try {
      expect((await readyz(withoutUi.url)).status).to.equal(200);
    } finally {
      await withoutUi.close();
    }
  });

  it('refuses a plugin that is both required and disabled', () => {
    expect(() => loadConfig({}, { PLUGINS_REQUIRED: 'backups', PLUGINS_DISABLED: 'backups,ui' }))
      .to.throw(ConfigError)
      .with.property(
        'message',
        'Configuration error: PLUGINS_REQUIRED: "backups" is also in PLUGINS_DISABLED; a plugin cannot be both, got "backups"',
      );
  });
});
