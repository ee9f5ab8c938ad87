import type { SeriesHook } from '../../kernel/hooks.js';
import type { AgentClient } from './agent-client.js';

declare module '../../kernel/hooks.js' {
  interface HookTypes {
    /**
     * A lost node answers again. Before it counts as up (takes servers, has its events read),
     * taps fence it: the servers module removes the containers of servers that were moved away
     * while it was lost. A tap that throws keeps the node lost until the next check.
     */
    'node.returning': SeriesHook<[{ nodeId: string; client: AgentClient }]>;
  }
}

export {};
