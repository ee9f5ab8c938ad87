import { asClass, asValue } from 'awilix';
import { expect } from 'chai';
import { z } from 'zod';
import { BootError, coreServices, definePlugin, optionalService, serviceRef, type PluginDefinition } from '@conductor/core';
import { startPanel, type TestPanel } from '@conductor/test';

/** What the invoices service of the "billing" test plugin is; other test plugins consume it. */
class Invoices {
  readonly issued: string[] = [];
  issue(serverId: string): number {
    this.issued.push(serverId);
    return this.issued.length;
  }
}

/** Private to billing: not in its `provides`. */
class InvoiceRepository {}

declare module '@conductor/core' {
  interface Cradle {
    invoices: Invoices;
    invoiceRepository: InvoiceRepository;
  }
}

const invoicesRef = serviceRef('billing', 'invoices');

const billing = definePlugin({
  manifest: { name: 'billing', version: '1.0.0' },
  provides: [invoicesRef],
  register(ctx) {
    ctx.register({ invoices: asClass(Invoices).singleton(), invoiceRepository: asClass(InvoiceRepository).singleton() });
  },
});

/** A plugin with one public route that answers with what `probe` computes from the plugin's runtime and request scope. */
function probePlugin(
  name: string,
  extra: Partial<PluginDefinition>,
  probe: (input: {
    cradle: Record<string, unknown>;
    service: <T>(ref: { id: string; plugin: string; optional: boolean; type?: T }) => T;
  }) => unknown,
): PluginDefinition {
  let service!: <T>(ref: { id: string; plugin: string; optional: boolean; type?: T }) => T;
  return definePlugin({
    manifest: { name, version: '1.0.0' },
    ...extra,
    init(runtime) {
      service = runtime.service;
    },
    routes(router) {
      router.route({
        method: 'get',
        path: '/probe',
        summary: 'What the plugin can resolve',
        access: 'public',
        response: { schema: z.object({ answer: z.unknown() }) },
        handler: ({ scope }) => {
          try {
            return { answer: probe({ cradle: scope.cradle as unknown as Record<string, unknown>, service }) };
          } catch (err) {
            return { answer: { error: (err as Error).message } };
          }
        },
      });
    },
  });
}

async function bootError(plugins: PluginDefinition[]): Promise<Error> {
  try {
    const panel = await startPanel({ database: 'sqlite', plugins });
    await panel.close();
  } catch (err) {
    return err as Error;
  }
  throw new Error('the panel booted');
}

