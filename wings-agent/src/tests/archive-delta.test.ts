import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { docker, startAgent, testImage, testServerSpec, type TestAgent } from '@conductor/test';

const hash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Every file and folder under root, with each file's sha256: two trees are equal when these are. */
function treeOf(root: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(root, rel)).sort()) {
    const child = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(root, child)).isDirectory()) Object.assign(out, { [child]: 'dir' }, treeOf(root, child));
    else out[child] = hash(readFileSync(path.join(root, child)));
  }
  return out;
}

describe("a delta archive (a transfer's final copy) at the agent's API", function () {
  this.timeout(120_000);
  let agent: TestAgent;
  let source: string;
  let target: string;
  const volume = (id: string) => agent.agent.manager.volumePath(id);
  const auth = () => ({ authorization: `Bearer ${agent.agent.config.AGENT_TOKEN}` });

  const archive = async (id: string, body: unknown) => {
    const res = await fetch(`${agent.url}/api/servers/${id}/backup-archive`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).to.equal(200);
    return new Uint8Array(await res.arrayBuffer());
  };
  const restore = (id: string, bytes: Uint8Array, query: string) =>
    fetch(`${agent.url}/api/servers/${id}/backup-archive/restore?${query}`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/gzip' },
      body: bytes,
    });

  before(async () => {
    await testImage();
    agent = await startAgent();
    const ids = await Promise.all(
      ['delta-from', 'delta-to'].map(async (name) => {
        const { spec } = await testServerSpec(name);
        expect((await agent.request('POST', '/api/servers', { body: spec })).status).to.equal(201);
        return spec.id;
      }),
    );
    [source, target] = [ids[0]!, ids[1]!];
  });
  after(async () => {
    for (const id of [source, target]) await agent?.request('DELETE', `/api/servers/${id}`);
    await agent?.close();
    if (agent)
      await docker
        .getNetwork(agent.network)
        .remove()
        .catch(() => undefined);
  });

  it('carries only what changed since the manifest, removes what is gone, and leaves the target as it was on a wrong sha256', async () => {
    const src = volume(source);
    writeFileSync(path.join(src, 'notes.txt'), 'first\n');
    writeFileSync(path.join(src, 'big.bin'), randomBytes(6 * 1_048_576));
    writeFileSync(path.join(src, 'gone.txt'), 'deleted before the final copy\n');
    mkdirSync(path.join(src, 'world/region'), { recursive: true });
    writeFileSync(path.join(src, 'world/region/r.0.0.mca'), randomBytes(1_048_576));
    mkdirSync(path.join(src, 'old/deeper'), { recursive: true });
    writeFileSync(path.join(src, 'old/deeper/x.txt'), 'x');
    mkdirSync(path.join(src, 'turns'));
    writeFileSync(path.join(src, 'turns/inside.txt'), 'a folder that becomes a file');

    const manifest = (await agent.request('GET', `/api/servers/${source}/backup-archive/manifest`)).body;
    expect(manifest.entries.find((e: { path: string }) => e.path === 'big.bin')).to.include({ type: 'file', size: 6 * 1_048_576 });
    const full = await archive(source, {});
    expect((await restore(target, full, `sha256=${hash(full)}&protectedFiles=replace`)).status).to.equal(200);
    expect(treeOf(volume(target))).to.deep.equal(treeOf(src));

    // The game changes its world while the first copy is made.
    writeFileSync(path.join(src, 'notes.txt'), 'second, longer\n');
    const region = path.join(src, 'world/region/r.0.0.mca');
    writeFileSync(region, randomBytes(1_048_576)); // same size, new bytes and mtime
    utimesSync(region, new Date(), new Date(Date.now() + 5_000));
    writeFileSync(path.join(src, 'world/level.dat'), 'new file');
    rmSync(path.join(src, 'gone.txt'));
    rmSync(path.join(src, 'old'), { recursive: true });
    rmSync(path.join(src, 'turns'), { recursive: true });
    writeFileSync(path.join(src, 'turns'), 'now a file');

    const delta = await archive(source, { changedSince: manifest.entries });
    expect(delta.length, 'the unchanged 6 MB are left out').to.be.lessThan(2 * 1_048_576);
    const before = treeOf(volume(target));
    const refused = await restore(target, delta, `sha256=${'0'.repeat(64)}&protectedFiles=replace&delta=true`);
    expect(refused.status).to.equal(400);
    expect(treeOf(volume(target)), 'a delta with a wrong sum changes nothing').to.deep.equal(before);
    const keepRefused = await restore(target, delta, `sha256=${hash(delta)}&protectedFiles=keep&delta=true`);
    expect(keepRefused.status).to.equal(400);

    expect((await restore(target, delta, `sha256=${hash(delta)}&protectedFiles=replace&delta=true`)).status).to.equal(200);
    expect(treeOf(volume(target))).to.deep.equal(treeOf(src));
    expect(readFileSync(path.join(volume(target), 'notes.txt'), 'utf8')).to.equal('second, longer\n');
  });
});
