import { expect } from 'chai';
import { DATABASES, startPanel, until, type TestPanel } from '@conductor/test';
import { installExamplePlugin } from './community-plugin.js';

/**
 * The example community plugin (examples/hello-plugin, plain JavaScript) packed with npm pack,
 * installed from its tarball into an install's node_modules, and found there by the panel's
 * discovery like any npm plugin: its migration, routes, keys, event, subscriber and job work.
 */
describe('a community plugin installed from npm (examples/hello-plugin)', function () {
  this.timeout(120_000);
  let install: ReturnType<typeof installExamplePlugin>;

  before(() => {
    install = installExamplePlugin();
  });
  after(() => install?.remove());

  for (const database of DATABASES) {
    describe(`on ${database}`, () => {
      let panel: TestPanel;
      before(async () => {
        panel = await startPanel({ database, discover: true, appRoot: install.root });
      });
      after(async () => {
        await panel?.close();
      });

      it('loads from node_modules and runs its own migration', async () => {
        const plugins = (await panel.request('GET', '/api/admin/plugins')).body.plugins as Array<{
          name: string;
          source: string;
          state: string;
          version: string;
        }>;
        expect(plugins.find((p) => p.name === 'hello')).to.deep.include({
          source: 'npm:conductor-plugin-hello',
          version: '1.0.0',
          state: 'started',
        });
        expect(await panel.kernel.db.schema.hasTable('hello_greetings')).to.equal(true);
        const applied = (await panel.kernel.db('knex_migrations_hello').select('name')).map((r: { name: string }) => r.name);
        expect(applied).to.deep.equal(['20260601000000_hello_greetings']);
      });

      it('answers its routes, which are in the OpenAPI document, and validates with its own schemas', async () => {
        const created = await panel.request('POST', '/api/hello/greetings', { body: { message: '  Hello from npm  ' } });
        expect(created.status, JSON.stringify(created.body)).to.equal(201);
        expect(created.body.greeting).to.deep.include({ message: 'Hello from npm', serverId: null, authorId: 'operator' });
        const listed = await panel.request('GET', '/api/hello/greetings');
        expect(listed.body.greetings.map((g: { message: string }) => g.message)).to.include('Hello from npm');
        const refused = await panel.request('POST', '/api/hello/greetings', { body: { message: 'hi', colour: 'red' } });
        expect(refused.status).to.equal(400);
        expect(refused.body.error.code).to.equal('validation_failed');
        expect((await panel.request('GET', '/api/hello/greetings', { auth: false })).status).to.equal(401);

        const openapi = (await panel.request('GET', '/api/openapi.json')).body;
        expect(Object.keys(openapi.paths['/api/hello/greetings'])).to.have.members(['get', 'post']);
        expect(openapi.paths['/api/hello/servers/{serverId}/greetings'].post.summary).to.equal("Leave a greeting on a server's wall");
      });

      it('offers its permission keys with its labels', async () => {
        const groups = (await panel.request('GET', '/api/auth/permission-keys')).body.groups as Array<{
          group: string;
          plugin: string;
          label: { en: string; de: string };
          keys: Array<{ key: string; implies: string[] }>;
        }>;
        const hello = groups.find((g) => g.group === 'hello');
        expect(hello).to.deep.include({ plugin: 'hello', label: { en: 'Greetings', de: 'Grüße' } });
        expect(hello!.keys.map((k) => [k.key, k.implies])).to.deep.equal([
          ['hello.read', []],
          ['hello.send', ['hello.read']],
        ]);
      });

      it('appends its event with the greeting, and its subscriber receives it', async () => {
        const { greeting } = (await panel.request('POST', '/api/hello/greetings', { body: { message: 'Counted?' } })).body;
        const events = (await panel.request('GET', '/api/events?type=hello.greeted')).body.events as Array<{
          type: string;
          data: { greetingId: number };
        }>;
        expect(events.map((e) => e.data.greetingId)).to.include(greeting.id);
        await until('the subscriber counted the greeting', async () => {
          const all = (await panel.request('GET', '/api/hello/greetings')).body.greetings as Array<{ id: number; counted: boolean }>;
          return all.find((g) => g.id === greeting.id)?.counted === true;
        });
        const subscriber = (await panel.request('GET', '/api/events/subscribers')).body.subscribers.find(
          (s: { name: string }) => s.name === 'hello.count',
        );
        expect(subscriber).to.deep.include({ owner: 'hello', failures: 0 });
      });

      it('schedules its job, which deletes old greetings when it runs', async () => {
        const jobs = (await panel.request('GET', '/api/admin/jobs')).body.jobs as Array<{ id: string; owner: string; cron: string }>;
        expect(jobs.find((j) => j.id === 'hello.tidy')).to.deep.include({ owner: 'hello', cron: '30 3 * * *' });
        const { greeting } = (await panel.request('POST', '/api/hello/greetings', { body: { message: 'From long ago' } })).body;
        await panel.kernel
          .db('hello_greetings')
          .where({ id: greeting.id })
          .update({ created_at: new Date(Date.now() - 31 * 86_400_000) });
        await panel.kernel.scheduler.runNow('hello.tidy');
        const left = (await panel.request('GET', '/api/hello/greetings')).body.greetings as Array<{ id: number }>;
        expect(left.map((g) => g.id)).to.not.include(greeting.id);
        expect(left.length).to.be.greaterThan(0);
      });

      it('lists its UI bundle for the panel UI to load', async () => {
        const bundles = (await panel.request('GET', '/api/ui/plugins', { auth: false })).body.plugins;
        expect(bundles).to.deep.include({ name: 'hello', entry: '/plugin-ui/hello/index.js', styles: ['/plugin-ui/hello/index.css'] });
        const entry = await panel.request('GET', '/plugin-ui/hello/index.js', { auth: false });
        expect(entry.status).to.equal(200);
        expect(entry.body).to.contain('registerPage');
      });
    });
  }
});
