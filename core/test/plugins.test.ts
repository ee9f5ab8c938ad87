import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { z } from 'zod';
import { io as connect } from 'socket.io-client';
import { AppError, BootError, ConfigError, definePlugin, PLUGIN_API_VERSION, type PluginDefinition } from '@conductor/core';
import { DATABASES, startPanel, type TestPanel } from '@conductor/test';

function recorder() {
  const calls: string[] = [];
  const make = (name: string, extra: Partial<PluginDefinition> = {}, dependsOn: string[] = []) =>
    definePlugin({
      manifest: { name, version: '1.0.0', dependsOn },
      register: () => void calls.push(`register:${name}`),
      init: () => void calls.push(`init:${name}`),
      start: () => void calls.push(`start:${name}`),
      stop: () => void calls.push(`stop:${name}`),
      ...extra,
    });
  return { calls, make };
}

describe('plugin kernel', () => {
  let panel: TestPanel | null = null;
  afterEach(async () => {
    await panel?.close();
    panel = null;
  });

  it('registers, inits and starts plugins after their dependencies, and stops them in reverse', async () => {
    const { calls, make } = recorder();
    // Given in the "wrong" order on purpose.
    panel = await startPanel({
      database: 'sqlite',
      plugins: [make('billing', {}, ['backups']), make('webhooks'), make('backups', {}, ['webhooks'])],
    });
    const phase = (p: string) => calls.filter((c) => c.startsWith(p)).map((c) => c.split(':')[1]);
    expect(phase('register')).to.deep.equal(['webhooks', 'backups', 'billing']);
    expect(phase('init')).to.deep.equal(['webhooks', 'backups', 'billing']);
    expect(phase('start')).to.deep.equal(['webhooks', 'backups', 'billing']);
    // Every register happens before the first init.
    expect(calls.indexOf('init:webhooks')).to.be.greaterThan(calls.indexOf('register:billing'));
    await panel.close();
    panel = null;
    expect(phase('stop')).to.deep.equal(['billing', 'backups', 'webhooks']);
  });

  it('refuses to boot on a dependency cycle, naming the plugins in it', async () => {
    const { make } = recorder();
    let error: unknown;
    try {
      panel = await startPanel({ database: 'sqlite', plugins: [make('a', {}, ['b']), make('b', {}, ['c']), make('c', {}, ['a'])] });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(BootError);
    expect((error as Error).message).to.match(/cycle: a -> b -> c -> a/);
  });

  it('refuses to boot on a missing dependency, naming both plugins', async () => {
    const { make } = recorder();
    let error: unknown;
    try {
      panel = await startPanel({ database: 'sqlite', plugins: [make('billing', {}, ['backups'])] });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(BootError);
    expect((error as Error).message).to.equal('plugin "billing" depends on "backups", which is not installed or is disabled');
  });

  for (const database of DATABASES) {
    it(`isolates a plugin whose init throws, and the plugins that depend on it (${database})`, async () => {
      const { calls, make } = recorder();
      const broken = make('broken', {
        init: () => {
          throw new Error('cannot reach the payment provider');
        },
        routes: (r) =>
          r.route({
            method: 'get',
            path: '/ping',
            summary: 'ping',
            access: 'public',
            response: { schema: z.object({ ok: z.boolean() }) },
            handler: () => ({ ok: true }),
          }),
      });
      const healthy = make('healthy', {
        routes: (r) =>
          r.route({
            method: 'get',
            path: '/ping',
            summary: 'ping',
            access: 'public',
            response: { schema: z.object({ ok: z.boolean() }) },
            handler: () => ({ ok: true }),
          }),
      });
      panel = await startPanel({ database, plugins: [broken, make('dependent', {}, ['broken']), healthy] });

      const res = await panel.request('GET', '/api/admin/plugins');
      expect(res.status).to.equal(200);
      const byName = Object.fromEntries((res.body.plugins as Array<{ name: string }>).map((p) => [p.name, p]));
      expect(byName.broken).to.deep.include({ state: 'failed', error: { phase: 'init', message: 'cannot reach the payment provider' } });
      expect(byName.dependent).to.deep.include({ state: 'failed', error: { phase: 'init', message: 'dependency "broken" failed' } });
      expect(byName.healthy).to.deep.include({ state: 'started', error: null });
      expect(calls).to.not.include('start:broken');
      expect(calls).to.not.include('init:dependent');

      expect((await panel.request('GET', '/api/healthy/ping')).body).to.deep.equal({ ok: true });
      const gone = await panel.request('GET', '/api/broken/ping');
      expect(gone.status).to.equal(404);
      expect((await panel.request('GET', '/readyz')).status).to.equal(200);
      const logLine = panel.logs.lines.find((l) => l.plugin === 'broken' && l.phase === 'init');
      expect(logLine?.msg).to.equal('plugin "broken" failed during init and is disabled');
    });
  }

  it('disables a plugin that fails in start: its routes answer 503 plugin_unavailable', async () => {
    const { make } = recorder();
    const flaky = make('flaky', {
      start: () => {
        throw new Error('port already taken');
      },
      routes: (r) =>
        r.route({ method: 'get', path: '/x', summary: 'x', access: 'public', response: { schema: z.object({}) }, handler: () => ({}) }),
    });
    panel = await startPanel({ database: 'sqlite', plugins: [flaky] });
    const res = await panel.request('GET', '/api/flaky/x');
    expect(res.status).to.equal(503);
    expect(res.body.error.code).to.equal('plugin_unavailable');
  });

  it('isolates a plugin whose register throws', async () => {
    const { make } = recorder();
    panel = await startPanel({
      database: 'sqlite',
      plugins: [
        make('bad', {
          register: () => {
            throw new Error('boom');
          },
        }),
      ],
    });
    const res = await panel.request('GET', '/api/admin/plugins');
    expect(res.body.plugins.find((p: { name: string }) => p.name === 'bad')).to.deep.include({
      state: 'failed',
      error: { phase: 'register', message: 'boom' },
    });
  });

  it('parses plugin config with its schema before anything runs; a bad value names the key', async () => {
    const { calls, make } = recorder();
    const billing = make('billing', { configSchema: z.object({ pricePerGbHourCents: z.number().int().min(0) }) });
    let error: unknown;
    try {
      panel = await startPanel({
        database: 'sqlite',
        plugins: [billing],
        config: { plugins: { billing: { pricePerGbHourCents: 'two' } } },
      });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.match(/^Configuration error: plugins\.billing: pricePerGbHourCents: .*got "two"$/);
    expect(calls).to.deep.equal([]);
  });

  it('leaves a plugin out when PLUGINS_DISABLED names it', async () => {
    const { calls, make } = recorder();
    panel = await startPanel({ database: 'sqlite', plugins: [make('optional')], config: { PLUGINS_DISABLED: 'optional' } });
    expect(calls).to.deep.equal([]);
    const res = await panel.request('GET', '/api/admin/plugins');
    expect(res.body.plugins.find((p: { name: string }) => p.name === 'optional').state).to.equal('disabled');
  });

  it("answers a socket.authenticate tap's 4xx refusal with its code and a warning, anything else as internal_error", async () => {
    const prober = definePlugin({
      manifest: { name: 'prober', version: '1.0.0' },
      register(ctx) {
        ctx.tap('socket.authenticate', { name: 'prober' }, (request) => {
          if (request.headers['x-probe'] === 'client') throw new AppError(403, 'ip_not_allowed', 'Not from this network');
          if (request.headers['x-probe'] === 'bug') throw new Error('a bug');
          return undefined;
        });
      },
    });
    panel = await startPanel({ database: 'sqlite', plugins: [prober] });
    const attempt = (probe: string) =>
      new Promise<{ message: string; data: unknown }>((resolve) => {
        const socket = connect(panel!.url, { transports: ['websocket'], reconnection: false, extraHeaders: { 'x-probe': probe } });
        socket.on('connect_error', (err) => {
          socket.close();
          resolve({ message: err.message, data: (err as Error & { data?: unknown }).data });
        });
      });
    expect(await attempt('client')).to.deep.equal({
      message: 'ip_not_allowed',
      data: { code: 'ip_not_allowed', message: 'Not from this network' },
    });
    expect(await attempt('bug')).to.deep.equal({
      message: 'internal_error',
      data: { code: 'internal_error', message: 'Authentication failed on our side' },
    });
    const logged = panel.logs.lines.filter((l) => /socket authentication/.test(String(l.msg))).map((l) => [l.level, l.msg]);
    expect(logged).to.deep.equal([
      [40, 'socket authentication refused'],
      [50, 'socket authentication failed'],
    ]);
  });

  describe('discovery', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(path.join(tmpdir(), 'conductor-discovery-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const pluginSource = (name: string, version: string, api: string | null = '^1.0.0') => `
      export default {
        manifest: { name: '${name}', version: '${version}'${api ? `, api: '${api}'` : ''} },
        routes(r) {
          r.route({ method: 'get', path: '/hello', summary: 'hello', access: 'public', response: {}, handler: ({ ctx }) => { ctx.body = { from: '${name}' }; } });
        },
      };`;

    it('loads first-party plugins, npm packages that declare themselves, and a plugins directory', async () => {
      // first-party: plugins/<name> with package.json conductor.plugin
      mkdirSync(path.join(root, 'plugins', 'teams'), { recursive: true });
      writeFileSync(
        path.join(root, 'plugins', 'teams', 'package.json'),
        JSON.stringify({ name: '@conductor/plugin-teams', conductor: { plugin: './index.js' } }),
      );
      writeFileSync(path.join(root, 'plugins', 'teams', 'index.js'), pluginSource('teams', '1.0.0'));
      // npm: a dependency of the install whose package.json declares it
      writeFileSync(
        path.join(root, 'package.json'),
        JSON.stringify({ name: 'install', dependencies: { 'conductor-plugin-motd': '1.0.0', 'left-pad': '1.0.0' } }),
      );
      mkdirSync(path.join(root, 'node_modules', 'conductor-plugin-motd'), { recursive: true });
      writeFileSync(
        path.join(root, 'node_modules', 'conductor-plugin-motd', 'package.json'),
        JSON.stringify({ name: 'conductor-plugin-motd', conductor: { plugin: 'main.js' } }),
      );
      writeFileSync(path.join(root, 'node_modules', 'conductor-plugin-motd', 'main.js'), pluginSource('motd', '2.1.0'));
      mkdirSync(path.join(root, 'node_modules', 'left-pad'), { recursive: true });
      writeFileSync(path.join(root, 'node_modules', 'left-pad', 'package.json'), JSON.stringify({ name: 'left-pad' }));
      // plugins directory: a folder with an index.js, and one that does not load
      const dir = path.join(root, 'community');
      mkdirSync(path.join(dir, 'greeter'), { recursive: true });
      writeFileSync(path.join(dir, 'greeter', 'index.js'), pluginSource('greeter', '0.3.0'));
      mkdirSync(path.join(dir, 'syntax-error'), { recursive: true });
      writeFileSync(path.join(dir, 'syntax-error', 'index.js'), 'export default {{');

      panel = await startPanel({ database: 'sqlite', discover: true, appRoot: root, config: { PLUGINS_DIR: dir } });
      for (const name of ['teams', 'motd', 'greeter']) {
        expect((await panel.request('GET', `/api/${name}/hello`)).body).to.deep.equal({ from: name });
      }
      const plugins = (await panel.request('GET', '/api/admin/plugins')).body.plugins as Array<{
        name: string;
        source: string;
        state: string;
        version: string;
      }>;
      expect(plugins.find((p) => p.name === 'motd')).to.deep.include({
        source: 'npm:conductor-plugin-motd',
        version: '2.1.0',
        state: 'started',
      });
      expect(plugins.find((p) => p.name === 'teams')).to.deep.include({ source: 'plugins/teams', state: 'started' });
      const failed = plugins.find((p) => p.name === 'syntax-error');
      expect(failed).to.deep.include({ state: 'failed' });
      expect(plugins.map((p) => p.name)).to.not.include('left-pad');
    });

    it('refuses a plugin written for another plugin API major, or one that does not say, naming both versions', async () => {
      const dir = path.join(root, 'community');
      for (const [name, api] of [
        ['future', '^2.0.0'],
        ['silent', null],
        ['current', '^1.0.0'],
      ] as const) {
        mkdirSync(path.join(dir, name), { recursive: true });
        writeFileSync(path.join(dir, name, 'index.js'), pluginSource(name, '1.4.0', api));
      }
      panel = await startPanel({ database: 'sqlite', discover: true, appRoot: root, config: { PLUGINS_DIR: dir } });
      const plugins = (await panel.request('GET', '/api/admin/plugins')).body.plugins as Array<{
        name: string;
        state: string;
        error: { phase: string; message: string } | null;
      }>;
      const byName = (n: string) => plugins.find((p) => p.name === n)!;
      expect(byName('current').state).to.equal('started');
      expect(byName('future')).to.deep.include({
        state: 'failed',
        error: {
          phase: 'load',
          message: `dir:${path.join(dir, 'future')}: plugin "future" 1.4.0 needs plugin API ^2.0.0; this panel provides plugin API ${PLUGIN_API_VERSION}`,
        },
      });
      expect(byName('silent').error!.message).to.match(/manifest\.api is missing/);
      expect((await panel.request('GET', '/api/future/hello')).status).to.equal(404);
    });
  });
});
