import { z } from 'zod';
import { sha256Hex } from './backups.js';

/**
 * The file API of a server, `/api/servers/:id/files/...`: the same routes on the agent and,
 * behind per-server permissions, on the panel. Written once here, so the agent validates with
 * these schemas and the panel both validates and documents them in its OpenAPI document.
 */

/** Paths are checked by the agent's jail (no `..`, no links, the deny list); the schema only makes sure one arrived. */
export const filePath = z.string().max(8192).describe('Relative to the server folder; "" is the folder itself');

export const fileEntry = z.object({
  name: z.string(),
  path: z.string(),
  type: z.enum(['file', 'directory', 'symlink', 'other']),
  size: z.number().int().describe('Bytes; 0 for a folder'),
  mode: z.string().describe('Permission bits as four octal digits, e.g. "0644"'),
  mtime: z.string().describe('UTC ISO time of the last change'),
  protected: z.boolean().describe("On the template's deny list: listed, but not readable or changeable"),
});
export type FileEntry = z.output<typeof fileEntry>;

const written = z.object({ path: z.string(), bytes: z.number().int() });
const fromTo = z.strictObject({ from: filePath, to: filePath });
const at = z.object({ path: filePath });
const atOrRoot = z.object({ path: filePath.default('') });

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface FileRoute {
  /** Under `/api/servers/:id/files`. */
  path: string;
  method: 'get' | 'put' | 'post';
  summary: string;
  query?: AnyObject;
  /** A JSON body. */
  body?: z.ZodType;
  /** A raw body, streamed (never parsed): its content type. */
  rawBody?: string;
  status: number;
  /** The JSON answer; or `stream`, the content type of a streamed answer. */
  response: z.ZodType | { stream: string };
}

export const FILE_API = {
  list: {
    path: '/list',
    method: 'get',
    summary: 'List a folder',
    query: atOrRoot,
    status: 200,
    response: z.object({ path: z.string(), entries: z.array(fileEntry) }),
  },
  stat: { path: '/stat', method: 'get', summary: 'Details of one file or folder', query: atOrRoot, status: 200, response: fileEntry },
  search: {
    path: '/search',
    method: 'get',
    summary: 'Find files and folders by name below a folder',
    query: z.object({ path: filePath.default(''), query: z.string().min(1).max(255).describe('Part of the name, any case') }),
    status: 200,
    response: z.object({ results: z.array(fileEntry), truncated: z.boolean() }),
  },
  read: {
    path: '/contents',
    method: 'get',
    summary: 'Read a file (size-capped)',
    query: at,
    status: 200,
    response: { stream: 'application/octet-stream' },
  },
  download: {
    path: '/download',
    method: 'get',
    summary: 'Download a file, streamed; a Range header answers 206 with that part',
    query: at,
    status: 200,
    response: { stream: 'application/octet-stream' },
  },
  write: {
    path: '/contents',
    method: 'put',
    summary: 'Write a file atomically; the body is the content. Missing parent folders are created',
    query: at,
    rawBody: 'application/octet-stream',
    status: 200,
    response: written,
  },
  upload: {
    path: '/upload',
    method: 'post',
    summary: 'Upload a file, streamed and size-limited; the body is the content',
    query: at,
    rawBody: 'application/octet-stream',
    status: 201,
    response: written,
  },
  mkdir: {
    path: '/mkdir',
    method: 'post',
    summary: 'Create a folder',
    body: z.strictObject({ path: filePath }),
    status: 201,
    response: z.object({ path: z.string() }),
  },
  rename: {
    path: '/rename',
    method: 'post',
    summary: 'Rename or move (the destination must not exist)',
    body: fromTo,
    status: 200,
    response: z.object({ from: z.string(), to: z.string() }),
  },
  copy: {
    path: '/copy',
    method: 'post',
    summary: 'Copy a file or folder (the destination must not exist)',
    body: fromTo,
    status: 201,
    response: z.object({ from: z.string(), to: z.string(), bytes: z.number().int() }),
  },
  delete: {
    path: '/delete',
    method: 'post',
    summary: 'Delete files and folders (folders with their contents)',
    body: z.strictObject({ paths: z.array(filePath).min(1).max(1000) }),
    status: 200,
    response: z.object({ deleted: z.array(z.string()) }),
  },
  chmod: {
    path: '/chmod',
    method: 'post',
    summary: 'Change the permission bits of a file or folder',
    body: z.strictObject({
      path: filePath,
      mode: z.string().regex(/^0?[0-7]{3}$/, { error: 'expected octal permission bits such as 644 or 0755' }),
    }),
    status: 200,
    response: fileEntry,
  },
  compress: {
    path: '/compress',
    method: 'post',
    summary: 'Compress files of one folder to a .tar.gz or .zip (by the destination name)',
    body: z.strictObject({
      root: filePath.default(''),
      files: z.array(filePath).min(1).max(1000).describe('Names relative to root'),
      destination: filePath,
    }),
    status: 201,
    response: written,
  },
  decompress: {
    path: '/decompress',
    method: 'post',
    summary: 'Extract a .zip, .tar.gz or .tar.zst into a folder, with limits',
    body: z.strictObject({ path: filePath, destination: filePath.default('') }),
    status: 200,
    response: z.object({ files: z.array(z.string()), bytes: z.number().int(), entries: z.number().int() }),
  },
  pull: {
    path: '/pull',
    method: 'post',
    summary: 'Fetch a file from a public http(s) URL onto the server',
    body: z.strictObject({ url: z.string().max(4096), path: filePath }),
    status: 201,
    response: written,
  },
  archive: {
    path: '/archive',
    method: 'post',
    summary: 'Stream a .tar.gz of the whole server (its sha256 in the X-Archive-Sha256 trailer)',
    body: z
      .strictObject({ ignore: z.array(z.string().max(512)).max(256).default([]).describe('Globs to leave out') })
      .default({ ignore: [] }),
    status: 200,
    response: { stream: 'application/gzip' },
  },
  restore: {
    path: '/archive/restore',
    method: 'post',
    summary: "Replace the server's files with an archive made by /archive (server stopped); the body is the .tar.gz",
    query: z.object({ sha256: sha256Hex }),
    rawBody: 'application/gzip',
    status: 200,
    response: z.object({ sha256: z.string(), bytes: z.number().int(), entries: z.number().int() }),
  },
} as const satisfies Record<string, FileRoute>;

export type FileRouteName = keyof typeof FILE_API;

/** A JSON answer of the file API, by route name (the panel UI reads these). */
export type FileAnswer<N extends FileRouteName> = (typeof FILE_API)[N]['response'] extends z.ZodType
  ? z.output<(typeof FILE_API)[N]['response']>
  : never;
