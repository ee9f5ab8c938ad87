import { expect } from 'chai';
import { z } from 'zod';
import { BootError, definePlugin, type PermissionGroupDeclaration, type PluginDefinition } from '@conductor/core';
import { startPanel, type TestPanel } from '@conductor/test';

const label = { en: 'Label', de: 'Bezeichnung' };
const group = (name: string, implies: string[] = []): PermissionGroupDeclaration => ({
  group: name,
  label,
  keys: [{ action: 'read', label, implies }],
});

function plugin(name: string, extra: Partial<PluginDefinition> = {}): PluginDefinition {
  return definePlugin({ manifest: { name, version: '1.0.0' }, ...extra });
}

const serverRoute =
  (permission: string): PluginDefinition['routes'] =>
  (r) =>
    r.route({
      method: 'get',
      path: '/servers/:serverId',
      summary: 'x',
      access: 'user',
      permission,
      params: z.object({ serverId: z.string() }),
      response: { schema: z.object({}) },
      handler: () => ({}),
    });

describe('plugin kernel: permission keys owned by plugins', () => {
  let panel: TestPanel | null = null;
  afterEach(async () => {
    await panel?.close();
    panel = null;
  });

  async function states(): Promise<Record<string, { state: string; error: { phase: string; message: string } | null }>> {
    const res = await panel!.request('GET', '/api/admin/plugins');
    return Object.fromEntries((res.body.plugins as Array<{ name: string }>).map((p) => [p.name, p])) as never;
  }

  it("lists a plugin's keys while it runs; a group another plugin owns, or a route or socket event naming an undeclared key, disables the plugin by name", async () => {
    panel = await startPanel({
      database: 'sqlite',
      plugins: [
        plugin('alpha', { permissions: [group('alpha')], routes: serverRoute('alpha.read') }),
        plugin('copycat', { permissions: [group('alpha')] }),
        plugin('careless', { routes: serverRoute('ghost.read') }),
        plugin('loud', { sockets: () => undefined, socketPermissions: { 'x:do': 'ghost.write' } }),
        plugin('borrower', { routes: serverRoute('control.start') }),
      ],
    });
    const byName = await states();
    expect(byName.alpha!.state).to.equal('started');
    expect(byName.copycat).to.deep.include({
      state: 'failed',
      error: { phase: 'register', message: 'permission group "alpha" is already declared by plugin "alpha"' },
    });
    expect(byName.careless!.state).to.equal('failed');
    expect(byName.careless!.error!.message).to.equal(
      "GET /api/careless/servers/:serverId: a route needs permission key ghost.read, which no plugin declares (declare it in the plugin's permissions)",
    );
    expect(byName.loud!.error!.message).to.match(/socket event needs permission key ghost\.write/);
    expect(byName.borrower!.state, "a key of another plugin (servers' control.start) may be used").to.equal('started');

    const keys = await panel.request('GET', '/api/auth/permission-keys');
    expect(keys.status).to.equal(200);
    expect(keys.body.keys).to.include('alpha.read');
    expect(keys.body.groups.find((g: { group: string }) => g.group === 'alpha')).to.deep.equal({
      group: 'alpha',
      plugin: 'alpha',
      label,
      keys: [{ key: 'alpha.read', label, implies: [] }],
    });
  });

  it('does not offer the keys of a plugin the operator disabled', async () => {
    panel = await startPanel({
      database: 'sqlite',
      plugins: [plugin('alpha', { permissions: [group('alpha')] })],
      config: { PLUGINS_DISABLED: 'alpha' },
    });
    const keys = await panel.request('GET', '/api/auth/permission-keys');
    expect(keys.body.keys).to.not.include('alpha.read');
    expect(keys.body.keys).to.include('control.start');
  });

  it('refuses to boot when a key implies one that nobody declares, or a declaration is malformed', async () => {
    for (const [plugins, message] of [
      [
        [plugin('alpha', { permissions: [group('alpha', ['beta.read'])] })],
        /permission key "alpha\.read" \(plugin "alpha"\) implies unknown keys: beta\.read/,
      ],
    ] as const) {
      let error: unknown;
      try {
        panel = await startPanel({ database: 'sqlite', plugins: [...plugins] });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(BootError);
      expect((error as Error).message).to.match(message);
    }
    panel = await startPanel({
      database: 'sqlite',
      plugins: [plugin('shouty', { permissions: [{ group: 'Shouty', label, keys: [{ action: 'read', label }] }] })],
    });
    const byName = await states();
    expect(byName.shouty!.state).to.equal('failed');
    expect(byName.shouty!.error!.message).to.match(/^permissions\[0\]: .*group/);
  });
});
