import { expect } from 'chai';
import { z } from 'zod';
import { definePlugin, HookBus, HookError, type BailHook, type ParallelHook, type SeriesHook, type WaterfallHook } from '@conductor/core';
import { startPanel, type TestPanel } from '@conductor/test';
// The first-party plugin that taps core's hooks (server.beforeDelete, server.backup) and the marketplace's.
import backups from '../../plugins/backups/src/index.js';

interface ServerSpec {
  memoryMb: number;
  notes: string[];
}

declare module '@conductor/core' {
  interface HookTypes {
    'test.series': SeriesHook<[string[]]>;
    'test.parallel': ParallelHook<[string[]]>;
    'test.waterfall': WaterfallHook<ServerSpec, [string]>;
    'test.bail': BailHook<[{ credit: number }], { refuse: string }>;
    'test.spec': WaterfallHook<ServerSpec>;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hook bus', () => {
  it('series runs every tap one after the other', async () => {
    const bus = new HookBus();
    bus.define('test.series', 'series');
    bus.tap('test.series', 'slow', async (log) => {
      log.push('slow:start');
      await sleep(20);
      log.push('slow:end');
    });
    bus.tap('test.series', 'fast', (log) => void log.push('fast'));
    const log: string[] = [];
    await bus.call('test.series', log);
    expect(log).to.deep.equal(['slow:start', 'slow:end', 'fast']);
  });

  it('parallel starts every tap before any finishes', async () => {
    const bus = new HookBus();
    bus.define('test.parallel', 'parallel');
    for (const name of ['a', 'b']) {
      bus.tap('test.parallel', name, async (log) => {
        log.push(`${name}:start`);
        await sleep(20);
        log.push(`${name}:end`);
      });
    }
    const log: string[] = [];
    await bus.call('test.parallel', log);
    expect(log.slice(0, 2).sort()).to.deep.equal(['a:start', 'b:start']);
  });

  it('waterfall passes each result to the next tap', async () => {
    const bus = new HookBus();
    bus.define('test.waterfall', 'waterfall');
    bus.tap('test.waterfall', 'double', (spec, who) => ({ memoryMb: spec.memoryMb * 2, notes: [...spec.notes, `double by ${who}`] }));
    bus.tap('test.waterfall', 'plus', async (spec) => ({ ...spec, memoryMb: spec.memoryMb + 512 }));
    const result = await bus.call('test.waterfall', { memoryMb: 1024, notes: [] }, 'admin');
    expect(result).to.deep.equal({ memoryMb: 2560, notes: ['double by admin'] });
  });

  it('bail stops at the first tap that answers', async () => {
    const bus = new HookBus();
    bus.define('test.bail', 'bail');
    const seen: string[] = [];
    bus.tap('test.bail', 'audit', () => void seen.push('audit'));
    bus.tap('test.bail', 'billing', ({ credit }) => (credit <= 0 ? { refuse: 'no credit' } : undefined));
    bus.tap('test.bail', 'never', () => {
      seen.push('never');
      return { refuse: 'should not run' };
    });
    expect(await bus.call('test.bail', { credit: 0 })).to.deep.equal({ refuse: 'no credit' });
    expect(seen).to.deep.equal(['audit']);
    seen.length = 0;
    expect(await bus.call('test.bail', { credit: 5 })).to.deep.equal({ refuse: 'should not run' });
  });

  it('orders taps by before, after and stage, keeping registration order otherwise', async () => {
    const bus = new HookBus();
    bus.define('test.series', 'series');
    const tap = (name: string, opts: Record<string, unknown> = {}) =>
      bus.tap('test.series', { name, ...opts }, (log) => void log.push(name));
    tap('webhooks');
    tap('billing', { before: 'webhooks' });
    tap('audit', { after: ['billing', 'webhooks'] });
    tap('security', { stage: -10 });
    tap('metrics');
    const log: string[] = [];
    await bus.call('test.series', log);
    expect(log).to.deep.equal(['security', 'billing', 'webhooks', 'audit', 'metrics']);
    expect(bus.taps('test.series')).to.deep.equal(log);
  });

  it('reports a before/after cycle, an undeclared hook, a duplicate tap and a duplicate declaration', () => {
    const bus = new HookBus();
    bus.define('test.series', 'series');
    bus.tap('test.series', { name: 'a', before: 'b' }, () => undefined);
    bus.tap('test.series', { name: 'b', before: 'a' }, () => undefined);
    expect(() => bus.validate()).to.throw(HookError, /cycle: a, b/);
    expect(() => bus.tap('test.bail', 'x', () => undefined)).to.throw(HookError, /not declared/);
    expect(() => bus.tap('test.series', 'a', () => undefined)).to.throw(HookError, /already has a tap named "a"/);
    expect(() => bus.define('test.series', 'series')).to.throw(HookError, /already declared/);
  });

