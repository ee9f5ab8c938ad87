import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { docker, startAgent, testImage, testServerSpec, until, type TestAgent } from '@conductor/test';

const PAUSED = '[conductor] Backup: pausing world saves (save-off, save-all flush)';
const RESUMED = '[conductor] Backup: done; resuming world saves (save-on)';
const REFUSED = /\[ERROR\]: Command not found/;

/** The game's own log file(s) under logs/, joined: what flying-squid wrote to disk. */
function gameLog(root: string): string {
  const dir = path.join(root, 'logs');
  return readdirSync(dir)
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

describe('backups of a running server pause saving (real agent, test image)', function () {
  this.timeout(120_000);
  let agent: TestAgent;
  let id: string;
  const logs = async () => (await agent.request('GET', `/api/servers/${id}/logs`)).body.lines as string[];

  before(async () => {
    await testImage();
    agent = await startAgent({ config: { AGENT_BACKUP_RESERVE_MB: '0' } });
    const { spec } = await testServerSpec('saves');
    id = spec.id;
    expect((await agent.request('POST', '/api/servers', { body: spec })).status).to.equal(201);
  });
  after(async () => {
    await agent?.request('DELETE', `/api/servers/${id}`);
    await agent?.close();
    if (agent)
      await docker
        .getNetwork(agent.network)
        .remove()
        .catch(() => undefined);
  });

  it('sends save-off and save-all flush before archiving and save-on after, on both archive paths; a stopped server gets nothing', async () => {
    expect((await agent.request('POST', `/api/servers/${id}/power`, { body: { action: 'start' } })).status).to.equal(200);
    await until('running', () => agent.agent.manager.get(id).state === 'running', 60_000);
    const before = (await logs()).length;

    // Node disk: the agent's own backup route.
    const backupId = '0b5e0c1a-1111-4222-8333-444455556666';
    const res = await fetch(`${agent.url}/api/servers/${id}/backups/${backupId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.agent.config.AGENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ignore: [] }),
    });
    const messages = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(messages.at(-1)!.type, JSON.stringify(messages.at(-1))).to.equal('done');

    // flying-squid has no save commands: it refuses each one, and the wait ends on the second refusal.
    const lines = await until('the reply to save-on', async () => {
      const l = (await logs()).slice(before);
      return l.filter((x) => REFUSED.test(x)).length >= 3 && l;
    });
    const paused = lines.indexOf(PAUSED);
    const resumed = lines.indexOf(RESUMED);
    expect(paused, lines.join('\n')).to.be.at.least(0);
    expect(resumed, lines.join('\n')).to.be.greaterThan(paused);
    const refusals = lines.map((l, i) => (REFUSED.test(l) ? i : -1)).filter((i) => i >= 0);
    expect(
      refusals.slice(0, 2).every((i) => i > paused && i < resumed),
      'save-off and save-all were answered before the archive',
    ).to.equal(true);
    expect(refusals[2]).to.be.greaterThan(resumed);
    expect(lines.some((l) => l.includes('does not know save-all; archiving without a flush'))).to.equal(true);
    expect(agent.logs.lines.some((l) => String(l.msg).includes('does not know save-off/save-all'))).to.equal(true);

    // The archive was read between save-off and save-on: its copy of the game's log holds the
    // replies to save-off and save-all, not the one to save-on; the live log holds all three.
    const out = mkdtempSync(path.join(tmpdir(), 'saves-'));
    try {
      execFileSync('tar', ['-xzf', path.join(agent.dataDir, 'backups', id, `${backupId}.tar.gz`), '-C', out]);
      // The game writes its log file after the console line the agent waits on, so on a loaded
      // machine the archive may hold fewer replies; never the one to save-on (the console's order
      // above proves the pause).
      expect(gameLog(out).match(/Command not found/g)?.length ?? 0).to.be.at.most(2);
      expect(gameLog(path.join(agent.dataDir, 'volumes', id)).match(/Command not found/g)).to.have.length(3);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }

    // SFTP backups stream the archive from /backup-archive: the same pause around it.
    const mark = (await logs()).length;
    const stream = await fetch(`${agent.url}/api/servers/${id}/backup-archive`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.agent.config.AGENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ignore: [] }),
    });
    expect(stream.status).to.equal(200);
    expect((await stream.arrayBuffer()).byteLength).to.be.greaterThan(0);
    const streamed = await until('save-on after the streamed archive', async () => {
      const l = (await logs()).slice(mark);
      return l.includes(RESUMED) && l;
    });
    expect(streamed.indexOf(PAUSED)).to.be.at.least(0).and.below(streamed.indexOf(RESUMED));

    // A stopped server: nothing is sent, no line is added.
    expect((await agent.request('POST', `/api/servers/${id}/power`, { body: { action: 'stop' } })).status).to.equal(200);
    await until('offline', () => agent.agent.manager.get(id).state === 'offline', 30_000);
    const stoppedAt = (await logs()).length;
    const offline = await fetch(`${agent.url}/api/servers/${id}/backups/0b5e0c1a-1111-4222-8333-777788889999`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.agent.config.AGENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ignore: [] }),
    });
    expect((await offline.text()).trim().split('\n').at(-1)).to.contain('"type":"done"');
    expect((await logs()).slice(stoppedAt), 'nothing sent to a stopped server').to.deep.equal([]);
  });
});
