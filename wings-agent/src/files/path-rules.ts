import { fileErrors } from './errors.js';

export const MAX_PATH_BYTES = 4096;
export const MAX_NAME_BYTES = 255;

/**
 * The lexical half of the jail: turns what a client sent into a relative path of plain names, or
 * refuses it. Refusing `..` outright (instead of collapsing `a/../b`) means no later join can ever
 * climb, whatever the filesystem looks like. Encoded separators are refused because a client that
 * sends `%2f` after the router already decoded the path is trying to smuggle a second decoding.
 * Returns '' for the root itself.
 */
export function normalizeUserPath(input: unknown): string {
  if (typeof input !== 'string') throw fileErrors.invalidPath('A path must be a string');
  if (Buffer.byteLength(input) > MAX_PATH_BYTES) throw fileErrors.invalidPath(`Paths are limited to ${MAX_PATH_BYTES} bytes`);
  if (input.includes('\0')) throw fileErrors.invalidPath('Paths may not contain NUL bytes');
  if (input.includes('\\')) throw fileErrors.invalidPath('Paths use / as separator; backslashes are refused');
  if (/%(2f|5c|2e|00)/i.test(input)) throw fileErrors.invalidPath('Paths may not contain encoded separators, dots or NUL bytes');
  if (input.startsWith('/')) throw fileErrors.outsideRoot('Paths are relative to the server directory; absolute paths are refused');
  const parts: string[] = [];
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw fileErrors.outsideRoot('Paths may not contain ..');
    if (Buffer.byteLength(part) > MAX_NAME_BYTES) throw fileErrors.invalidPath(`File names are limited to ${MAX_NAME_BYTES} bytes`);
    parts.push(part);
  }
  return parts.join('/');
}

/**
 * The same rules for names inside archives, which are written by whoever made the archive. A
 * leading slash or a `..` anywhere is an attack, not a path to tidy up.
 */
export function normalizeEntryName(name: string): string {
  const trimmed = name.replace(/\/+$/, '');
  if (/^[a-zA-Z]:/.test(trimmed) || trimmed.includes('\\')) throw fileErrors.archiveUnsafe(name, 'it is a Windows path');
  if (trimmed.startsWith('/')) throw fileErrors.archiveUnsafe(name, 'it is an absolute path');
  if (trimmed.split('/').includes('..')) throw fileErrors.archiveUnsafe(name, 'it climbs out with ..');
  if (trimmed.includes('\0')) throw fileErrors.archiveUnsafe(name, 'it contains a NUL byte');
  const parts = trimmed.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => Buffer.byteLength(p) > MAX_NAME_BYTES)) throw fileErrors.archiveUnsafe(name, 'a name is too long');
  return parts.join('/');
}

/** Whether a symbolic link stored at `entry` with `target` stays inside the tree it is extracted to. */
export function linkStaysInside(entry: string, target: string): boolean {
  if (target.startsWith('/') || target.includes('\0') || target.includes('\\')) return false;
  const stack = entry.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return false;
      stack.pop();
    } else stack.push(part);
  }
  return true;
}
