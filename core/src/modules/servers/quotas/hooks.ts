import type { Executor } from '../../../kernel/database.js';
import type { BailHook } from '../../../kernel/hooks.js';

declare module '../../../kernel/hooks.js' {
  interface HookTypes {
    /** How many backups an account's servers keep (the backups plugin answers); no answer: none. */
    'quota.backupsKept': BailHook<[{ ownerId: string }, Executor], { count: number }>;
  }
}

export {};
