import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestPanel } from '@conductor/plugin-sdk/testing';
import plugin from '../src/index.js';

/**
 * The plugin in a real panel, booted in this process (SQLite in a temporary folder; set
 * TEST_DATABASE_URL to an empty PostgreSQL database to run on PostgreSQL). Requests go over HTTP
 * as the panel's operator, an admin. A server's routes need a server that exists, which needs a
 * node; these tests use the panel-wide notes and check that the server routes are guarded.
 */
describe('the __name__ plugin in a panel', () => {
  /** @type {import('@conductor/plugin-sdk/testing').TestPanel} */
  let panel;

  before(async () => {
    panel = await startTestPanel({ plugins: [plugin], databaseUrl: process.env.TEST_DATABASE_URL });
  });
  after(() => panel?.close());

  it('adds a note through its route, which is in the OpenAPI document, and refuses unknown fields', async () => {
    const added = await panel.request('POST', '/api/__name__/notes', { body: { text: '  Maintenance on Sunday  ' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.note.text, 'Maintenance on Sunday');
    const listed = await panel.request('GET', '/api/__name__/notes');
    assert.ok(listed.body.notes.some((/** @type {{ text: string }} */ n) => n.text === 'Maintenance on Sunday'));
    const refused = await panel.request('POST', '/api/__name__/notes', { body: { text: 'hi', colour: 'red' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'validation_failed');
    assert.equal((await panel.request('GET', '/api/__name__/notes', { auth: false })).status, 401);
    const openapi = (await panel.request('GET', '/api/openapi.json')).body;
    assert.deepEqual(Object.keys(openapi.paths['/api/__name__/notes']).sort(), ['get', 'post']);
    assert.deepEqual(Object.keys(openapi.paths['/api/__name__/servers/{serverId}/notes']).sort(), ['get', 'post']);
  });

  it('offers its permission keys, and its server routes answer 404 for a server that does not exist', async () => {
    const groups = (await panel.request('GET', '/api/auth/permission-keys')).body.groups;
    const own = groups.find((/** @type {{ group: string }} */ g) => g.group === '__name__');
    assert.deepEqual(
      own.keys.map((/** @type {{ key: string }} */ k) => k.key),
      ['__name__.read', '__name__.write'],
    );
    assert.equal((await panel.request('GET', '/api/__name__/servers/no-such-server/notes')).status, 404);
  });

  it('appends its event, and its subscriber marks the note seen', async () => {
    const { note } = (await panel.request('POST', '/api/__name__/notes', { body: { text: 'Seen?' } })).body;
    const events = (await panel.request('GET', '/api/events?type=__name__.noted')).body.events;
    assert.ok(events.some((/** @type {{ data: { noteId: number } }} */ e) => e.data.noteId === note.id));
    for (let i = 0; i < 100; i++) {
      const all = (await panel.request('GET', '/api/__name__/notes')).body.notes;
      if (all.find((/** @type {{ id: number }} */ n) => n.id === note.id).seen) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail('the subscriber did not mark the note seen within 10 s');
  });

  it('deletes a server’s notes when the server is deleted (its server.beforeDelete tap)', async () => {
    const hook = (await panel.request('GET', '/api/admin/hooks')).body.hooks.find(
      (/** @type {{ name: string }} */ h) => h.name === 'server.beforeDelete',
    );
    assert.ok(hook.taps.includes('__name__'));
    // The plugin's own table: a note on a server, as the server route would have stored it.
    await panel.kernel
      .db('__table___notes')
      .insert({ server_id: 'gone-server', author_id: 'operator', text: 'Goes with the server', created_at: new Date() });
    await panel.kernel.hooks.call('server.beforeDelete', {
      serverId: 'gone-server',
      ownerId: 'operator',
      nodeId: 'none',
      principal: { kind: 'operator', id: 'operator', role: 'admin' },
      backup: false,
    });
    assert.deepEqual(await panel.kernel.db('__table___notes').where({ server_id: 'gone-server' }), []);
  });

  it('schedules its job, which deletes old notes when it runs', async () => {
    const jobs = (await panel.request('GET', '/api/admin/jobs')).body.jobs;
    assert.ok(jobs.some((/** @type {{ id: string }} */ j) => j.id === '__name__.tidy'));
    const { note } = (await panel.request('POST', '/api/__name__/notes', { body: { text: 'From long ago' } })).body;
    await panel.kernel
      .db('__table___notes')
      .where({ id: note.id })
      .update({ created_at: new Date(Date.now() - 91 * 86_400_000) });
    await panel.kernel.scheduler.runNow('__name__.tidy');
    const left = (await panel.request('GET', '/api/__name__/notes')).body.notes;
    assert.ok(!left.some((/** @type {{ id: number }} */ n) => n.id === note.id));
  });

  it('serves its UI bundle (ui-dist/, which npm test builds first)', async () => {
    const bundles = (await panel.request('GET', '/api/ui/plugins', { auth: false })).body.plugins;
    assert.ok(bundles.some((/** @type {{ name: string }} */ b) => b.name === '__name__'));
    const entry = await panel.request('GET', '/plugin-ui/__name__/index.js', { auth: false });
    assert.equal(entry.status, 200);
    assert.match(entry.body, /registerPage/);
  });
});
