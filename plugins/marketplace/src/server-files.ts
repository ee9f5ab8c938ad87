import { AppError, ensureOk, readBytes, type AgentFiles, type Cradle } from '@conductor/core';
import path from 'node:path/posix';

/** Suffixes that take a file out of the loader's sight: it loads `*.jar` only. */
const PART = '.conductor-part';
export const PREVIOUS = '.conductor-previous';

/**
 * A server's plugin folders through the panel's node file service (the agent's jailed file API).
 * Files land under a temporary name first and are renamed into place only once every one of them
 * is on the node, so the loader never sees half an install.
 */
export class ServerFiles {
  constructor(private readonly deps: Pick<Cradle, 'nodeService' | 'serverService'>) {}

  private async files(serverId: string): Promise<AgentFiles> {
    return this.deps.nodeService.serverFiles(await this.deps.serverService.get(serverId));
  }

  /** Puts every file in place, or none: anything written is removed again on a failure. */
  async place(serverId: string, files: Array<{ path: string; bytes: Buffer }>): Promise<void> {
    const node = await this.files(serverId);
    for (const dir of new Set(files.map((f) => path.dirname(f.path)))) await this.mkdirs(node, dir);
    const written: string[] = [];
    const placed: string[] = [];
    try {
      for (const f of files) {
        if (await node.exists(f.path))
          throw new AppError(409, 'file_exists', `${f.path} is on the server already; remove it first, or link it to its project`);
      }
      for (const f of files) {
        await node.upload(f.path + PART, f.bytes, { timeoutMs: 120_000 });
        written.push(f.path + PART);
      }
      for (const f of files) {
        await node.op('rename', { from: f.path + PART, to: f.path });
        placed.push(f.path);
      }
    } catch (err) {
      await this.remove(serverId, [...written.filter((p) => !placed.includes(p.slice(0, -PART.length))), ...placed]).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Replaces files: the new ones are uploaded under temporary names, the old ones renamed aside
   * (out of the loader's sight), the new ones renamed into place. What comes back either keeps
   * the change (the old files go) or undoes it (the new files go, the old ones come back).
   */
  async swap(
    serverId: string,
    oldPaths: string[],
    files: Array<{ path: string; bytes: Buffer }>,
  ): Promise<{ keep(): Promise<void>; undo(): Promise<void> }> {
    const node = await this.files(serverId);
    const aside: string[] = [];
    const uploaded: string[] = [];
    const placed: string[] = [];
    const undo = async () => {
      await this.remove(serverId, [...placed, ...uploaded.filter((u) => !placed.includes(u.slice(0, -PART.length)))]);
      for (const p of aside) await node.op('rename', { from: p + PREVIOUS, to: p });
    };
    try {
      for (const f of files) {
        await node.upload(f.path + PART, f.bytes, { timeoutMs: 120_000 });
        uploaded.push(f.path + PART);
      }
      for (const p of oldPaths) {
        if (!(await node.exists(p))) continue;
        await this.remove(serverId, [p + PREVIOUS]);
        await node.op('rename', { from: p, to: p + PREVIOUS });
        aside.push(p);
      }
      for (const f of files) {
        if (await node.exists(f.path))
          throw new AppError(409, 'file_exists', `${f.path} is on the server already, and not as part of this project`);
        await node.op('rename', { from: f.path + PART, to: f.path });
        placed.push(f.path);
      }
    } catch (err) {
      await undo().catch(() => undefined);
      throw err;
    }
    return {
      keep: async () =>
        void (await this.remove(
          serverId,
          aside.map((p) => p + PREVIOUS),
        )),
      undo,
    };
  }

  /** Removes these files; ones already gone are left alone. Returns what was removed. */
  async remove(serverId: string, paths: string[]): Promise<string[]> {
    const node = await this.files(serverId);
    const present: string[] = [];
    for (const p of paths) if (await node.exists(p)) present.push(p);
    if (present.length) await node.op('delete', { paths: present });
    return present;
  }

  async rename(serverId: string, moves: Array<{ from: string; to: string }>): Promise<void> {
    const node = await this.files(serverId);
    for (const m of moves) await node.op('rename', m);
  }

  async list(serverId: string, folder: string): Promise<Array<{ name: string; type: string; size: number; mtime?: string }>> {
    const node = await this.files(serverId);
    if (!(await node.exists(folder))) return [];
    return node.list(folder);
  }

  async read(serverId: string, file: string): Promise<Buffer> {
    const node = await this.files(serverId);
    const res = await node.open('GET', `/download?path=${encodeURIComponent(file)}`, { timeoutMs: 120_000 });
    return readBytes(await ensureOk(res, `The node could not read ${file}`));
  }

  private async mkdirs(node: AgentFiles, dir: string): Promise<void> {
    if (dir === '.' || dir === '' || (await node.exists(dir))) return;
    await this.mkdirs(node, path.dirname(dir));
    await node.op('mkdir', { path: dir }).catch((err: unknown) => {
      if ((err as AppError).code !== 'file_exists') throw err;
    });
  }
}
