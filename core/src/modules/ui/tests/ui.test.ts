import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
    panel = await startPanel({ database: 'sqlite', withoutCoreModules: true, plugins: [uiModule, broken], config: { plugins: { ui: { dir: dist } } } });
  });
  after(async () => {
    await panel.close();
    rmSync(dist, { recursive: true, force: true });
    rmSync(path.join(tmpdir(), 'conductor-ui-secret.txt'), { force: true });
  });

  it('serves index.html at / and for deep links, with a CSP and no caching', async () => {
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
    for (const p of ['/../conductor-ui-secret.txt', '/%2e%2e/conductor-ui-secret.txt', '/assets/%2e%2e%2f%2e%2e%2fconductor-ui-secret.txt', '/%E0%A4%A']) {
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
    const bare = await startPanel({ database: 'sqlite', withoutCoreModules: true, plugins: [uiModule], config: { plugins: { ui: { dir: empty } } } });
    try {
      const res = await bare.request('GET', '/servers', { auth: false });
      expect(res.status).to.equal(503);
      expect(res.body).to.contain('npm run build -w panel-ui');
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
