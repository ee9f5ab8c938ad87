import type { BailHook, SeriesHook } from '../../kernel/hooks.js';
import type { AgentClient } from './agent-client.js';

/** What the nodes module asks before it declares a silent node lost. */
export interface LossQuestion {
  nodeId: string;
  name: string;
  /** When the node last answered: anything done about it since (a reboot) belongs to this silence. */
  lastSeenAt: string;
  silentSeconds: number;
}

/** A tap's answer: `lost: false` keeps the node down (asked again at its next check). */
export interface LossVerdict {
  lost: boolean;
  /** In words for the admin: the event's reason when lost, the log's when not yet. */
  reason: string;
}

declare module '../../kernel/hooks.js' {
  interface HookTypes {
    /**
     * A lost node answers again. Before it counts as up (takes servers, has its events read),
     * taps fence it: the servers module removes the containers of servers that were moved away
     * while it was lost. A tap that throws keeps the node lost until the next check.
     */
    'node.returning': SeriesHook<[{ nodeId: string; client: AgentClient }]>;
    /**
     * A node has been silent for `lostAfterSeconds`: is it lost? The tap that knows the node's
     * machine (the scaling plugin, for the cloud nodes it ordered) answers; a node no tap answers
     * for (a static one) is lost. A tap that throws keeps the node down until the next check.
     */
    'node.confirmLost': BailHook<[LossQuestion], LossVerdict>;
  }
}
