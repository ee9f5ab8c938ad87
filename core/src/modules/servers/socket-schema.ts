import { z } from 'zod';
import { consoleCommand } from '../../protocol/commands.js';
import { serverState, serverStats } from '../../protocol/server-state.js';
import { nodeStatus } from '../nodes/schema.js';

/** What travels on the `/servers` socket namespace (payloads and acknowledgements); the panel UI types its socket client from these. */

const serverId = z.string().describe('The server id (as in /api/servers)');
const socketError = z.object({ error: z.object({ code: z.string().describe('Stable error code'), message: z.string() }) });

export const subscribePayload = z.object({ serverId });
export const subscribeAck = z.union([
  z.object({
    lines: z.array(z.string()).describe('The recent console, oldest first'),
    state: serverState,
    stats: serverStats.nullable().describe('The latest sample, if the server runs'),
  }),
  socketError,
]);
export type SubscribeAck = z.output<typeof subscribeAck>;
export const commandPayload = z.object({ serverId, command: consoleCommand });
export const commandAck = z.union([z.object({ ok: z.literal(true) }), socketError]);
export type CommandAck = z.output<typeof commandAck>;
export const linesMessage = z.object({ serverId, lines: z.array(z.string()) });
export type LinesMessage = z.output<typeof linesMessage>;
export const stateMessage = z.object({ serverId, state: serverState });
export type StateMessage = z.output<typeof stateMessage>;
export const nodeStatusMessage = z.object({ serverId, nodeStatus });
export type NodeStatusMessage = z.output<typeof nodeStatusMessage>;
