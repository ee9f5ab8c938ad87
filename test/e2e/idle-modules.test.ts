import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { startPanelProcess } from '@conductor/test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Preloaded into the panel: records every module Node loads (ESM and CommonJS alike) and writes
 * the list when the process exits.
 */
const RECORDER = `
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const loaded = new Set();
registerHooks({ load(url, context, next) { loaded.add(url); return next(url, context); } });
process.on('exit', () => writeFileSync(process.env.LOADED_MODULES_FILE, [...loaded].join('\\n')));
`;

/** Packages a panel needs only on demand: each is imported where it is first used. */
const ON_DEMAND = ['nodemailer', 'otplib', 'qrcode', 'pg', 'yauzl'];

describe('compiled panel: on-demand dependencies stay unloaded at idle', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(path.join(tmpdir(), 'conductor-idle-modules-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts on SQLite with all first-party plugins without loading mail, 2FA or PostgreSQL libraries', async () => {
    const recorder = path.join(dir, 'recorder.mjs');
    const list = path.join(dir, 'loaded.txt');
    writeFileSync(recorder, RECORDER);
    const panel = await startPanelProcess(undefined, path.join(dir, 'data'), {
      env: { NODE_OPTIONS: `--import=${recorder}`, LOADED_MODULES_FILE: list },
    });
    await panel.stop();
    const loaded = readFileSync(list, 'utf8').split('\n');
    // The panel did start its plugins (a sanity check that the list is the whole start).
    expect(loaded.some((url) => url.includes('/plugins/billing/dist/'))).to.equal(true);
    const packageOf = (url: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    const early = [...new Set(loaded.map(packageOf))].filter((name) => name && ON_DEMAND.includes(name));
    expect(early).to.deep.equal([]);
  });
});