  describe('between plugins', () => {
    let panel: TestPanel | null = null;
    afterEach(async () => {
      await panel?.close();
      panel = null;
    });

    it('lets a dependent plugin adjust what the owner computes, and drops its taps if it fails', async () => {
      const owner = definePlugin({
        manifest: { name: 'spec-owner', version: '1.0.0' },
        register: (ctx) => ctx.defineHook('test.spec', 'waterfall'),
        routes: (r) =>
          r.route({
            method: 'post',
            path: '/preview',
            summary: 'Preview a server spec after every plugin adjusted it',
            access: 'user',
            body: z.object({ memoryMb: z.number().int().positive() }),
            response: { schema: z.object({ memoryMb: z.number(), notes: z.array(z.string()) }) },
            handler: ({ body, scope }) => scope.cradle.hooks.call('test.spec', { memoryMb: body.memoryMb, notes: [] }),
          }),
      });
      const overhead = definePlugin({
        manifest: { name: 'overhead', version: '1.0.0', dependsOn: ['spec-owner'] },
        register: (ctx) =>
          ctx.tap('test.spec', 'jvm-overhead', (spec) => ({ memoryMb: spec.memoryMb + 256, notes: [...spec.notes, 'overhead'] })),
      });
      const failing = definePlugin({
        manifest: { name: 'failing', version: '1.0.0', dependsOn: ['spec-owner'] },
        register: (ctx) => ctx.tap('test.spec', 'zero', () => ({ memoryMb: 0, notes: ['failing'] })),
        init: () => {
          throw new Error('nope');
        },
      });
      panel = await startPanel({ database: 'sqlite', plugins: [owner, overhead, failing] });
      const res = await panel.request('POST', '/api/spec-owner/preview', { body: { memoryMb: 1024 } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ memoryMb: 1280, notes: ['overhead'] });
      const hooks = (await panel.request('GET', '/api/admin/hooks')).body.hooks as Array<{ name: string; owner: string; taps: string[] }>;
      expect(hooks.find((h) => h.name === 'test.spec')).to.deep.equal({
        name: 'test.spec',
        kind: 'waterfall',
        owner: 'spec-owner',
        taps: ['jvm-overhead'],
      });
    });

    it('fails a plugin that taps a hook whose owner it does not depend on', async () => {
      const stray = definePlugin({ manifest: { name: 'stray', version: '1.0.0' }, register: (ctx) => ctx.tap('test.spec', 'x', (s) => s) });
      panel = await startPanel({ database: 'sqlite', plugins: [stray] });
      const plugin = (await panel.request('GET', '/api/admin/plugins')).body.plugins.find((p: { name: string }) => p.name === 'stray');
      expect(plugin.state).to.equal('failed');
      expect(plugin.error.message).to.match(/hook "test.spec" is not declared/);
    });
  });

  describe('declared by their owners', () => {
    let panel: TestPanel | null = null;
    afterEach(async () => {
      await panel?.close();
      panel = null;
    });

    /** Stands in for the marketplace plugin, which owns marketplace.beforeInstall. */
    const marketplace = definePlugin({
      manifest: { name: 'marketplace', version: '0.0.0' },
      register: (ctx) => ctx.defineHook('marketplace.beforeInstall', 'series'),
    });
    const listHooks = async (p: TestPanel) =>
      (await p.request('GET', '/api/admin/hooks')).body.hooks as Array<{ name: string; owner: string; taps: string[] }>;

    it('has a tap on every hook the core modules and backups declare; backups taps the marketplace hook when it is installed, given before or after it', async () => {
      for (const plugins of [
        [backups, marketplace],
        [marketplace, backups],
      ]) {
        panel = await startPanel({ database: 'sqlite', plugins });
        const hooks = await listHooks(panel);
        // server.ofTeam is answered by the teams plugin alone: without it, a team filter lists nothing.
        // node.confirmLost by the scaling plugin (for its cloud nodes): without it, silence decides.
        const forOptionalPlugins = new Set(['server.ofTeam', 'node.confirmLost']);
        expect(
          hooks.filter((h) => h.taps.length === 0 && !forOptionalPlugins.has(h.name)).map((h) => h.name),
          'hooks nobody taps',
        ).to.deep.equal([]);
        expect(hooks.find((h) => h.name === 'marketplace.beforeInstall')).to.deep.equal({
          name: 'marketplace.beforeInstall',
          kind: 'series',
          owner: 'marketplace',
          taps: ['backups'],
        });
        expect(Object.fromEntries(hooks.map((h) => [h.name, h.taps[0]]))).to.deep.include({
          'auth.serverPermissions': 'accounts-subuser-grants',
          'server.beforeCreate': 'servers.template-defaults',
          'server.beforeStart': 'servers.suspended',
          'node.placement': 'servers.draining',
        });
        await panel.close();
        panel = null;
      }
    });

    it('loads backups without the marketplace: no marketplace hook, nothing failed', async () => {
      panel = await startPanel({ database: 'sqlite', plugins: [backups] });
      const plugins = (await panel.request('GET', '/api/admin/plugins')).body.plugins as Array<{ name: string; state: string }>;
      expect(plugins.find((p) => p.name === 'backups')?.state).to.equal('started');
      expect((await listHooks(panel)).map((h) => h.name)).to.not.include('marketplace.beforeInstall');
    });
  });
});
