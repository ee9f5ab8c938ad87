import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  AGENT_TOKEN,
  agentEnv,
  docker,
  freePort,
  requireDocker,
  RUN_ID,
  runAgentProcess,
  TEST_SERVER_PREFIX,
  until,
  type AgentProcess,
} from '@conductor/test';
import { hasZstd, makeTarGz } from '../files/testing/archives.js';
import { deepName, hostileArchives, type HostileArchive } from '../files/testing/hostile-archives.js';

/** What a hostile archive may be refused with: each is a client error with a stable code. */
const REFUSALS = ['archive_corrupt', 'archive_too_large', 'archive_unsafe_entry'];
const cases: HostileArchive[] = [];
for (const depth of [0, 1, 60, 100]) cases.push(...(await hostileArchives(depth, { zstd: hasZstd() })));

describe('node agent: no archive, however broken, ends the agent process', function () {
  this.timeout(300_000);
  const serverId = `${TEST_SERVER_PREFIX}archives`;
  const files = `/api/servers/${serverId}/files`;
  let dataDir: string;
  let network: string;
  let env: Record<string, string>;
  let agent: AgentProcess;
  let port: number;

  const call = async (method: string, pathname: string, init: { json?: unknown; body?: Buffer } = {}) => {
    const res = await fetch(`http://127.0.0.1:${port}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${AGENT_TOKEN}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    const text = await res.text();
    return { status: res.status, text, code: res.status >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined };
  };
  const volumes = () => path.join(dataDir, 'volumes');
  const alive = async () => {
    const exited = await Promise.race([agent.exited, new Promise((r) => setTimeout(() => r(null), 20))]);
    expect(exited, `the agent ended:\n${agent.output().slice(-4000)}`).to.equal(null);
    expect((await call('GET', `${files}/list?path=`)).status, 'the agent still answers').to.equal(200);
  };
  const start = async () => {
    agent = runAgentProcess(env);
    await until(
      'the agent',
      () =>
        call('GET', '/api/servers').then(
          (r) => r.status === 200,
          () => false,
        ),
      60_000,
    );
  };

  before(async () => {
    await requireDocker();
    dataDir = await mkdtemp(path.join(tmpdir(), 'conductor-archives-'));
    network = `conductor-test-${RUN_ID}-archives`;
    port = await freePort();
    env = { ...agentEnv(dataDir, network, port), LOG_LEVEL: 'warn' };
    await start();
    const created = await call('POST', '/api/servers', {
      json: {
        id: serverId,
        image: 'conductor/not-started:latest',
        startup: 'true',
        ports: [{ ip: '127.0.0.1', port: await freePort() }],
        limits: { memoryMb: 256, diskMb: 512 },
        donePattern: 'Done',
      },
    });
    expect(created.status, created.text).to.equal(201);
  });
  // A case that fails (or ends the agent) fails alone: the next one gets a fresh agent and empty folders.
  beforeEach(async () => {
    if (agent.child.exitCode !== null || agent.child.signalCode !== null) await start();
    for (const name of await readdir(volumes()))
      if (name !== serverId) await rm(path.join(volumes(), name), { recursive: true, force: true });
    for (const name of await readdir(path.join(volumes(), serverId)))
      await rm(path.join(volumes(), serverId, name), { recursive: true, force: true });
  });
  after(async () => {
    await call('DELETE', `/api/servers/${serverId}`).catch(() => undefined);
    await agent?.stop();
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(`refuses a ${c.format} that ${c.kind}, ${c.depth} folders deep, with a 4xx, and cleans up`, async () => {
      const name = `hostile.${c.format}`;
      const up = await call('POST', `${files}/upload?path=${name}`, { body: c.data });
      expect(up.status, up.text).to.equal(201);
      const res = await call('POST', `${files}/decompress`, { json: { path: name, destination: '' } });
      expect(res.status, res.text).to.be.within(400, 499);
      expect(REFUSALS, res.text).to.include(res.code);
      await alive();
      expect(await readdir(volumes()), 'no staging folder left').to.deep.equal([serverId]);
      expect(await readdir(path.join(volumes(), serverId)), 'nothing half-extracted').to.deep.equal([name]);
    });
  }

  for (const c of cases.filter((x) => x.format === 'tar.gz')) {
    it(`refuses to restore a tar.gz that ${c.kind}, ${c.depth} folders deep, and leaves the files as they were`, async () => {
      await call('PUT', `${files}/contents?path=keep.txt`, { body: Buffer.from('keep') });
      const sha256 = createHash('sha256').update(c.data).digest('hex');
      const res = await call('POST', `${files}/archive/restore?sha256=${sha256}`, { body: c.data });
      expect(res.status, res.text).to.be.within(400, 499);
      expect(REFUSALS, res.text).to.include(res.code);
      await alive();
      expect(await readdir(volumes()), 'no staging folder left').to.deep.equal([serverId]);
      expect(await readdir(path.join(volumes(), serverId))).to.deep.equal(['keep.txt']);
    });
  }

  it('removes extraction, restore and delete folders a crash left behind when it starts', async () => {
    const leftovers = [`.${serverId}.extract-0123456789ab`, `.${serverId}.restore-ba9876543210`, `.${serverId}.trash-00aa11bb22cc`];
    for (const dir of leftovers) {
      await mkdir(path.join(volumes(), dir, 'd0/d1/d2'), { recursive: true });
      await writeFile(path.join(volumes(), dir, 'd0/d1/d2/half.bin'), Buffer.alloc(1000));
    }
    await agent.stop();
    await start();
    expect(await readdir(volumes())).to.deep.equal([serverId]);
    await alive();
  });

  it('refuses entries past the folder depth limit, which AGENT_FILES_MAX_DEPTH sets', async () => {
    const archive = await makeTarGz([{ name: deepName(20, 'deep.txt'), content: 'deep' }]);
    expect((await call('POST', `${files}/upload?path=deep.tar.gz`, { body: archive })).status).to.equal(201);
    expect(
      (await call('POST', `${files}/decompress`, { json: { path: 'deep.tar.gz', destination: '' } })).status,
      'within the default of 128',
    ).to.equal(200);
    await call('POST', `${files}/delete`, { json: { paths: ['d0'] } });
    await agent.stop();
    env = { ...env, AGENT_FILES_MAX_DEPTH: '16' };
    await start();
    const res = await call('POST', `${files}/decompress`, { json: { path: 'deep.tar.gz', destination: '' } });
    expect(res.status, res.text).to.equal(400);
    expect(res.code).to.equal('path_too_deep');
    expect(res.text).to.contain('the limit is 16');
    expect(await readdir(path.join(volumes(), serverId))).to.deep.equal(['deep.tar.gz']);
  });
});
