import { AppError } from '../../kernel/errors.js';

/**
 * The one mapping of what goes wrong between panel and node. A node that refuses the panel's
 * token is the panel's configuration problem: never passed on as the caller's 401, which the
 * panel UI takes as "signed out".
 */
export function nodeAuthFailed(): AppError {
  return new AppError(502, 'node_auth_failed', "The node refused the panel's token; rotate or reconfigure the node");
}

/** No answer at all: refused connection, reset, DNS, or the timeout ran out. */
export function nodeUnreachable(err: unknown): AppError {
  const e = err as { name?: string; message?: string };
  return new AppError(
    502,
    'node_unreachable',
    `The node does not answer (${e.name === 'TimeoutError' ? 'timed out' : (e.message ?? String(err))})`,
  );
}

/** A node's error answer: its own 5xx are the panel's 502 (the node failed, not the panel), its 401 is nodeAuthFailed; other codes pass through. */
export function nodeAnswerError(
  status: number,
  error: { code?: string; message?: string; details?: unknown } | undefined,
  fallback = `The node answered ${status}`,
): AppError {
  if (status === 401) return nodeAuthFailed();
  return new AppError(status >= 500 ? 502 : status, error?.code ?? 'node_error', error?.message ?? fallback, error?.details);
}

/** An answer that does not match the protocol's schema: an agent of another version, or something else on that port. */
export function nodeBadAnswer(what: string, issues: string): AppError {
  return new AppError(
    502,
    'node_bad_answer',
    `The node's answer to ${what} does not match the protocol (${issues}); is the agent the panel's version?`,
  );
}

/**
 * A node its health checks found not answering: actions on its servers are refused at once,
 * without trying it (a request that waited for it could run when it comes back, long after).
 */
export function nodeDown(node: { id: string; name: string; lastSeenAt: string | null }): AppError {
  return new AppError(
    503,
    'node_unreachable',
    `The node ${node.name} is not answering${node.lastSeenAt ? ` (last answer ${node.lastSeenAt})` : ''}; try again when it is back`,
    { nodeId: node.id, lastSeenAt: node.lastSeenAt },
  );
}
