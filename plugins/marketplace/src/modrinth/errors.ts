import { AppError } from '@conductor/core';

/**
 * The one mapping of what Modrinth (or the way to it) did into what the panel's caller sees.
 * Modrinth's own faults are 502 (the panel is a gateway to it), its rate limit after our retries
 * is 503 with a retry time, and a request it refused as invalid is our bug, so also 502 with its words.
 */
export function modrinthError(
  what: string,
  failure: { status?: number; description?: string; retryAfterSeconds?: number; cause?: Error },
): AppError {
  if (failure.status === 429) {
    const retryAfterSeconds = failure.retryAfterSeconds ?? 60;
    return new AppError(
      503,
      'modrinth_rate_limited',
      `Modrinth's rate limit was reached while ${what}; try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }
  if (failure.status === undefined)
    return new AppError(502, 'modrinth_unreachable', `Modrinth does not answer while ${what} (${failure.cause?.message ?? 'no answer'})`);
  if (failure.status >= 500) return new AppError(502, 'modrinth_unavailable', `Modrinth failed while ${what} (HTTP ${failure.status})`);
  return new AppError(
    502,
    'modrinth_refused',
    `Modrinth refused a request while ${what} (HTTP ${failure.status}${failure.description ? `: ${failure.description}` : ''})`,
  );
}
