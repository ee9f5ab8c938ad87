import { expect } from 'chai';
import { createStorage, DATABASES, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { createServerFor, deleteAllServers } from '../../servers/tests/server-fixtures.js';

const config = { plugins: { auth: { scryptCost: 1024 } } };

for (const database of DATABASES) {
  describe(`a subuser's old schedule keys become schedule.manage (${database})`, function () {
    this.timeout(120_000);
    let storage: Awaited<ReturnType<typeof createStorage>>;
    let t: AccountsPanel | undefined;
    let node: TestNode | undefined;

    before(async () => {
      await testImage();
      storage = await createStorage(database);
    });
    after(async () => {
      if (t) await deleteAllServers(t.panel).catch(() => undefined);
      await t?.close();
      await node?.close();
      await storage?.cleanup();
    });

    it("turns schedule.create/update/delete (the backups plugin's keys) into schedule.manage when the schedules module arrives", async () => {
      t = await startAccountsPanel(database, { storage, config });
      node = await startNodeFor(t.panel, { name: `grants-${database}`, ports: 1 });
      const owner = await t.createUser(`owner-${database}@example.org`);
      const helper = await t.createUser(`helper-${database}@example.org`);
      const serverId = await createServerFor(t.panel, owner.id, node.nodeId, 'Shared');
      const ob = await t.signIn(owner.email);
      expect(
        (await ob.post(`/api/auth/servers/${serverId}/subusers`, { email: helper.email, permissions: ['control.console'] })).status,
      ).to.equal(201);
      // The panel as it was before the module: its tables and bookkeeping gone, the grant holding the old keys.
      const { db } = t.panel.kernel;
      for (const table of ['server_schedule_runs', 'server_schedule_tasks', 'server_schedules']) await db.schema.dropTable(table);
      await db('knex_migrations_schedules').delete();
      await db('server_grants')
        .where({ server_id: serverId, user_id: helper.id })
        .update({ permissions: JSON.stringify(['control.console', 'schedule.create', 'schedule.update']) });
      await t.close();

      t = await startAccountsPanel(database, { storage, config });
      const ob2 = await t.signIn(owner.email);
      const [grant] = (await ob2.get(`/api/auth/servers/${serverId}/subusers`)).body.subusers;
      expect(grant.permissions).to.deep.equal(['control.console', 'schedule.manage']);
      const hb = await t.signIn(helper.email);
      const made = await hb.post(`/api/schedules/servers/${serverId}/schedules`, {
        name: 'Nightly',
        preset: { kind: 'daily', time: '04:00' },
        tasks: [{ type: 'command', options: { command: 'say hi' } }],
      });
      expect(made.status, JSON.stringify(made.body)).to.equal(201);
    });
  });
}
