import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { startPanel, type TestPanel } from '@conductor/test';
import { definePlugin } from '../../../kernel/plugin.js';
import { uiModule } from '../index.js';

describe('ui module: the built panel UI at / behind the API', () => {
  let dist: string;
  let panel: TestPanel;
  const broken = definePlugin({
    manifest: { name: 'broken-fallback', version: '1.0.0' },
    fallback: () => {
      throw new Error('cannot serve');
    },
  });

  before(async () => {
    dist = mkdtempSync(path.join(tmpdir(), 'conductor-ui-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(path.join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(path.join(tmpdir(), 'conductor-ui-secret.txt'), 'do-not-serve-7f3a');
    panel = await startPanel({
      database: 'sqlite',
      withoutCoreModules: true,
      plugins: [uiModule, broken],
      config: { plugins: { ui: { dir: dist } } },
    });
  });
  after(async () => {
    await panel.close();
    rmSync(dist, { recursive: true, force: true });
    rmSync(path.join(tmpdir(), 'conductor-ui-secret.txt'), { force: true });
  });

  it('serves index.html at / and for deep links, with a CSP and no caching', async () => {
    const head = await panel.request('HEAD', '/servers', { auth: false });
    expect(head.status).to.equal(200);
    expect(head.headers.get('content-type')).to.contain('text/html');
    for (const p of ['/', '/servers/abc/console', '/login?next=/servers']) {
      const res = await panel.request('GET', p, { auth: false });
      expect(res.status, p).to.equal(200);
      expect(res.headers.get('content-type')).to.contain('text/html');
      expect(res.body).to.contain('<title>app</title>');
      expect(res.headers.get('content-security-policy')).to.contain("script-src 'self'");
      expect(res.headers.get('cache-control')).to.equal('no-cache');
    }
  });

  it('serves hashed assets with a long cache and 404s a missing one', async () => {
    const res = await panel.request('GET', '/assets/app-1234.js', { auth: false });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('javascript');
    expect(res.headers.get('cache-control')).to.contain('immutable');
    expect((await panel.request('GET', '/assets/gone-0000.js', { auth: false })).status).to.equal(404);
  });

  it('leaves the API, sockets and probes alone: their 404s stay JSON', async () => {
    const api = await panel.request('GET', '/api/nothing/here', { auth: false });
    expect(api.status).to.equal(404);
    expect(api.body.error.code).to.equal('not_found');
    expect((await panel.request('GET', '/api', { auth: false })).body.error.code).to.equal('not_found');
    expect((await panel.request('GET', '/healthz', { auth: false })).body).to.deep.equal({ status: 'ok' });
    expect((await panel.request('POST', '/servers', { auth: false, body: {} })).status, 'only GET and HEAD reach the UI').to.equal(404);
  });

  it('never serves a file outside its folder', async () => {
    for (const p of [
      '/../conductor-ui-secret.txt',
      '/%2e%2e/conductor-ui-secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fconductor-ui-secret.txt',
      '/%E0%A4%A',
    ]) {
      const res = await fetch(`${panel.url}${p}`);
      expect(await res.text(), p).to.not.contain('do-not-serve-7f3a');
    }
  });

  it('disables a plugin whose fallback throws, and the panel keeps serving', async () => {
    expect(panel.kernel.plugins.get('broken-fallback')?.state).to.equal('failed');
    expect(panel.kernel.plugins.get('broken-fallback')?.error?.message).to.equal('cannot serve');
    expect((await panel.request('GET', '/', { auth: false })).status).to.equal(200);
  });

  it('says how to build the UI when it is missing', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'conductor-ui-empty-'));
    const bare = await startPanel({
      database: 'sqlite',
      withoutCoreModules: true,
      plugins: [uiModule],
      config: { plugins: { ui: { dir: empty } } },
    });
    try {
      const res = await bare.request('GET', '/servers', { auth: false });
      expect(res.status).to.equal(503);
      expect(res.body).to.contain('npm run build:ui');
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("ui module: plugins' UI bundles, served and listed for the panel UI to load at run time", () => {
  let root: string;
  let panel: TestPanel;
  const IMPORT_MAP = '{"imports":{"vue":"/assets/vue-1234.js"}}';
  /** A plugin with a UI folder holding `files`. */
  function withUi(name: string, files: Record<string, string>, extra: Partial<Parameters<typeof definePlugin>[0]> = {}) {
    const folder = path.join(root, name);
    mkdirSync(path.join(folder, 'chunks'), { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(folder, file), text);
    return definePlugin({ manifest: { name, version: '1.0.0' }, ui: name === 'alpha' ? pathToFileURL(`${folder}/`) : folder, ...extra });
  }

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'conductor-plugin-ui-'));
    const dist = path.join(root, 'dist');
    mkdirSync(dist);
    writeFileSync(
      path.join(dist, 'index.html'),
      `<!doctype html><head><script type="importmap">${IMPORT_MAP}</script></head><title>app</title>`,
    );
    writeFileSync(path.join(root, 'secret.txt'), 'do-not-serve-91c2');
    panel = await startPanel({
      database: 'sqlite',
      withoutCoreModules: true,
      plugins: [
        uiModule,
        withUi('alpha', {
          'index.js': 'export default () => {}',
          'index.css': '.a{}',
          'b.css': '.b{}',
          'chunks/page-1.js': 'export default 1',
        }),
        withUi('beta', { 'index.js': 'export default () => {}' }),
        withUi('unbuilt', { 'readme.txt': 'run the build' }),
        withUi('off', { 'index.js': 'export default () => {}' }),
        withUi(
          'broken',
          { 'index.js': 'export default () => {}' },
          {
            init: () => {
              throw new Error('no database');
            },
          },
        ),
      ],
      config: { PLUGINS_DISABLED: 'off', plugins: { ui: { dir: dist } } },
    });
  });
  after(async () => {
    await panel.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('lists the active plugins that have a built UI, with their entry and stylesheets, to anyone', async () => {
    const res = await panel.request('GET', '/api/ui/plugins', { auth: false });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      plugins: [
        { name: 'alpha', entry: '/plugin-ui/alpha/index.js', styles: ['/plugin-ui/alpha/b.css', '/plugin-ui/alpha/index.css'] },
        { name: 'beta', entry: '/plugin-ui/beta/index.js', styles: [] },
      ],
    });
    const openapi = (await panel.request('GET', '/api/openapi.json')).body;
    expect(openapi.paths['/api/ui/plugins'].get.security).to.deep.equal([]);
    const warning = panel.logs.lines.find((l) => l.plugin === 'unbuilt' && String(l.msg).includes('declares a UI'));
    expect(warning, 'a declared but unbuilt UI is logged').to.not.equal(undefined);
  });

  it("serves the files of an active plugin's UI folder, and nothing of a disabled or failed one", async () => {
    const entry = await panel.request('GET', '/plugin-ui/alpha/index.js', { auth: false });
    expect(entry.status).to.equal(200);
    expect(entry.headers.get('content-type')).to.contain('text/javascript');
    expect(entry.headers.get('cache-control')).to.equal('no-cache');
    expect(entry.body).to.equal('export default () => {}');
    expect((await panel.request('GET', '/plugin-ui/alpha/chunks/page-1.js', { auth: false })).body).to.equal('export default 1');
    expect((await panel.request('GET', '/plugin-ui/alpha/index.css', { auth: false })).headers.get('content-type')).to.contain('text/css');
    for (const p of [
      '/plugin-ui/off/index.js',
      '/plugin-ui/broken/index.js',
      '/plugin-ui/nobody/index.js',
      '/plugin-ui/alpha/gone.js',
      '/plugin-ui/alpha/',
      '/plugin-ui/alpha',
      '/plugin-ui/alpha/chunks',
      '/plugin-ui',
    ]) {
      const res = await panel.request('GET', p, { auth: false });
      expect(res.status, p).to.equal(404);
      expect(String(res.body), `${p} is not the app`).to.not.contain('<title>app</title>');
    }
  });

  it("never serves a file outside a plugin's UI folder", async () => {
    for (const p of [
      '/plugin-ui/alpha/../secret.txt',
      '/plugin-ui/alpha/%2e%2e/secret.txt',
      '/plugin-ui/alpha/chunks/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/plugin-ui/alpha/..%5csecret.txt',
      '/plugin-ui/alpha/%00',
      '/plugin-ui/%2e%2e/secret.txt',
      '/plugin-ui/alpha/%E0%A4%A',
    ]) {
      const res = await fetch(`${panel.url}${p}`);
      expect(await res.text(), p).to.not.contain('do-not-serve-91c2');
    }
  });

  it("allows the page's inline import map by its hash and no other inline script", async () => {
    const res = await panel.request('GET', '/servers', { auth: false });
    const hash = createHash('sha256').update(IMPORT_MAP).digest('base64');
    const scriptSrc = res.headers
      .get('content-security-policy')!
      .split('; ')
      .find((d) => d.startsWith('script-src '));
    expect(scriptSrc).to.equal(`script-src 'self' 'sha256-${hash}'`);
  });
});
