import { setTimeout as sleep } from 'node:timers/promises';
import { CloudError } from './provider.js';

/**
 * A small typed client of the Hetzner Cloud API (https://docs.hetzner.cloud). Chosen over
 * hcloud-js: that one is unmaintained since 2021, pins a vulnerable axios and has no labels on
 * images; we call six endpoints, which fetch does in a page of code.
 *
 * What it does for every call: the bearer token, one error shape (`{ error: { code, message } }`
 * becomes a CloudError with that code), the rate limit (3600 an hour, refilled one a second):
 * it waits when `RateLimit-Remaining` is 0, and backs off on a 429 a bounded number of times.
 */
export interface HetznerClientOptions {
  token: string;
  /** https://api.hetzner.cloud/v1 in production; a local fake in tests. */
  baseUrl: string;
  /** How often a 429 is waited out before the call fails with rate_limit_exceeded. */
  maxRateLimitRetries?: number;
  /** The longest single wait for the rate limit; a reset further away fails the call instead. */
  maxRateLimitWaitMs?: number;
  timeoutMs?: number;
}

export interface HetznerPagination {
  page: number;
  per_page: number;
  previous_page: number | null;
  next_page: number | null;
  last_page: number | null;
  total_entries: number | null;
}

export interface HetznerAction {
  id: number;
  command: string;
  status: 'running' | 'success' | 'error';
  progress: number;
  error: { code: string; message: string } | null;
}

type Query = Record<string, string | number | undefined>;

export class HetznerClient {
  private remaining: number | null = null;
  private resetAt = 0;
  /** Every wait for the rate limit, for the operator's log and for tests. */
  readonly rateLimitWaits: number[] = [];

  constructor(private readonly options: HetznerClientOptions) {}

  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
    const retries = this.options.maxRateLimitRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      await this.waitForQuota();
      const res = await this.send(method, path, options);
      this.remember(res.headers);
      if (res.status === 429 && attempt < retries) {
        await this.backOff(attempt);
        continue;
      }
      const text = await res.text();
      const body = text ? (JSON.parse(text) as T & { error?: { code: string; message: string } }) : ({} as T);
      if (!res.ok) {
        const error = (body as { error?: { code?: string; message?: string } }).error;
        const code = error?.code ?? `http_${res.status}`;
        throw new CloudError(code, error?.message ?? `Hetzner Cloud answered ${res.status}`, res.status, CAPACITY_CODES.has(code));
      }
      return body;
    }
  }

  /** Every item of a paginated list (`meta.pagination.next_page`), 50 a page. */
  async all<T>(path: string, key: string, query: Query = {}): Promise<T[]> {
    const items: T[] = [];
    for (let page: number | null = 1; page !== null;) {
      const body: Record<string, unknown> & { meta?: { pagination?: HetznerPagination } } = await this.request('GET', path, {
        query: { ...query, page, per_page: 50 },
      });
      items.push(...((body[key] as T[]) ?? []));
      page = body.meta?.pagination?.next_page ?? null;
    }
    return items;
  }

  /** Polls an action until it ends, backing off from 250 ms to 5 s; an action that fails throws its error. */
  async waitForAction(action: HetznerAction, timeoutMs = 600_000): Promise<HetznerAction> {
    const deadline = Date.now() + timeoutMs;
    let delay = 250;
    let current = action;
    while (current.status === 'running') {
      if (Date.now() > deadline)
        throw new CloudError('action_timeout', `Hetzner action ${current.command} ${current.id} still runs after ${timeoutMs} ms`, 504);
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
      current = (await this.request<{ action: HetznerAction }>('GET', `/actions/${current.id}`)).action;
    }
    if (current.status === 'error')
      throw new CloudError(
        current.error?.code ?? 'action_failed',
        current.error?.message ?? `Hetzner action ${current.command} failed`,
        502,
      );
    return current;
  }

  private async send(method: string, path: string, options: { query?: Query; body?: unknown }): Promise<Response> {
    const url = new URL(`${this.options.baseUrl.replace(/\/$/, '')}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    try {
      return await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new CloudError('unreachable', `Hetzner Cloud did not answer: ${(err as Error).message}`, 502);
    }
  }

  private remember(headers: Headers): void {
    const remaining = headers.get('ratelimit-remaining');
    const reset = headers.get('ratelimit-reset');
    if (remaining !== null) this.remaining = Number(remaining);
    if (reset !== null) this.resetAt = Number(reset) * 1000;
  }

  /** With no requests left, waits for the next one to be refilled (one a second), at most until the reset. */
  private async waitForQuota(): Promise<void> {
    if (this.remaining === null || this.remaining > 0) return;
    await this.wait(Math.min(1000, Math.max(0, this.resetAt - Date.now())));
  }

  /**
   * After a 429: one request is refilled a second, so wait 1 s, then 2, 4, ... but never past
   * `RateLimit-Reset` (the quota is full by then), and give up when that wait is over the limit.
   */
  private async backOff(attempt: number): Promise<void> {
    const ms = Math.min(1000 * 2 ** attempt, Math.max(250, this.resetAt - Date.now()));
    const max = this.options.maxRateLimitWaitMs ?? 60_000;
    if (ms > max)
      throw new CloudError(
        'rate_limit_exceeded',
        `Hetzner Cloud refuses requests for now (rate limit); next try in ${Math.round(ms / 1000)} s`,
        429,
      );
    await this.wait(ms);
  }

  private async wait(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.rateLimitWaits.push(ms);
    await sleep(ms);
  }
}

/** Refusals for lack of capacity: another server type or location may have room. */
const CAPACITY_CODES = new Set(['resource_unavailable', 'placement_error']);
