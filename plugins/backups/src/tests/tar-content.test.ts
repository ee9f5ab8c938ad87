import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import * as tarStream from 'tar-stream';
import { TarContentCounter } from '../storage/tar-content.js';

async function tarOf(
  entries: Array<{ name: string; body?: Buffer; type?: 'file' | 'directory' | 'symlink'; linkname?: string }>,
): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => pack.on('end', r));
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, size: e.body?.length ?? 0 }, e.body);
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

describe('TarContentCounter (the unit of SFTP upload progress)', () => {
  it('counts only file content, whatever the chunk sizes, past headers, padding, long-name records, folders and links', async () => {
    const files = [randomBytes(1), randomBytes(511), randomBytes(512), randomBytes(70_001), Buffer.alloc(0)];
    const tar = await tarOf([
      { name: 'world', type: 'directory' },
      ...files.map((body, i) => ({ name: `world/${'long-name-'.repeat(i === 3 ? 20 : 1)}${i}.dat`, body })),
      { name: 'link', type: 'symlink', linkname: 'world/0.dat' },
    ]);
    const total = files.reduce((n, f) => n + f.length, 0);
    for (const size of [1, 7, 512, 4096, tar.length]) {
      const counter = new TarContentCounter();
      for (let i = 0; i < tar.length; i += size) counter.push(tar.subarray(i, i + size));
      expect(counter.bytes, `in chunks of ${size}`).to.equal(total);
    }
  });
});
