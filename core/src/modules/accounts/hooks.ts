import type { BailHook, ParallelHook, WaterfallHook } from '../../kernel/hooks.js';

export interface ServerListScope {
  shared: string[];
  claimed: string[];
}

/** Hooks the auth module owns; the servers module and the teams plugin tap them. */
declare module '../../kernel/hooks.js' {
  interface HookTypes {
    /**
     * Who owns this server? `null` when the server does not exist. The servers module answers;
     * until it exists nobody does, and every server is "not found" to everyone but admins.
     */
    'auth.serverOwner': BailHook<[serverId: string], { ownerId: string } | null>;
    /** The keys a non-owner holds on a server; starts from the subuser grant, teams add theirs. */
    'auth.serverPermissions': WaterfallHook<string[], [{ serverId: string; userId: string }]>;
    /**
     * A user's keys on a server changed or were taken away. Whoever keeps something open for that
     * user (a console stream) checks again, since sockets are authorised when they subscribe.
     */
    'auth.serverAccessChanged': ParallelHook<[{ serverId: string; userId: string }]>;
    /**
     * Which servers a user's server list shows besides those they own: `shared` adds servers
     * (starting from their subuser grants; teams add their members' servers), `claimed` names
     * servers another plugin answers `auth.serverOwner` for (a team's), which their recorded
     * owner sees only through `shared`.
     */
    'auth.serverListScope': WaterfallHook<ServerListScope, [{ userId: string; keyScope?: string }]>;
    /**
     * May this user make an API key limited to this scope (`team:<id>`)? The plugin that owns such
     * scopes answers; no answer refuses the key (400 unknown_key_scope).
     */
    'auth.apiKeyScope': BailHook<[{ userId: string; scope: string }], { allowed: boolean }>;
  }
}

export {};
