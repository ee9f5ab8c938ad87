import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { PLUGIN_API_VERSION } from '@conductor/core';
import { EXAMPLE_PLUGIN } from './community-plugin.js';
import { ROOT, SDK, linkFromRepo, pack, run } from './plugin-packages.js';

/** What the packed declarations import: a plugin author's install has these from npm (peer dependencies of the SDK). */
const TYPE_PEERS = ['zod', 'knex', 'koa', 'awilix', 'pino', 'socket.io', '@types/koa', '@types/node'];

const CHECK_CONFIG = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    allowJs: true,
    checkJs: true,
    noEmit: true,
    strict: true,
    types: ['node'],
  },
  include: ['src/**/*.js', 'wrong/**/*.js'],
};

/** A plugin that misuses the API: the packed declarations must catch each line marked. */
const WRONG_PLUGIN = `import { definePlugin, notFound } from '@conductor/plugin-sdk';
export default definePlugin({
  manifest: { version: '1.0.0' },
  routes(router) {
    router.route({ method: 'fetch', path: '/x', summary: 'x', access: 'user', handler: async () => ({}) });
  },
});
notFound(42);
`;

/**
 * @conductor/plugin-sdk as an author gets it from npm: packed with npm pack (its prepack builds
 * dist/ with tsc and bundles the declarations), installed into a folder that has no Conductor
 * sources, and the example plugin type-checked against the packed index.d.ts alone.
 */
describe('the plugin SDK packed as an npm package (sdk/)', function () {
  this.timeout(240_000);
  let root: string;
  let manifest: {
    name: string;
    version: string;
    exports: Record<string, Record<string, string>>;
    peerDependencies: Record<string, string>;
  };

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'conductor-sdk-'));
    const tarball = pack(SDK, root);
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'sdk-check', private: true, type: 'module' }));
    run('npm', ['install', '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund', `./${tarball}`], root);
    manifest = JSON.parse(readFileSync(path.join(root, 'node_modules/@conductor/plugin-sdk/package.json'), 'utf8'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('ships JavaScript and one self-contained index.d.ts in dist/, with the plugin API version as its version', () => {
    expect(manifest.version, 'the SDK is versioned as the plugin API it describes').to.equal(PLUGIN_API_VERSION);
    expect(manifest.exports).to.deep.equal({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './testing': { types: './dist/testing.d.ts', default: './dist/testing.js' },
    });
    const listing = run('tar', ['tzf', `conductor-plugin-sdk-${manifest.version}.tgz`], root)
      .trim()
      .split('\n')
      .sort();
    expect(listing).to.deep.equal([
      'package/README.md',
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/dist/testing.d.ts',
      'package/dist/testing.js',
      'package/package.json',
    ]);
    const declarations = readFileSync(path.join(root, 'node_modules/@conductor/plugin-sdk/dist/index.d.ts'), 'utf8');
    expect(declarations, 'core is inlined, not imported').not.to.match(/from ['"]@conductor\/core/);
    expect(declarations).to.match(/export declare function definePlugin/);
    expect(declarations, 'internals stay out').not.to.match(/export declare class Kernel\b|export \{[^}]*\bKernel\b/);
    expect(manifest.peerDependencies, 'at run time the names are the panel’s own').to.have.property('@conductor/core');
  });

  it('type-checks the example plugin against the packed declarations, and refuses a plugin that misuses the API', () => {
    linkFromRepo(root, TYPE_PEERS);
    cpSync(path.join(EXAMPLE_PLUGIN, 'src'), path.join(root, 'src'), { recursive: true });
    mkdirSync(path.join(root, 'wrong'));
    writeFileSync(path.join(root, 'wrong', 'plugin.js'), WRONG_PLUGIN);
    writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(CHECK_CONFIG));
    const tsc = spawnSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
    const errors = tsc.stdout.split('\n').filter((line) => /error TS/.test(line));
    expect(
      errors.filter((line) => !line.startsWith('wrong/')),
      'the example plugin type-checks',
    ).to.deep.equal([]);
    expect(
      errors.find((l) => l.startsWith('wrong/plugin.js(3,')),
      'a manifest without a name',
    ).to.match(/name/);
    expect(
      errors.find((l) => l.startsWith('wrong/plugin.js(5,')),
      'an HTTP method routes do not have',
    ).to.match(/fetch/);
    expect(
      errors.find((l) => l.startsWith('wrong/plugin.js(8,')),
      'a number for a message',
    ).to.match(/number/);
  });

  it('is the panel’s own @conductor/core at run time, so a plugin shares the panel’s classes', () => {
    linkFromRepo(root, ['@conductor/core']);
    // A process of its own, started in the install as the panel is, so both names resolve from there.
    writeFileSync(
      path.join(root, 'same.mjs'),
      "const sdk = await import('@conductor/plugin-sdk'); const core = await import('@conductor/core');\n" +
        'console.log(JSON.stringify({ same: sdk.definePlugin === core.definePlugin && sdk.AppError === core.AppError, version: sdk.PLUGIN_API_VERSION, names: Object.keys(sdk) }));\n',
    );
    const tsx = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    const out = JSON.parse(run(process.execPath, ['--import', tsx, 'same.mjs'], root)) as {
      same: boolean;
      version: string;
      names: string[];
    };
    expect(out.same, 'definePlugin and AppError are the panel’s').to.equal(true);
    expect(out.version).to.equal(PLUGIN_API_VERSION);
    expect(out.names, 'the internals are not exported').to.not.include.any.members([
      'Kernel',
      'PluginRegistry',
      'createDatabase',
      'loadConfig',
    ]);
  });
});
