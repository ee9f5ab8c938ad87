import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
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
      pack.entry({ name: e.name, type, linkname: e.linkname, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), size: content?.length ?? 0 }, content ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve())),
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
