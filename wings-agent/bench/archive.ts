/**
 * Archive and transfer speed of the agent's file layer, as ratios to the obvious baselines on the
 * same data in the same run:
 *   create  = time of `tar -czf` / time of createArchive (to a file)   (≥ 1 is faster than tar)
 *   restore = time of `tar -xzf` / time of restoreArchive (from that file, checksum verified)
 *   upload / download = time of a bare node HTTP server piping to/from a file / time of the agent route
 * Run: node --import tsx wings-agent/bench/archive.ts   (BENCH_ARCHIVE_MB=256 by default, up to 1024;
 * BENCH_ROUNDS=3). Rounds alternate between the two sides, after one warm-up round of each that is
 * not counted (page cache, JIT); medians are compared. Our restore also deletes the server's previous
 * files after the swap, which tar -x does not have to do.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { createArchive, restoreArchive } from '../src/files/archive.js';
import { FilesService } from '../src/files/service.js';
import { startFilesApi, TempFilesHost } from '../src/files/testing/temp-host.js';

const MiB = 1024 * 1024;
const sizeMb = Math.min(1024, Math.max(16, Number(process.env.BENCH_ARCHIVE_MB ?? 256)));
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const out = (line: string) => process.stdout.write(`${line}\n`);

/** A world-like mix: region files (half empty sectors, low-entropy chunks), jars and images (incompressible), logs, many small configs. */
export async function generate(dir: string, totalMb: number): Promise<void> {
  const regionBytes = totalMb * 0.45 * MiB;
  const randomBytesTotal = totalMb * 0.3 * MiB;
  const logBytes = totalMb * 0.2 * MiB;
  const smallCount = Math.round(totalMb * 8);
  await mkdir(join(dir, 'world/region'), { recursive: true });
  await mkdir(join(dir, 'plugins'), { recursive: true });
  await mkdir(join(dir, 'logs'), { recursive: true });
  await mkdir(join(dir, 'config'), { recursive: true });
  for (let i = 0, written = 0; written < regionBytes; i++) {
    const sectors = 2048; // 8 MiB region file
    const buf = Buffer.alloc(sectors * 4096);
    const noise = randomBytes(buf.length / 2);
    for (let s = 0; s < sectors; s += 2) for (let b = 0; b < 4096; b++) buf[s * 4096 + b] = noise.readUInt8((s / 2) * 4096 + b) & 0x0f;
    await writeFile(join(dir, `world/region/r.${i}.0.mca`), buf);
    written += buf.length;
  }
  for (let i = 0, written = 0; written < randomBytesTotal; i++) {
    const size = (1 + (i % 4)) * MiB;
    await writeFile(join(dir, `plugins/plugin-${i}.jar`), randomBytes(size));
    written += size;
  }
  for (let i = 0, written = 0; written < logBytes; i++) {
    const lines: string[] = [];
    for (let n = 0; n < 60_000; n++)
      lines.push(
        `[12:${String(n % 60).padStart(2, '0')}:${String((n * 7) % 60).padStart(2, '0')}] [Server thread/INFO]: Player${n % 37} moved to ${(n * 13) % 1000}, 64, ${(n * 7) % 1000}`,
      );
    const text = lines.join('\n');
    await writeFile(join(dir, `logs/${i}.log`), text);
    written += Buffer.byteLength(text);
  }
  for (let i = 0; i < smallCount; i++) {
    await writeFile(
      join(dir, `config/c${i}.yml`),
      `key-${i}: ${randomBytes(8 + (i % 64)).toString('hex')}\nenabled: true\n`.repeat(1 + (i % 20)),
    );
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function emptyDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

async function main(): Promise<void> {
  const host = await TempFilesHost.create();
  const root = await host.addServer('bench-srv', { diskMb: 4 * 1024 });
  const svc = new FilesService(host);
  const work = join(host.base, 'work');
  await mkdir(work);
  out(`generating ${sizeMb} MiB of mixed server files...`);
  await generate(root, sizeMb);
  const tarFile = join(work, 'tar.tar.gz');
  const oursFile = join(work, 'ours.tar.gz');
  const times = { tarCreate: [] as number[], oursCreate: [] as number[], tarExtract: [] as number[], oursRestore: [] as number[] };
  let sha256 = '';
  try {
    for (let r = 0; r <= rounds; r++) {
      if (r === 1) for (const list of [times.tarCreate, times.oursCreate]) list.length = 0; // round 0 warms up
      times.tarCreate.push(await timed(() => execFileSync('tar', ['-czf', tarFile, '-C', root, '.'])));
      times.oursCreate.push(
        await timed(async () => {
          const archive = await createArchive(svc, 'bench-srv');
          await pipeline(archive.stream, createWriteStream(oursFile));
          sha256 = (await archive.done).sha256;
        }),
      );
    }
    const sizes = { tar: (await stat(tarFile)).size, ours: (await stat(oursFile)).size };
    const extractDir = join(work, 'extract');
    for (let r = 0; r <= rounds; r++) {
      if (r === 1) for (const list of [times.tarExtract, times.oursRestore]) list.length = 0;
      await emptyDir(extractDir);
      times.tarExtract.push(await timed(() => execFileSync('tar', ['-xzf', tarFile, '-C', extractDir])));
      await emptyDir(extractDir);
      times.oursRestore.push(
        await timed(() => restoreArchive(svc, 'bench-srv', createReadStream(oursFile, { highWaterMark: MiB }), sha256)),
      );
    }
    await rm(extractDir, { recursive: true, force: true });
    out(`archive of ${sizeMb} MiB (${(await readdir(root, { recursive: true })).length} entries), ${rounds} round(s), medians:`);
    out(
      `  create : ours ${median(times.oursCreate).toFixed(2)} s, tar -czf ${median(times.tarCreate).toFixed(2)} s → ratio ${(median(times.tarCreate) / median(times.oursCreate)).toFixed(2)} (size ${(sizes.ours / MiB).toFixed(1)} vs ${(sizes.tar / MiB).toFixed(1)} MiB)`,
    );
    out(
      `  restore: ours ${median(times.oursRestore).toFixed(2)} s, tar -xzf ${median(times.tarExtract).toFixed(2)} s → ratio ${(median(times.tarExtract) / median(times.oursRestore)).toFixed(2)} (ours includes sha256 check and the swap)`,
    );
    await transfers(svc, work);
  } finally {
    await host.cleanup();
  }
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  await handle.sync();
  await handle.close();
}

/** Upload and download of one large file through the agent's routes vs a bare HTTP server doing a plain file copy. */
async function transfers(svc: FilesService, work: string): Promise<void> {
  const size = Math.min(sizeMb, 256) * MiB;
  const source = join(work, 'transfer.bin');
  await writeFile(source, randomBytes(size));
  const api = await startFilesApi(svc);
  const bare = http.createServer((req, res) => {
    if (req.method !== 'POST') return void pipeline(createReadStream(source), res).catch(() => undefined);
    // ?fsync: the same copy made durable, which is what our atomic write pays for.
    const sync = req.url?.includes('fsync');
    const file = createWriteStream(join(work, 'bare-upload.bin'));
    pipeline(req, file).then(
      async () => {
        if (sync) await fsyncFile(join(work, 'bare-upload.bin'));
        res.end('ok');
      },
      () => undefined,
    );
  });
  bare.listen(0, '127.0.0.1');
  await new Promise((r) => bare.once('listening', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  const upload = (url: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers: { 'content-length': String(size) } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      createReadStream(source).pipe(req);
    });
  const download = (url: string) =>
    new Promise<void>((resolve, reject) => {
      http
        .get(url, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
  const t = {
    bareUp: [] as number[],
    bareUpSync: [] as number[],
    oursUp: [] as number[],
    bareDown: [] as number[],
    oursDown: [] as number[],
  };
  try {
    for (let r = 0; r < rounds + 1; r++) {
      t.bareUp.push(await timed(() => upload(`${bareUrl}/`)));
      t.bareUpSync.push(await timed(() => upload(`${bareUrl}/?fsync`)));
      t.oursUp.push(await timed(() => upload(`${api.url}/api/servers/bench-srv/files/upload?path=upload.bin`)));
      t.bareDown.push(await timed(() => download(`${bareUrl}/`)));
      t.oursDown.push(await timed(() => download(`${api.url}/api/servers/bench-srv/files/download?path=upload.bin`)));
    }
    const mbps = (s: number) => (size / MiB / s).toFixed(0);
    out(`transfer of ${size / MiB} MiB over loopback, medians:`);
    out(
      `  upload  : ours ${mbps(median(t.oursUp))} MiB/s, plain copy ${mbps(median(t.bareUp))} MiB/s → ratio ${(median(t.bareUp) / median(t.oursUp)).toFixed(2)}`,
    );
    out(
      `            plain copy + fsync ${mbps(median(t.bareUpSync))} MiB/s → ratio ${(median(t.bareUpSync) / median(t.oursUp)).toFixed(2)} (ours fsyncs before the rename)`,
    );
    out(
      `  download: ours ${mbps(median(t.oursDown))} MiB/s, plain copy ${mbps(median(t.bareDown))} MiB/s → ratio ${(median(t.bareDown) / median(t.oursDown)).toFixed(2)}`,
    );
  } finally {
    await api.close();
    bare.close();
  }
}

// Importable (for profiling with the same data) without running.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
