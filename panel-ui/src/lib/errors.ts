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
    if (te(key)) return t(key);
    if (err.message) return err.message;
    return t('errors.generic', { status: err.status });
  }
  return t('errors.unexpected');
}

/** The same, for an error that arrives as data (bulk results, socket acks). */
export function describeError(error: { code: string; message: string } | undefined): string {
  return error ? errorMessage(new ApiError(0, error.code, error.message)) : i18n.global.t('errors.unexpected');
}
