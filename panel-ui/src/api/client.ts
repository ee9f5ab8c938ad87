/** The one way the panel UI talks REST: cookies, the CSRF header, and errors as ApiError. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const CSRF_COOKIE = 'cdr_csrf';

function csrfToken(): string | null {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(CSRF_COOKIE.length + 1)) : null;
}

/** Called when any request answers 401, so the app can send the person back to sign-in. */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

function headersFor(method: string, contentType?: string): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (contentType) headers['content-type'] = contentType;
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  return headers;
}

/** The JSON body of an answer (undefined when it has none), or the ApiError a failed one means. */
function parseAnswer(status: number, statusText: string, contentType: string, text: string): unknown {
  let parsed: unknown = undefined;
  if (text && contentType.includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (status < 200 || status >= 300) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    if (status === 401 && error?.code === 'unauthenticated') onUnauthenticated?.();
    throw new ApiError(status, error?.code ?? `http_${status}`, error?.message ?? statusText, error?.details);
  }
  return parsed;
}

async function request(
  method: string,
  path: string,
  body: BodyInit | undefined,
  contentType?: string,
): Promise<{ res: Response; text: string }> {
  let res: Response;
  try {
    res = await fetch(path, { method, headers: headersFor(method, contentType), body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', 'The panel cannot be reached');
  }
  return { res, text: await res.text() };
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const { res, text } = await request(
    method,
    path,
    body === undefined ? undefined : JSON.stringify(body),
    body === undefined ? undefined : 'application/json',
  );
  return parseAnswer(res.status, res.statusText, res.headers.get('content-type') ?? '', text) as T;
}

/** A file's text as the API sends it raw (file contents), with errors as for api(). */
export async function getText(path: string): Promise<string> {
  const { res, text } = await request('GET', path, undefined);
  parseAnswer(res.status, res.statusText, res.headers.get('content-type') ?? '', text);
  return text;
}

/** Sends a raw body (a file's new text), answering JSON like api(). */
export async function putRaw<T>(path: string, body: string): Promise<T> {
  const { res, text } = await request('PUT', path, body, 'application/octet-stream');
  return parseAnswer(res.status, res.statusText, res.headers.get('content-type') ?? '', text) as T;
}

/**
 * Uploads a file as the raw body, reporting progress (0..1) as it is sent: fetch cannot report
 * upload progress, XMLHttpRequest can. Errors become ApiError as for api().
 */
export function upload<T>(path: string, file: Blob, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(headersFor('POST', 'application/octet-stream'))) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      try {
        onProgress(1);
        resolve(parseAnswer(xhr.status, xhr.statusText, xhr.getResponseHeader('content-type') ?? '', xhr.responseText) as T);
      } catch (err) {
        reject(err);
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The panel cannot be reached'));
    xhr.onabort = () => reject(new ApiError(0, 'upload_cancelled', 'The upload was cancelled'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);
