import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { AgentConfig } from './config.js';
import { TokenStore } from './token-store.js';

/**
 * A node provisioned by the panel starts with a one-time join token instead of a node token: on
 * its first start it trades the token at the panel for a node of its own (POST /api/nodes/join)
 * and takes that node's token. Later starts find the token stored and do not join again.
 */
export async function joinIfNeeded(config: AgentConfig, logger: Logger): Promise<AgentConfig> {
  if (config.AGENT_TOKEN || !config.AGENT_JOIN_TOKEN) return config;
  if (TokenStore.exists(path.resolve(config.AGENT_DATA_DIR))) return config;
  const url = new URL('api/nodes/join', config.CONDUCTOR_PANEL_URL!.replace(/\/?$/, '/'));
  let res: Response;
  let body: { nodeId?: string; token?: string; error?: { code: string; message: string } };
  // The panel learns the machine's address from the cloud's answer to the order; a machine that
  // boots faster than that is told join_token_pending and asks again.
  for (let attempt = 0; ; attempt++) {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: config.AGENT_JOIN_TOKEN }),
      signal: AbortSignal.timeout(30_000),
    });
    body = (await res.json().catch(() => ({}))) as typeof body;
    if (body.error?.code !== 'join_token_pending' || attempt >= 60) break;
    await sleep(2000);
  }
  if (res.status !== 201 || !body.token)
    throw new Error(`the panel refused the join token (${res.status} ${body.error?.code ?? ''}: ${body.error?.message ?? 'no answer'})`);
  logger.info({ nodeId: body.nodeId, panel: config.CONDUCTOR_PANEL_URL }, 'joined the panel as a new node');
  return { ...config, AGENT_TOKEN: body.token };
}
