import { gzipSync } from 'node:zlib';
import yazl from 'yazl';
import { makeTar, zstd } from './archives.js';

/** `d0/d1/…/d{depth-1}/name`: an entry that many folders down. */
export function deepName(depth: number, name: string): string {
  return [...Array.from({ length: depth }, (_, i) => `d${i}`), name].join('/');
}

/** Bytes that compress well but not to nothing, so every format has real compressed data to break. */
function payload(bytes: number): Buffer {
  return Buffer.from(Array.from({ length: bytes }, (_, i) => (i % 61) + (i >> 12)));
}

async function deflatedZip(name: string, content: Buffer): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(content, name, { compress: true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;

/** Sets the uncompressed size a zip's only entry declares, in its local and its central header. */
function declareZipSize(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  if (out.readUInt32LE(0) !== LOCAL_HEADER) throw new Error('not a zip');
  out.writeUInt32LE(size, 22);
  const central = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  if (central === -1 || out.readUInt32LE(central) !== CENTRAL_HEADER) throw new Error('no central directory');
  out.writeUInt32LE(size, central + 24);
  return out;
}

/** Overwrites the only entry's deflate data with `garbage` (repeated), leaving every header intact. */
function corruptZipData(zip: Buffer, garbage: number[]): Buffer {
  const out = Buffer.from(zip);
  const dataStart = 30 + out.readUInt16LE(26) + out.readUInt16LE(28);
  const compressed = out.readUInt32LE(18);
  for (let i = 0; i < compressed; i++) out[dataStart + i] = garbage[i % garbage.length]!;
  return out;
}

/** Rewrites the size a tar header at `offset` declares, with a valid header checksum, so only the size lies. */
function declareTarSize(tar: Buffer, offset: number, size: number): Buffer {
  const out = Buffer.from(tar);
  out.write(size.toString(8).padStart(11, '0') + '\0', offset + 124, 12, 'ascii');
  out.fill(0x20, offset + 148, offset + 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += out[offset + i]!;
  out.write(sum.toString(8).padStart(6, '0') + '\0 ', offset + 148, 8, 'ascii');
  return out;
}

/** Overwrites part of a deflate or zstd stream after its header, so the decompressor fails mid-way. */
function corruptMiddle(data: Buffer, skip: number): Buffer {
  const out = Buffer.from(data);
  for (let i = skip; i < Math.min(out.length - 8, skip + 64); i++) out[i] = 0xff;
  return out;
}

export interface HostileArchive {
  format: 'zip' | 'tar' | 'tar.gz' | 'tar.zst';
  kind: string;
  depth: number;
  data: Buffer;
}

const KB = 1024;

/**
 * Every way the attack run broke an archive, per format and at the given depth: truncated, lying
 * about sizes or checksums, and corrupt compressed data or headers. None of them may end the
 * agent; each must be refused with a 4xx.
 */
export async function hostileArchives(depth: number, options: { zstd: boolean }): Promise<HostileArchive[]> {
  const name = deepName(depth, 'liar.bin');
  const content = payload(256 * KB);
  const zip = await deflatedZip(name, content);
  const tar = await makeTar([
    { name: deepName(depth, 'first.txt'), content: 'first' },
    { name, content },
  ]);
  const tarGz = gzipSync(tar);
  // The last entry's own header: right before its data, which ends 1024 bytes (the end marker) before the end.
  const liarHeader = tar.length - 1024 - content.length - 512;
  const corruptTar = Buffer.concat([tar.subarray(0, liarHeader), Buffer.alloc(512, 0x41), tar.subarray(liarHeader + 512)]);
  const out: HostileArchive[] = [];
  const add = (format: HostileArchive['format'], kind: string, data: Buffer) => out.push({ format, kind, depth, data });

  add('zip', 'declares 10 bytes, inflates to 5 MiB', declareZipSize(await deflatedZip(name, Buffer.alloc(5 * KB * KB)), 10));
  add('zip', 'declares more bytes than it holds', declareZipSize(zip, content.length + 1000));
  add('zip', 'corrupt deflate data (invalid block type)', corruptZipData(zip, [0xff]));
  add('zip', 'corrupt deflate data (invalid code lengths)', corruptZipData(zip, [0x05, 0xe0, 0xff, 0x00, 0x13]));
  add('zip', 'truncated', zip.subarray(0, zip.length >> 1));

  add('tar', 'truncated', tar.subarray(0, tar.length - 2 * 512 - 100 * KB));
  add('tar', 'a header with a wrong checksum', corruptTar);
  add('tar', 'declares fewer bytes than it holds', declareTarSize(tar, liarHeader, 10));
  add('tar', 'declares more bytes than it holds', declareTarSize(tar, liarHeader, 64 * KB * KB));

  add('tar.gz', 'truncated', tarGz.subarray(0, tarGz.length >> 1));
  add('tar.gz', 'corrupt deflate data', corruptMiddle(tarGz, 40));
  add(
    'tar.gz',
    'a lying gzip trailer (CRC and length)',
    Buffer.concat([tarGz.subarray(0, tarGz.length - 8), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])]),
  );
  add('tar.gz', 'a corrupt tar inside', gzipSync(corruptTar));
  add('tar.gz', 'a tar inside that lies about a size', gzipSync(declareTarSize(tar, liarHeader, 10)));

  if (options.zstd) {
    const tarZst = zstd(tar);
    add('tar.zst', 'truncated', tarZst.subarray(0, tarZst.length >> 1));
    add('tar.zst', 'corrupt compressed data', corruptMiddle(tarZst, 20));
    add('tar.zst', 'trailing garbage after the frame', Buffer.concat([tarZst, Buffer.alloc(64, 0x7a)]));
    add('tar.zst', 'a corrupt tar inside', zstd(corruptTar));
  }
  return out;
}
