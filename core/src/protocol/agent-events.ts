import { z } from 'zod';

/**
 * Facts the agent reports. Each has a sequence number that only grows, kept across agent restarts,
 * so the panel can ask for everything after the last one it stored and miss nothing.
 */
export const agentEvent = z.object({
  seq: z.number().int().min(1),
  type: z.enum([
    'server.installing',
    'server.installed',
    'server.install_failed',
    'server.starting',
    'server.started',
    'server.stopping',
    'server.stopped',
    'server.crashed',
    'server.restarted',
    'server.deleted',
    'player.joined',
    'player.left',
    /** The edge proxy saw a login (or, if allowed, a ping) for a sleeping server: data { player, address }. */
    'server.wake_requested',
  ]),
  serverId: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type AgentEvent = z.output<typeof agentEvent>;
export type AgentEventType = AgentEvent['type'];

/** socket.io event names between panel and agent (namespace `/`). */
export const AGENT_SOCKET = {
  /** client → agent: { serverId } with ack { lines } (the recent console), then live lines. */
  subscribe: 'server:subscribe',
  unsubscribe: 'server:unsubscribe',
  /** agent → client: { serverId, lines: string[] } */
  console: 'server:console',
  /** agent → client: ServerStats */
  stats: 'server:stats',
  /** agent → client: { serverId, state } */
  state: 'server:state',
  /** agent → client: { serverId, lines: string[] } output of the install container */
  installOutput: 'server:install-output',
  /** agent → every client: AgentEvent */
  event: 'agent:event',
} as const;
