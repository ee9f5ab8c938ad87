import type { Principal, SeriesHook } from '@conductor/core';

declare module '@conductor/core' {
  interface HookTypes {
    /**
     * Owned here: before an install, update or rollback changes a server's files. `backup: true`
     * asks for a backup first (the backups plugin taps it); a tap that throws stops the change.
     * The backups plugin declares the same signature until it consumes this one; keep them equal.
     */
    'marketplace.beforeInstall': SeriesHook<[{ serverId: string; principal: Principal; backup: boolean; what?: string }]>;
  }
}

export const BEFORE_INSTALL = 'marketplace.beforeInstall';
