import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { docker, startAgent, testImage, testServerSpec, until, type TestAgent } from '@conductor/test';

/** The descriptors this process (the agent runs in it) holds open on a file. */
function descriptorsOn(file: string): string[] {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // closed meanwhile
    }
  });
}

describe("a whole-server archive cut off by its reader (a transfer's copy the panel gave up) at the agent's API", function () {
  this.timeout(120_000);
  let agent: TestAgent;
  let id = '';

  before(async () => {
    await testImage();
    agent = await startAgent();
    const { spec } = await testServerSpec('archive-cut');
    expect((await agent.request('POST', '/api/servers', { body: spec })).status).to.equal(201);
    id = spec.id;
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

  it('closes the file it was reading at once, not when the garbage collector finds the handle', async () => {
    // Incompressible and large: the reader is cut while this file is being read.
    const big = path.join(agent.agent.manager.volumePath(id), 'big.bin');
    writeFileSync(big, randomBytes(48 * 1024 * 1024));
    const cut = new AbortController();
    const res = await fetch(`${agent.url}/api/servers/${id}/backup-archive`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.agent.config.AGENT_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
      signal: cut.signal,
    });
    expect(res.status).to.equal(200);
    const reader = res.body!.getReader();
    await reader.read();
    await until('the file to be open for the archive', async () => descriptorsOn(big).length > 0, 10_000);
    cut.abort();
    await reader.cancel().catch(() => undefined);
    await until('the file to be closed', async () => descriptorsOn(big).length === 0, 5_000);
    expect((await agent.request('GET', `/api/servers/${id}`)).status, 'the agent still answers').to.equal(200);
  });
});
