import type { Cradle } from '@conductor/core';
import type { WebhooksConfig } from './config.js';
import { discordPayload } from './discord.js';
import { genericRequest } from './generic.js';
import { post } from './http-client.js';
import type { PayloadContext } from './payload-context.js';
import type { StoredWebhook } from './repository.js';
import { checkTarget, TargetRefused } from './ssrf.js';

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** Set on a 429: when the receiver asked us to come back, in milliseconds. */
  retryAfterMs: number | null;
  /** Not worth retrying as is (SSRF refusal, redirect). */
  refused: boolean;
}

/** Seconds from Discord's JSON `retry_after` (fractional) or the standard Retry-After header. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, body: string): number | null {
  try {
    const parsed = JSON.parse(body) as { retry_after?: unknown };
    if (typeof parsed.retry_after === 'number' && parsed.retry_after >= 0) return Math.ceil(parsed.retry_after * 1000);
  } catch {
    // not JSON: fall back to the header
  }
  const header = headers['retry-after'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && value !== '' && Number.isFinite(Number(value))) return Math.ceil(Number(value) * 1000);
  if (value) {
    const at = Date.parse(value);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  return null;
}

type SenderDeps = Pick<Cradle, 'keyRing'> & { webhooksConfig: WebhooksConfig; webhookClock: { now(): Date } };

/** Turns one webhook and one payload into one HTTP request, behind the SSRF guard. */
export class WebhookSender {
  constructor(private readonly deps: SenderDeps) {}

  async send(webhook: StoredWebhook, context: PayloadContext): Promise<SendResult> {
    const config = this.deps.webhooksConfig;
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    let body: string;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Conductor-Webhooks/1' };
    if (webhook.type === 'discord') {
      body = JSON.stringify(discordPayload(context));
    } else {
      const signed = genericRequest(context, this.deps.keyRing.decrypt(webhook.secretEncrypted), this.deps.webhookClock.now().getTime());
      body = signed.body;
      Object.assign(headers, signed.headers);
    }
    try {
      const target = await checkTarget(webhook.url, config.allowHosts);
      const res = await post(target, body, headers, config.requestTimeoutMs);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      if (res.statusCode >= 300 && res.statusCode < 400) {
        return {
          ok: false,
          statusCode: res.statusCode,
          latencyMs: latency(),
          error: `redirect refused (to ${String(res.headers.location ?? 'nowhere')})`.slice(0, 500),
          retryAfterMs: null,
          refused: true,
        };
      }
      return {
        ok,
        statusCode: res.statusCode,
        latencyMs: latency(),
        error: ok ? null : `HTTP ${res.statusCode}: ${res.body.slice(0, 200)}`,
        retryAfterMs: res.statusCode === 429 ? (retryAfterMs(res.headers, res.body) ?? 1000) : null,
        refused: false,
      };
    } catch (err) {
      const refused = err instanceof TargetRefused;
      return {
        ok: false,
        statusCode: null,
        latencyMs: latency(),
        error: (err as Error).message.slice(0, 500),
        retryAfterMs: null,
        refused,
      };
    }
  }
}