describe('plugin boundaries (provides and consumes)', () => {
  let panel: TestPanel | null = null;
  afterEach(async () => {
    await panel?.close();
    panel = null;
  });

  it('stops boot when a plugin consumes a service of a plugin that is not installed, naming both', async () => {
    const shop = definePlugin({ manifest: { name: 'shop', version: '1.0.0' }, consumes: [invoicesRef] });
    const error = await bootError([shop]);
    expect(error).to.be.instanceOf(BootError);
    expect(error.message).to.equal('plugin "shop" consumes "invoices" from plugin "billing", which is not installed or is disabled');
  });

  it('stops boot when a plugin consumes a registration its owner keeps private, naming both', async () => {
    const shop = definePlugin({ manifest: { name: 'shop', version: '1.0.0' }, consumes: [serviceRef('billing', 'invoiceRepository')] });
    const error = await bootError([billing, shop]);
    expect(error).to.be.instanceOf(BootError);
    expect(error.message).to.equal(
      'plugin "shop" consumes "invoiceRepository" from plugin "billing", which does not provide it (it is private to that plugin)',
    );
  });

  it("resolves a consumed service to the owner's instance, in routes and through runtime.service, whichever order the plugins are given in", async () => {
    const shop = probePlugin('shop', { consumes: [invoicesRef] }, ({ cradle, service }) => {
      const fromScope = cradle.invoices as Invoices;
      fromScope.issue('srv-1');
      return { same: service(invoicesRef) === fromScope, issued: service(invoicesRef).issued };
    });
    panel = await startPanel({ database: 'sqlite', withoutCoreModules: true, plugins: [shop, billing] });
    const res = await panel.request('GET', '/api/shop/probe');
    expect(res.status).to.equal(200);
    expect(res.body.answer).to.deep.equal({ same: true, issued: ['srv-1'] });
  });

  it('resolves an optional service that nobody provides to undefined', async () => {
    const shop = probePlugin('shop', { consumes: [optionalService(invoicesRef)] }, ({ cradle, service }) => ({
      fromScope: cradle.invoices === undefined ? 'undefined' : 'present',
      fromRuntime: service(optionalService(invoicesRef)) === undefined ? 'undefined' : 'present',
    }));
    panel = await startPanel({ database: 'sqlite', withoutCoreModules: true, plugins: [shop] });
    expect((await panel.request('GET', '/api/shop/probe')).body.answer).to.deep.equal({ fromScope: 'undefined', fromRuntime: 'undefined' });
  });

  it("refuses a plugin that resolves another plugin's repository, and one it did not declare, naming both plugins", async () => {
    const snoop = probePlugin('snoop', { consumes: [coreServices.servers.serverDirectory] }, ({ cradle }) => {
      const attempt = (name: string) => {
        try {
          return cradle[name] === undefined ? 'undefined' : 'resolved';
        } catch (err) {
          return (err as Error).message;
        }
      };
      return {
        directory: attempt('serverDirectory'),
        repository: attempt('serverRepository'),
        undeclared: attempt('nodeService'),
        kernel: attempt('events'),
      };
    });
    panel = await startPanel({ database: 'sqlite', plugins: [snoop] });
    const res = await panel.request('GET', '/api/snoop/probe');
    expect(res.body.answer).to.deep.equal({
      directory: 'resolved',
      repository:
        'plugin "snoop" resolved "serverRepository", which belongs to plugin "servers"; declare a service that plugin provides in consumes',
      undeclared:
        'plugin "snoop" resolved "nodeService", which belongs to plugin "nodes"; declare a service that plugin provides in consumes',
      kernel: 'resolved',
    });
  });

  it("fails a plugin whose service injects another plugin's repository when it is first resolved (init)", async () => {
    class Snooper {
      constructor(readonly deps: { invoiceRepository: InvoiceRepository }) {
        void deps.invoiceRepository;
      }
    }
    const snoop = definePlugin({
      manifest: { name: 'snoop', version: '1.0.0' },
      consumes: [invoicesRef],
      register(ctx) {
        ctx.register({ snooper: asClass(Snooper).singleton() } as never);
      },
      init({ cradle }) {
        void (cradle as unknown as { snooper: Snooper }).snooper;
      },
    });
    panel = await startPanel({ database: 'sqlite', plugins: [billing, snoop] });
    const plugins = (await panel.request('GET', '/api/admin/plugins')).body.plugins as Array<{
      name: string;
      state: string;
      error: { phase: string; message: string } | null;
    }>;
    const status = plugins.find((p) => p.name === 'snoop');
    expect(status?.state).to.equal('failed');
    expect(status?.error?.phase).to.equal('init');
    expect(status?.error?.message).to.contain('plugin "snoop" resolved "invoiceRepository", which belongs to plugin "billing"');
  });

  it('fails a plugin that resolves a service during register, and refuses a name another plugin registered', async () => {
    const eager = definePlugin({
      manifest: { name: 'eager', version: '1.0.0' },
      register(ctx) {
        void ctx.cradle.db;
      },
    });
    const copycat = definePlugin({
      manifest: { name: 'copycat', version: '1.0.0' },
      register(ctx) {
        ctx.register({ invoices: asValue(new Invoices()) });
      },
    });
    panel = await startPanel({ database: 'sqlite', plugins: [billing, eager, copycat] });
    const byName = Object.fromEntries(
      ((await panel.request('GET', '/api/admin/plugins')).body.plugins as Array<{ name: string }>).map((p) => [p.name, p]),
    );
    expect(byName.eager).to.deep.include({
      state: 'failed',
      error: {
        phase: 'register',
        message: 'plugin "eager" resolved "db" during register; resolve services when a tap, subscriber or job runs (or in init)',
      },
    });
    expect(byName.copycat).to.deep.include({
      state: 'failed',
      error: { phase: 'register', message: 'plugin "copycat" registers "invoices", which plugin "billing" already registers' },
    });
    expect(byName.billing).to.deep.include({ state: 'started' });
  });
});
