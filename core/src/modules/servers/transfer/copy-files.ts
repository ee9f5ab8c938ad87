import { z } from 'zod';
import { ARCHIVE_SHA256_TRAILER, archiveManifest, type ArchiveManifest, SHA256_IN_TRAILER } from '../../../protocol/backups.js';
import type { AgentClient } from '../../nodes/agent-client.js';
import { answerError, isOk, readText, safeJson } from '../../nodes/agent-answer.js';
import { nodeBadAnswer } from '../../nodes/agent-errors.js';
import { AppError } from '../../../kernel/errors.js';

const restored = z.object({ sha256: z.string(), bytes: z.number() });

/**
 * Streams a server's whole directory (protected files included) from one node into the same
 * server on another, through the panel and never to disk here: the source's archive is piped into
 * the target's restore as it is made, and the source's sha256 (its trailer) follows the body as
 * the request's trailer. The target checks it before it swaps anything in, so a broken or cut
 * stream leaves the target's folder as it was. Both sums are compared here too.
 */
export async function copyServerFiles(
  from: AgentClient,
  to: AgentClient,
  serverId: string,
  signal: AbortSignal,
  changedSince?: ArchiveManifest,
): Promise<{ sha256: string; bytes: number }> {
  const request = changedSince ? { changedSince: changedSince.entries } : {};
  const source = await from.stream('POST', `/api/servers/${serverId}/backup-archive`, { json: request, timeoutMs: false, signal });
  const answer = await to.open(
    'POST',
    `/api/servers/${serverId}/backup-archive/restore?sha256=${SHA256_IN_TRAILER}&protectedFiles=replace${changedSince ? '&delta=true' : ''}`,
    {
      body: source,
      contentType: 'application/gzip',
      headers: { trailer: ARCHIVE_SHA256_TRAILER },
      trailers: () => ({ [ARCHIVE_SHA256_TRAILER]: source.trailers[ARCHIVE_SHA256_TRAILER] ?? '' }),
      timeoutMs: false,
      signal,
    },
  );
  const parsed = safeJson(await readText(answer));
  if (!isOk(answer))
    throw new AppError(502, 'transfer_copy_failed', `The target node refused the files: ${answerError(answer, parsed).message}`);
  const checked = restored.safeParse(parsed);
  if (!checked.success) throw nodeBadAnswer('POST backup-archive/restore', z.prettifyError(checked.error));
  const sent = source.trailers[ARCHIVE_SHA256_TRAILER];
  if (checked.data.sha256 !== sent)
    throw new AppError(
      502,
      'transfer_checksum_mismatch',
      `The target received sha256 ${checked.data.sha256}, the source sent ${sent ?? 'none'}`,
    );
  return checked.data;
}

/**
 * The source's tree as it is now, taken before the first copy: the final copy carries only what
 * changed since (the target applies it over the first copy's files), checked by the same sha256.
 */
export function manifestOf(from: AgentClient, serverId: string, signal: AbortSignal): Promise<ArchiveManifest> {
  return from.json('GET', `/api/servers/${serverId}/backup-archive/manifest`, archiveManifest, { timeoutMs: 120_000, signal });
}
