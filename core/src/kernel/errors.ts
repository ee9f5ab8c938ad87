/**
 * The one error type that crosses the HTTP boundary. Every failure a client can cause is an
 * AppError with a stable `code`, so clients can branch on it without parsing messages.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toJSON(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
export const unauthorized = (message = 'Authentication required') => new AppError(401, 'unauthenticated', message);
export const forbidden = (message = 'You are not allowed to do this') => new AppError(403, 'forbidden', message);
export const notFound = (message = 'Not found', code = 'not_found') => new AppError(404, code, message);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Errors thrown by libraries under us (body parser, router) carry an HTTP status and a type. */
export function fromLibraryError(err: {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
  expose?: boolean;
}): AppError | null {
  const status = err.status ?? err.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  if (status === 413) return new AppError(413, 'payload_too_large', 'The request body is larger than this endpoint accepts');
  if (err.type === 'entity.parse.failed' || /JSON/i.test(err.message ?? ''))
    return new AppError(400, 'invalid_json', 'The request body is not valid JSON');
  if (status === 405) return new AppError(405, 'method_not_allowed', err.message ?? 'Method not allowed');
  if (status === 415) return new AppError(415, 'unsupported_media_type', err.message ?? 'Unsupported media type');
  return new AppError(
    status,
    status === 404 ? 'not_found' : 'bad_request',
    err.expose !== false && err.message ? err.message : 'Bad request',
  );
}

/** The body and status for any thrown value: AppErrors as they are, library 4xx mapped, the rest a 500. */
export function toErrorResponse(err: unknown, requestId: string): { status: number; body: ErrorBody; internal: boolean } {
  const appError = isAppError(err) ? err : fromLibraryError(err as Record<string, never>);
  if (appError) return { status: appError.status, body: appError.toJSON(), internal: false };
  return {
    status: 500,
    body: {
      error: { code: 'internal_error', message: `Something went wrong on our side; quote request id ${requestId} when reporting it` },
    },
    internal: true,
  };
}
