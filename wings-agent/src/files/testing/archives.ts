import { execFileSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import * as tarStream from 'tar-stream';
import yazl from 'yazl';

export interface FixtureEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: Buffer | string;
  linkname?: string;
  mode?: number;
}

/** A raw tar with whatever names and link targets a hostile archive would carry. */
export async function makeTar(entries: FixtureEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const content = type === 'file' ? Buffer.from(e.content ?? '') : undefined;
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        { name: e.name, type, linkname: e.linkname, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), size: content?.length ?? 0 },
        content ?? Buffer.alloc(0),
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function makeTarGz(entries: FixtureEntry[]): Promise<Buffer> {
  return gzipSync(await makeTar(entries));
}

/** Needs the zstd binary (test machines have it); the agent itself decompresses in pure JS. */
export function zstd(data: Buffer): Buffer {
  return execFileSync('zstd', ['-q', '-c'], { input: data });
}

export async function makeTarZst(entries: FixtureEntry[]): Promise<Buffer> {
  return zstd(await makeTar(entries));
}

export function hasZstd(): boolean {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * yazl refuses hostile names, so entries are written under a same-length placeholder and the
 * name bytes are patched afterwards (names are not covered by the CRC). Symlink entries carry
 * the link's mode in the external attributes and the target as content, as Info-ZIP writes them.
 */
export async function makeZip(entries: (FixtureEntry & { rawName?: string })[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const patches: [string, string][] = [];
  entries.forEach((e, i) => {
    const wanted = e.rawName ?? e.name;
    const placeholder = String.fromCharCode(97 + (i % 26)) + wanted.slice(1).replace(/[^/]/g, 'x');
    const name = e.rawName ? placeholder : e.name;
    if (e.rawName) patches.push([placeholder, e.rawName]);
    if (e.type === 'directory') zip.addEmptyDirectory(name);
    else if (e.type === 'symlink') zip.addBuffer(Buffer.from(e.linkname ?? ''), name, { mode: 0o120777 });
    else zip.addBuffer(Buffer.from(e.content ?? ''), name, { mode: e.mode ?? 0o644 });
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  const data = Buffer.concat(chunks);
  for (const [from, to] of patches) {
    const a = Buffer.from(from);
    const b = Buffer.from(to);
    for (let at = data.indexOf(a); at !== -1; at = data.indexOf(a, at + 1)) b.copy(data, at);
  }
  return data;
}

/**
 * A .tar.gz of `count` empty files (`f0`, `f1`, …), written header by header into gzip: a million
 * entries is 512 MB of tar, which is never held in memory at once.
 */
export async function manyEmptyFilesTarGz(count: number): Promise<Buffer> {
  const template = Buffer.alloc(512);
  template.write('0000644\0', 100, 'ascii');
  template.write('0000000\0', 108, 'ascii');
  template.write('0000000\0', 116, 'ascii');
  template.write('00000000000\0', 124, 'ascii');
  template.write('00000000000\0', 136, 'ascii');
  template.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  template.write('0', 156, 'ascii');
  template.write('ustar\0' + '00', 257, 'ascii');
  const baseSum = template.reduce((a, b) => a + b, 0);
  const perChunk = 4096;
  function* chunks(): Generator<Buffer> {
    for (let first = 0; first < count; first += perChunk) {
      const n = Math.min(perChunk, count - first);
      const chunk = Buffer.alloc(n * 512);
      for (let i = 0; i < n; i++) {
        const header = chunk.subarray(i * 512, (i + 1) * 512);
        template.copy(header);
        const name = `f${first + i}`;
        header.write(name, 0, 'ascii');
        let sum = baseSum;
        for (let c = 0; c < name.length; c++) sum += name.charCodeAt(c);
        header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
      }
      yield chunk;
    }
    yield Buffer.alloc(1024);
  }
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks()),
    createGzip({ level: 1 }),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        out.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(out);
}
