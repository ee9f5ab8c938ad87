import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { freePort, runAgentProcess, startPanelProcess, until } from '@conductor/test';

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
/** The agent's: archive formats, and Docker's ssh and BuildKit parts (lazy-parts.ts). */
const AGENT_ON_DEMAND = ['yauzl', 'yazl', 'fzstd', 'ssh2', '@grpc/grpc-js', 'protobufjs'];

const packageOf = (url: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
const loadedOf = (loaded: string[], names: string[]) => [...new Set(loaded.map(packageOf))].filter((name) => name && names.includes(name));

describe('on-demand dependencies stay unloaded at idle', function () {
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
    expect(loadedOf(loaded, ON_DEMAND)).to.deep.equal([]);
  });

  it('starts an agent without archive libraries, and with only the status and RCON parts of minecraft-server-util', async () => {
    const recorder = path.join(dir, 'recorder.mjs');
    const list = path.join(dir, 'agent-loaded.txt');
    writeFileSync(recorder, RECORDER);
    const port = await freePort();
    const agent = runAgentProcess({
      AGENT_TOKEN: 'idle-modules-agent-token-0123456789abcdef',
      AGENT_PORT: String(port),
      AGENT_HOST: '127.0.0.1',
      AGENT_DATA_DIR: path.join(dir, 'agent'),
      EDGE_PORT: 'off',
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: `--import=${recorder}`,
      LOADED_MODULES_FILE: list,
    });
    await until('the agent to answer /healthz', () =>
      fetch(`http://127.0.0.1:${port}/healthz`)
        .then((r) => r.ok)
        .catch(() => false),
    );
    await agent.stop();
    const loaded = readFileSync(list, 'utf8').split('\n');
    expect(loaded.some((url) => url.endsWith('/minecraft-server-util/dist/status.js'))).to.equal(true);
    expect(loaded.filter((url) => url.includes('/minecraft-server-util/dist/index.js'))).to.deep.equal([]);
    expect(loadedOf(loaded, AGENT_ON_DEMAND)).to.deep.equal([]);
  });
});
