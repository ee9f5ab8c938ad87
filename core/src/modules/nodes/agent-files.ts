import type { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { FILE_API, type FileEntry } from '../../protocol/files.js';
import type { AgentClient, AgentRequestOptions } from './agent-client.js';
import { ensureOk, readText } from './agent-answer.js';

type JsonFileRoute = {
  [K in keyof typeof FILE_API]: (typeof FILE_API)[K] extends { body: z.ZodType; response: z.ZodType } ? K : never;
}[keyof typeof FILE_API];
type Answer<K extends keyof typeof FILE_API> = (typeof FILE_API)[K]['response'] extends z.ZodType
  ? z.output<(typeof FILE_API)[K]['response']>
  : never;

/** Small files read and written in the panel's own work (server.properties, the player lists): short timeouts. */
const SMALL_FILE_MS = 15_000;
/** Compressing or extracting a world takes as long as it takes, within reason. */
const FILE_WORK_MS = 600_000;

/** One server's file API on its node (`FILE_API` in the protocol), through the node's AgentClient. */
export class AgentFiles {
  constructor(
    private readonly client: AgentClient,
    private readonly serverId: string,
  ) {}

  /** The file's text, or null when it does not exist yet. */
  async read(path: string): Promise<string | null> {
    const res = await this.open('GET', `/contents?path=${encodeURIComponent(path)}`, { timeoutMs: SMALL_FILE_MS });
    if (res.statusCode === 404) {
      res.resume();
      return null;
    }
    return readText(await ensureOk(res, `The node could not read ${path}`));
  }

  async write(path: string, text: string): Promise<void> {
    await this.client.json('PUT', `${this.base}/contents?path=${encodeURIComponent(path)}`, FILE_API.write.response, {
      body: text,
      contentType: 'application/octet-stream',
      timeoutMs: SMALL_FILE_MS,
    });
  }

  /** Streams a file onto the server (the node writes it under a temporary name and renames it when complete). */
  async upload(path: string, body: Readable | Buffer, options: { contentLength?: string; timeoutMs: number }): Promise<void> {
    const res = await this.open('POST', `/upload?path=${encodeURIComponent(path)}`, {
      body,
      contentType: 'application/octet-stream',
      headers: options.contentLength ? { 'content-length': options.contentLength } : {},
      timeoutMs: options.timeoutMs,
    });
    (await ensureOk(res, `The node could not store ${path}`)).resume();
  }

  /** A JSON operation of the node's file API (mkdir, rename, delete, compress, decompress, ...), its answer checked. */
  op<K extends JsonFileRoute>(name: K, body: z.input<NonNullable<(typeof FILE_API)[K]['body']>>): Promise<Answer<K>> {
    const api = FILE_API[name];
    return this.client.json('POST', `${this.base}${api.path}`, api.response as z.ZodType, {
      json: body,
      timeoutMs: FILE_WORK_MS,
    }) as Promise<Answer<K>>;
  }

  async list(path: string): Promise<FileEntry[]> {
    return (
      await this.client.json('GET', `${this.base}/list?path=${encodeURIComponent(path)}`, FILE_API.list.response, {
        timeoutMs: SMALL_FILE_MS,
      })
    ).entries;
  }

  async exists(path: string): Promise<boolean> {
    const res = await this.open('GET', `/stat?path=${encodeURIComponent(path)}`, { timeoutMs: SMALL_FILE_MS });
    if (res.statusCode === 404) {
      res.resume();
      return false;
    }
    await readText(await ensureOk(res, `The node could not stat ${path}`));
    return true;
  }

  /** The node's answer unread, for streaming uploads and downloads and for passing its status on. */
  open(method: string, pathAndQuery: string, options: AgentRequestOptions = {}): Promise<IncomingMessage> {
    return this.client.open(method, `${this.base}${pathAndQuery}`, options);
  }

  private get base(): string {
    return `/api/servers/${this.serverId}/files`;
  }
}
