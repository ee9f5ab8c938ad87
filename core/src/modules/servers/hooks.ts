import type { BailHook, WaterfallHook } from '../../kernel/hooks.js';
import type { PlacementRequest } from './placement.js';
import type { CreateServerBody } from './schema.js';

declare module '../../kernel/hooks.js' {
  interface HookTypes {
    /** Adjust a server before it is created (limits, variables); throw an AppError to refuse. */
    'server.beforeCreate': WaterfallHook<CreateServerBody & { ownerId: string }>;
    /** Refuse a start (billing: no credit); the answer's message is shown to the user. */
    'server.beforeStart': BailHook<[{ serverId: string; ownerId: string }], { refuse: string }>;
    /** Choose the node for a new server; no answer means the default strategy. */
    'node.placement': BailHook<[PlacementRequest], { nodeId: string }>;
  }
}

export {};
