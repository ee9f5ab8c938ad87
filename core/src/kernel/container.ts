import { createContainer, InjectionMode, type AwilixContainer } from 'awilix';
import type { Server as SocketServer } from 'socket.io';
import type { CoreConfig } from './config.js';
import type { Database } from './database.js';
import type { EventDispatcher, EventLog } from './events.js';
import type { EventCatalogue } from './event-types.js';
import type { HookBus } from './hooks.js';
import type { LeaderElector } from './leader.js';
import type { Logger } from './logger.js';
import type { PermissionCatalogue } from './permissions.js';
import type { PluginRegistry } from './plugin-registry.js';
import type { PluginUiFolders } from './plugin-ui.js';
import type { Scheduler } from './scheduler.js';
import type { Principal } from './auth.js';

export type HttpObserver = (request: { method: string; route: string; status: number; seconds: number }) => void;

/**
 * What the container holds. Plugins add their services by augmenting this interface:
 *   declare module '@conductor/core' { interface Cradle { backupService: BackupService } }
 */
export interface Cradle {
  config: CoreConfig;
  logger: Logger;
  db: Database;
  /** Reads outside a transaction that may run beside writes: SQLite's read-only connections, PostgreSQL's pool. */
  readDb: Database;
  hooks: HookBus;
  events: EventLog;
  eventDispatcher: EventDispatcher;
  scheduler: Scheduler;
  leader: LeaderElector;
  io: SocketServer;
  plugins: PluginRegistry;
  /** Every plugin's per-server permission keys. */
  permissionCatalogue: PermissionCatalogue;
  /** Where each plugin's prebuilt UI bundle is (served by the ui module). */
  pluginUi: PluginUiFolders;
  /** Every declared event type with its schema. */
  eventCatalogue: EventCatalogue;
  /** Called after every HTTP request with what it was and how long it took (metrics). */
  httpObservers: Set<HttpObserver>;
  /** Request-scoped: present only in a request's scope. */
  requestId: string;
  /** Request-scoped: the authenticated caller, or null. */
  principal: Principal | null;
}

export type Container = AwilixContainer<Cradle>;

/**
 * Strict mode turns lifetime mistakes (a singleton depending on a request-scoped value) into
 * errors at resolve time instead of data leaking between requests.
 */
export function createKernelContainer(): Container {
  return createContainer<Cradle>({ injectionMode: InjectionMode.PROXY, strict: true });
}
