import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, opendir, readdir, readFile, readlink } from 'node:fs/promises';
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { serverSpec, type ServerSpec } from '@conductor/core/protocol';
import { AppError, createLogger } from '@conductor/core/shared';
import { errorMiddleware } from '../../http/errors.js';
import type { FilesHost } from '../host.js';
import { createFilesRouter } from '../routes.js';
import type { FilesService } from '../service.js';
import { removeDeep } from './deep-tree.js';

/** A FilesHost over temp directories: what the file layer's tests run against, no Docker needed. */
export class TempFilesHost implements FilesHost {
  readonly stops: { serverId: string; reason: string }[] = [];
  private readonly specs = new Map<string, ServerSpec>();

  private constructor(readonly base: string) {}

  static async create(): Promise<TempFilesHost> {
    const base = await mkdtemp(join(tmpdir(), 'conductor-files-'));
    await mkdir(join(base, 'servers'));
    await mkdir(join(base, 'host'));
    return new TempFilesHost(base);
  }

  /** Outside every server root: where the attacks aim. */
  get hostDir(): string {
    return join(this.base, 'host');
  }

  async addServer(id: string, options: { diskMb?: number; denyFiles?: string[] } = {}): Promise<string> {
    this.specs.set(
      id,
      serverSpec.parse({
        id,
        image: 'conductor/test:latest',
        startup: 'java -jar server.jar',
        ports: [{ ip: '127.0.0.1', port: 25565 }],
        limits: { memoryMb: 1024, diskMb: options.diskMb ?? 1024 },
        donePattern: 'Done',
        denyFiles: options.denyFiles ?? [],
      }),
    );
    const root = join(this.base, 'servers', id);
    await mkdir(root, { recursive: true });
    return root;
  }

  serverRoot(serverId: string): string {
    if (!this.specs.has(serverId)) throw new AppError(404, 'server_not_found', `No server ${serverId} on this node`);
    return join(this.base, 'servers', serverId);
  }

  spec(serverId: string): ServerSpec {
    const spec = this.specs.get(serverId);
    if (!spec) throw new AppError(404, 'server_not_found', `No server ${serverId} on this node`);
    return spec;
  }

  owner(): { uid: number; gid: number } {
    return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  }

  async stopForQuota(serverId: string, reason: string): Promise<void> {
    this.stops.push({ serverId, reason });
  }

  /** Empties a server's directory and removes what a test left beside the roots (staging, trash), deep trees included. */
  async emptyServer(serverId: string): Promise<void> {
    const servers = join(this.base, 'servers');
    for (const name of await readdir(servers)) if (!this.specs.has(name)) removeDeep(join(servers, name));
    const root = this.serverRoot(serverId);
    for (const name of await readdir(root)) removeDeep(join(root, name));
  }

  async cleanup(): Promise<void> {
    removeDeep(this.base); // tests plant trees deeper than fs.rm can reach
  }
}

/**
 * Everything about a tree that an attack could change: names, types, modes, sizes, link targets
 * and content hashes. Two equal snapshots mean the tree was left untouched.
 */
export async function snapshot(dir: string): Promise<string> {
  const lines: string[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const st = await lstat(abs);
    let detail = '';
    if (st.isSymbolicLink()) detail = `-> ${await readlink(abs)}`;
    else if (st.isFile())
      detail = createHash('sha256')
        .update(await readFile(abs))
        .digest('hex');
    // A directory's mtime moves whenever a temp entry comes and goes inside it; its listing is what counts.
    lines.push(`${rel} ${st.mode.toString(8)} ${st.isDirectory() ? '-' : st.size} ${st.isDirectory() ? '-' : st.mtimeMs} ${detail}`);
    if (st.isDirectory()) {
      const names: string[] = [];
      for await (const e of await opendir(abs)) names.push(e.name);
      for (const name of names.sort()) await walk(join(abs, name), `${rel}/${name}`);
    }
  };
  await walk(dir, '.');
  return lines.join('\n');
}

export interface TestApi {
  url: string;
  request(
    method: string,
    path: string,
    init?: { json?: unknown; body?: string | Uint8Array; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** One for every test API: each logger adds a process exit listener, and a dozen of them warn of a leak. */
let testLogger: ReturnType<typeof createLogger> | undefined;

/** The router on a bare Koa app with the agent's error middleware, on loopback. */
export async function startFilesApi(svc: FilesService): Promise<TestApi> {
  const app = new Koa();
  // Errors reach the client through errorMiddleware; what is left for Koa's own logger is a client
  // closing a streamed download early, which is not worth a stack trace in test output.
  app.silent = true;
  // Errors only: a 500 in a test shows up in the output.
  app.use(errorMiddleware((testLogger ??= createLogger({ LOG_LEVEL: 'error', LOG_FORMAT: 'json' }))));
  const router = createFilesRouter(svc);
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    request(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      let body = init.body;
      if (init.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      }
      return fetch(url + path, { method, headers, body, duplex: 'half' } as RequestInit);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Asserts a refusal by its status and stable code; returns the error for checks on its message. */
export async function expectRefusal(res: Response, status: number, code: string): Promise<{ code: string; message: string }> {
  const text = await res.text();
  expect(res.status, text).to.equal(status);
  const { error } = JSON.parse(text) as { error: { code: string; message: string } };
  expect(error.code, text).to.equal(code);
  return error;
}
