import { expect } from 'chai';
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExactly, writeAll } from './handle-io.js';

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('handle io', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conductor-io-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('pads a file that shrank after its size was taken, so a tar entry keeps its promised size', async () => {
    const file = join(dir, 'latest.log');
    await writeFile(file, Buffer.alloc(600_000, 7));
    const handle = await open(file);
    try {
      const size = (await handle.stat()).size;
      await truncate(file, 1000); // the game rotates its log mid-backup
      const data = await collect(readExactly(handle, 0, size));
      expect(data.length).to.equal(600_000);
      expect(data.subarray(0, 1000).every((b) => b === 7)).to.equal(true);
      expect(data.subarray(1000).every((b) => b === 0)).to.equal(true);
    } finally {
      await handle.close();
    }
  });

  it('writes many small chunks in batches, all of them, in order', async () => {
    const file = join(dir, 'out.bin');
    const handle = await open(file, 'w');
    const chunks = Array.from({ length: 100 }, (_, i) => Buffer.alloc(40_000, i));
    try {
      expect(
        await writeAll(
          handle,
          (async function* () {
            yield* chunks;
          })(),
        ),
      ).to.equal(4_000_000);
    } finally {
      await handle.close();
    }
    const back = await collect(
      (async function* () {
        const h = await open(file);
        try {
          yield* readExactly(h, 0, 4_000_000);
        } finally {
          await h.close();
        }
      })(),
    );
    expect(back.equals(Buffer.concat(chunks))).to.equal(true);
  });
});
