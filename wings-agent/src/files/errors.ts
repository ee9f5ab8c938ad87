import { AppError } from '@conductor/core/shared';

/**
 * Every refusal of the file layer, with the stable codes clients branch on. One place, so the
 * docs (docs/agent-files.md) and the tests can list them all.
 */
export const fileErrors = {
  invalidPath: (message: string) => new AppError(400, 'invalid_path', message),
  outsideRoot: (message = 'The path leaves the server directory') => new AppError(400, 'path_outside_root', message),
  symlink: (path: string) =>
    new AppError(400, 'symlink_not_followed', `${path} is or passes through a symbolic link; links are never followed`),
  notFound: (path: string) => new AppError(404, 'file_not_found', `${path} does not exist`),
  exists: (path: string) => new AppError(409, 'file_exists', `${path} already exists`),
  notDirectory: (path: string) => new AppError(400, 'not_a_directory', `${path} is not a directory`),
  notFile: (path: string) => new AppError(400, 'not_a_file', `${path} is not a regular file`),
  special: (path: string) => new AppError(400, 'special_file', `${path} is a FIFO, socket or device; such files are never copied`),
  hardLink: (path: string) =>
    new AppError(400, 'hard_link_refused', `${path} has more than one hard link; such files are never read, written, copied or changed`),
  denied: (path: string) => new AppError(403, 'file_denied', `${path} is protected by the server's template`),
  rootUntouchable: () => new AppError(400, 'root_untouchable', 'The server directory itself cannot be moved, deleted or changed'),
  tooLarge: (what: string, limit: number) => new AppError(413, 'file_too_large', `${what} is larger than the limit of ${limit} bytes`),
  quota: (limitMb: number) => new AppError(507, 'quota_exceeded', `This would take the server over its disk quota of ${limitMb} MB`),
  usageUnknown: (path: string) =>
    new AppError(
      507,
      'disk_usage_unknown',
      `The server's disk usage cannot be measured (${path} could not be read), so nothing more may be written until it can`,
    ),
  tooDeep: (path: string, why: string) => new AppError(400, 'path_too_deep', `${path}: ${why}`),
  badRange: (size: number) => new AppError(416, 'range_not_satisfiable', `The requested range is outside the file (size ${size})`),
  archiveUnsafe: (entry: string, why: string) =>
    new AppError(400, 'archive_unsafe_entry', `The archive entry ${JSON.stringify(entry)} was refused: ${why}`),
  archiveLimit: (why: string) => new AppError(413, 'archive_too_large', `The archive was refused: ${why}`),
  archiveCorrupt: (why: string) => new AppError(400, 'archive_corrupt', `The archive cannot be read: ${why}`),
  archiveFormat: (name: string) =>
    new AppError(400, 'archive_format_unsupported', `${name} is not a .zip, .tar, .tar.gz, .tgz or .tar.zst archive`),
  checksumMismatch: (expected: string, actual: string) =>
    new AppError(400, 'archive_checksum_mismatch', `The archive's sha256 is ${actual}, expected ${expected}; nothing was changed`),
  pullRefused: (why: string) => new AppError(400, 'pull_target_refused', why),
  pullFailed: (why: string) => new AppError(502, 'pull_failed', why),
  pullBusy: (max: number) => new AppError(429, 'too_many_pulls', `At most ${max} downloads may run at once for a server`),
} as const;

/** Node's errno codes for the conditions the jail maps to a client error instead of a 500. */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
