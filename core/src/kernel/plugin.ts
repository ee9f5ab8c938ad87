import type { NameAndRegistrationPair } from 'awilix';
import type { Middleware } from 'koa';
import type { Namespace } from 'socket.io';
import type { z } from 'zod';
import type { CoreConfig } from './config.js';
import type { Container, Cradle } from './container.js';
import type { Database } from './database.js';
import type { EventLog, SubscriptionOptions } from './events.js';
import type { HookBus, HookName, HookTypes, TapFn, TapOptions } from './hooks.js';
import type { Logger } from './logger.js';
import type { JobDefinition } from './scheduler.js';
import type { RouteRegistrar } from './http/route.js';
import type { SocketApiSpec } from './asyncapi.js';

export interface PluginManifest {
  /** Lower-case, dash-separated; also the mount path /api/<name> and the config section. */
  name: string;
  version: string;
  description?: string;
  dependsOn?: string[];
}

type HookKindOf<K extends HookName> = HookTypes[K] extends { kind: infer Kind } ? Kind : never;

/** What a plugin may do while registering: declare and wire, no I/O. */
export interface RegisterContext<C> {
  name: string;
  config: C;
  coreConfig: CoreConfig;
  logger: Logger;
  /**
   * The container's cradle, for hook taps and subscribers to resolve services when they run.
   * Resolving during register is a mistake: other plugins may not have registered yet.
   */
  cradle: Cradle;
  register(registrations: Partial<NameAndRegistrationPair<Cradle>>): void;
  defineHook<K extends HookName>(name: K, kind: HookKindOf<K>): void;
  tap<K extends HookName>(name: K, options: string | TapOptions, fn: TapFn<HookTypes[K]>): void;
  subscribe(subscriber: string, options: SubscriptionOptions): void;
}

/** What a plugin gets once I/O is allowed (init, start, stop, sockets). */
export interface PluginRuntime<C> {
  name: string;
  config: C;
  coreConfig: CoreConfig;
  logger: Logger;
  container: Container;
  cradle: Cradle;
  db: Database;
  hooks: HookBus;
  events: EventLog;
}

export interface PluginDefinition<S extends z.ZodType = z.ZodType> {
  manifest: PluginManifest;
  /** Parsed from the `plugins.<name>` config section before anything runs. */
  configSchema?: S;
  register?(ctx: RegisterContext<z.output<S>>): void;
  routes?(router: RouteRegistrar, ctx: { name: string; config: z.output<S> }): void;
  /** A folder of knex migrations (file URL or path), applied after core's. */
  migrations?: URL | string;
  jobs?: Array<JobDefinition | ((runtime: PluginRuntime<z.output<S>>) => JobDefinition)>;
  /** Socket.io namespace `/<name>`, behind the kernel's connection authentication. */
  sockets?(namespace: Namespace, runtime: PluginRuntime<z.output<S>>): void;
  /**
   * Socket events that act on a server: event name → permission key. The payload (first
   * argument) must carry `serverId`; the kernel asks `auth.authorize` before any handler sees it.
   */
  socketPermissions?: Record<string, string>;
  /** The namespace's events with their zod schemas: served as AsyncAPI at /api/asyncapi.json. */
  socketApi?: SocketApiSpec;
  /**
   * Koa middleware for requests no API route answered (such as the panel UI's files). The API
   * keeps its JSON contract because it is matched first; this is the one way to serve non-API
   * paths, so no plugin has to reach into the Koa app.
   */
  fallback?(runtime: PluginRuntime<z.output<S>>): Middleware;
  init?(runtime: PluginRuntime<z.output<S>>): Promise<void> | void;
  start?(runtime: PluginRuntime<z.output<S>>): Promise<void> | void;
  stop?(runtime: PluginRuntime<z.output<S>>): Promise<void> | void;
}

export const PLUGIN_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Identity at runtime; gives plugin authors inference for their config type. */
export function definePlugin<S extends z.ZodType = z.ZodType>(plugin: PluginDefinition<S>): PluginDefinition<S> {
  return plugin;
}

/** Checks the shape of something loaded from disk before the kernel trusts it. */
export function assertPluginShape(value: unknown, source: string): asserts value is PluginDefinition {
  const v = value as Partial<PluginDefinition> | null;
  if (!v || typeof v !== 'object' || !v.manifest || typeof v.manifest !== 'object') {
    throw new Error(`${source} does not export a plugin (expected a default export made with definePlugin)`);
  }
  const { name, version, dependsOn } = v.manifest;
  if (typeof name !== 'string' || !PLUGIN_NAME.test(name)) throw new Error(`${source}: manifest.name must match ${PLUGIN_NAME}`);
  if (typeof version !== 'string' || !version) throw new Error(`${source}: manifest.version is required`);
  if (dependsOn !== undefined && (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string'))) {
    throw new Error(`${source}: manifest.dependsOn must be a list of plugin names`);
  }
  for (const fn of ['register', 'routes', 'sockets', 'fallback', 'init', 'start', 'stop'] as const) {
    if (v[fn] !== undefined && typeof v[fn] !== 'function') throw new Error(`${source}: ${fn} must be a function`);
  }
}
