import { ApiError } from '../api/client.js';
import { i18n } from '../i18n/index.js';

/**
 * A sentence a person can act on: our own translation of the API's stable error code when we
 * have one, else the API's human message, never the raw body.
 */
export function errorMessage(err: unknown): string {
  const { t, te } = i18n.global;
  if (err instanceof ApiError) {
    const key = `errors.${err.code}`;
    // Details an API error carries (the game's answer, say) fill the translation's placeholders.
    if (te(key)) return isRecord(err.details) ? t(key, err.details) : t(key);
    if (err.message) return err.message;
    return t('errors.generic', { status: err.status });
  }
  return t('errors.unexpected');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The same, for an error that arrives as data (bulk results, socket acks). */
export function describeError(error: { code: string; message: string } | undefined): string {
  return error ? errorMessage(new ApiError(0, error.code, error.message)) : i18n.global.t('errors.unexpected');
}
