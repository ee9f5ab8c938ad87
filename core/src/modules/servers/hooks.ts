import type { Principal } from '../../kernel/auth.js';
import type { Transaction } from '../../kernel/database.js';
import type { BailHook, SeriesHook, WaterfallHook } from '../../kernel/hooks.js';
import type { GcItem } from './gc/gc-schema.js';
import type { PlacementRequest } from './placement.js';
import type { CreateServerBody } from './schema.js';

declare module '../../kernel/hooks.js' {
  interface HookTypes {
    /**
     * Adjust a server before it is created (limits, variables); throw an AppError to refuse. The
     * servers module's first tap fills the memory from the template's recommendation.
     */
    'server.beforeCreate': WaterfallHook<CreateServerBody & { ownerId: string }>;
    /**
     * Refuse a start or restart (billing: no credit); the answer's message is shown to the user
     * (402 start_refused), or throw an AppError. The servers module's first tap refuses a
     * suspended server (409 server_suspended).
     */
    'server.beforeStart': BailHook<[{ serverId: string; ownerId: string; suspended: boolean }], { refuse: string }>;
    /**
     * Before a server is deleted; `backup` says the caller asked for a backup first (the backups
     * plugin makes it and waits). Throw an AppError to refuse the deletion.
     */
    'server.beforeDelete': SeriesHook<[{ serverId: string; ownerId: string; nodeId: string; principal: Principal; backup: boolean }]>;
    /** Start a backup of a server now (the bulk action); no answer means no backups plugin runs. */
    'server.backup': BailHook<[{ serverId: string; principal: Principal }], { backupId: string }>;
    /**
     * Copy a sleeping server's files to remote storage and answer once they are there, checksum
     * verified (the backups plugin: a backup to its remote target). No answer: nothing archives.
     */
    'server.archive': BailHook<[{ serverId: string; principal: Principal }], { archiveId: string; sizeBytes: number }>;
    /** Put an archived server's files back onto its node (which holds its spec again by then). */
    'server.restoreArchive': BailHook<[{ serverId: string; archiveId: string; principal: Principal }], { restored: true }>;
    /**
     * The newest completed backup of a server held off its node (a remote target), to bring the
     * server back elsewhere when its node is lost. No answer: none, or no backups plugin.
     */
    'server.latestRemoteBackup': BailHook<[{ serverId: string }], { backupId: string; takenAt: string }>;
    /**
     * The ids of a team's servers, for the server list's `teamId` filter; the plugin that owns
     * teams answers. No answer: no server is any team's.
     */
    'server.ofTeam': BailHook<[{ teamId: string }], string[]>;
    /**
     * Choose the node for a new server, reading in the creating transaction; the servers
     * module's last tap (stage 100) is the default strategy. No answer means no node has room.
     */
    'node.placement': BailHook<[PlacementRequest, Transaction], { nodeId: string }>;
    /**
     * Garbage collection's report: each tap appends the orphans of its own kind to the list it
     * is given (the servers module's first: agent servers, folders and ports; the backups
     * plugin: `backup`, backups of deleted servers past its retention).
     */
    'gc.orphans': WaterfallHook<GcItem[]>;
    /** Remove one orphan a tap reported; the tap of the item's kind answers. No answer: nothing reaps that kind. */
    'gc.reap': BailHook<[GcItem], { reaped: true }>;
  }
}

export {};
