import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PayloadContext } from './payload-context.js';

export const SIGNATURE_HEADER = 'x-conductor-signature';
export const TIMESTAMP_HEADER = 'x-conductor-timestamp';
/** How far a receiver should let a timestamp drift before refusing it as a replay (documented). */
export const TOLERANCE_SECONDS = 300;

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does; shipped so tests (and JavaScript receivers) verify exactly as documented. */
export function verify(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > TOLERANCE_SECONDS || !headers.signature) return false;
  const expected = Buffer.from(sign(secret, ts, body));
  return headers.signature.split(',').some((candidate) => {
    const given = Buffer.from(candidate.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export function genericBody(c: PayloadContext): Record<string, unknown> {
  return {
    deliveryId: c.deliveryId,
    webhookId: c.webhookId,
    eventId: c.event.id,
    type: c.event.type,
    occurredAt: c.event.occurredAt,
    server: c.event.serverId ? { id: c.event.serverId, name: c.serverName } : null,
    node: c.event.nodeId ? { id: c.event.nodeId, name: c.nodeName } : null,
    data: c.event.data,
  };
}

export function genericRequest(c: PayloadContext, secret: string, nowMs: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(genericBody(c));
  const timestamp = Math.floor(nowMs / 1000);
  return {
    body,
    headers: {
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: sign(secret, timestamp, body),
      'x-conductor-event': c.event.type,
      'x-conductor-delivery': String(c.deliveryId),
    },
  };
}
