import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { DATABASES, createTestDatabase, startPanel, type TestPanel } from '@conductor/test';
import { ROOT, SDK, installTarballs, linkFromRepo, pack, run } from './plugin-packages.js';

/** What `npm install` gives a new plugin's author: the packed SDK, its peers, and the UI build's tools. */
const AUTHOR_PACKAGES = [
  '@conductor/core',
  'zod',
  'knex',
  'koa',
  'awilix',
  'pino',
  'socket.io',
  '@types/koa',
  '@types/node',
  'vite',
  '@vitejs/plugin-vue',
  'vue',
  'vue-i18n',
];

/** The generated plugin's `npm test`, without its pretest UI build (pack built ui-dist/); core's TypeScript runs through the repository's tsx. */
function expectOwnTestPasses(dir: string, env: Record<string, string> = {}): void {
  const tsx = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const own = spawnSync(process.execPath, ['--import', tsx, '--test'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  expect(own.status, own.stdout + own.stderr).to.equal(0);
  expect(own.stdout).to.match(/ℹ pass 6/);
}

function cli(args: string[]) {
  return spawnSync('npm', ['run', '--silent', 'cli', '--', ...args], { cwd: ROOT, encoding: 'utf8' });
}

/**
 * `npm run cli -- plugin:new` as an author runs it: the plugin it writes type-checks against the
 * packed SDK, its own test (startTestPanel) passes, and packed and installed into a panel install
 * it boots there: its route answers, its keys are offered, its page is served.
 */
describe('a plugin made by npm run cli -- plugin:new', function () {
  this.timeout(300_000);
  const work = mkdtempSync(path.join(tmpdir(), 'conductor-template-'));
  const plugin = path.join(work, 'notes-board');
  const install = path.join(work, 'install');
  after(() => rmSync(work, { recursive: true, force: true }));

  before(() => {
    const made = cli(['plugin:new', 'notes-board', '--dir', plugin]);
    expect(made.status, made.stderr).to.equal(0);
    expect(made.stdout).to.contain('Next: cd');
    const sdk = pack(SDK, work);
    // The author's `npm install`: the packed SDK as npm would unpack it, the rest from this repository.
    mkdirSync(path.join(plugin, 'node_modules/@conductor/plugin-sdk'), { recursive: true });
    run(
      'tar',
      ['xzf', path.join(work, sdk), '-C', path.join(plugin, 'node_modules/@conductor/plugin-sdk'), '--strip-components=1'],
      plugin,
    );
    linkFromRepo(plugin, AUTHOR_PACKAGES);
    mkdirSync(path.join(plugin, 'node_modules/.bin'));
    symlinkSync(path.join(plugin, 'node_modules/vite/bin/vite.js'), path.join(plugin, 'node_modules/.bin/vite'));
    mkdirSync(install);
    installTarballs(install, [pack(SDK, install), pack(plugin, install)]);
  });

  it('refuses a bad name and a folder that is not empty, writing nothing', () => {
    const badName = cli(['plugin:new', 'Notes_Board', '--dir', path.join(work, 'bad')]);
    expect(badName.status).to.equal(2);
    expect(badName.stderr).to.contain('"Notes_Board" is not a plugin name');
    expect(existsSync(path.join(work, 'bad')), 'no folder for a refused name').to.equal(false);
    const taken = cli(['plugin:new', 'notes-board', '--dir', plugin]);
    expect(taken.status).to.equal(2);
    expect(taken.stderr).to.contain('exists and is not empty');
  });

  it('type-checks against the packed SDK, and its own test passes in a panel it boots', () => {
    run(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], plugin);
    expectOwnTestPasses(plugin);
  });

  it('passes its own test on PostgreSQL too (TEST_DATABASE_URL)', async () => {
    const db = await createTestDatabase();
    try {
      expectOwnTestPasses(plugin, { TEST_DATABASE_URL: db.url });
    } finally {
      await db.drop();
    }
  });

  for (const database of DATABASES) {
    describe(`installed from its tarball into a panel install (${database})`, () => {
      let panel: TestPanel;
      before(async () => {
        panel = await startPanel({ database, discover: true, appRoot: install });
      });
      after(() => panel?.close());

      it('boots, answers its route, offers its keys and serves its page', async () => {
        const plugins = (await panel.request('GET', '/api/admin/plugins')).body.plugins as Array<{
          name: string;
          source: string;
          state: string;
        }>;
        expect(plugins.find((p) => p.name === 'notes-board')).to.deep.include({
          source: 'npm:conductor-plugin-notes-board',
          state: 'started',
        });
        const added = await panel.request('POST', '/api/notes-board/notes', { body: { text: 'Hello from the template' } });
        expect(added.status, JSON.stringify(added.body)).to.equal(201);
        expect((await panel.request('GET', '/api/notes-board/notes')).body.notes[0]).to.deep.include({
          text: 'Hello from the template',
          serverId: null,
        });

        const groups = (await panel.request('GET', '/api/auth/permission-keys')).body.groups as Array<{
          group: string;
          keys: Array<{ key: string }>;
        }>;
        expect(groups.find((g) => g.group === 'notes-board')?.keys.map((k) => k.key)).to.deep.equal([
          'notes-board.read',
          'notes-board.write',
        ]);

        const bundles = (await panel.request('GET', '/api/ui/plugins', { auth: false })).body.plugins;
        expect(bundles).to.deep.include({
          name: 'notes-board',
          entry: '/plugin-ui/notes-board/index.js',
          styles: ['/plugin-ui/notes-board/index.css'],
        });
        const entry = await panel.request('GET', '/plugin-ui/notes-board/index.js', { auth: false });
        expect(entry.status).to.equal(200);
        expect(entry.body).to.contain('registerPage');
      });
    });
  }
});
