import type { NameAndRegistrationPair } from 'awilix';
import semver from 'semver';
import type { Middleware } from 'koa';
import type { Namespace } from 'socket.io';
import type { z } from 'zod';
import type { CoreConfig } from './config.js';
import type { Container, Cradle } from './container.js';
import type { Database } from './database.js';
import type { EventLog, SubscriptionOptions } from './events.js';
import type { HookBus, HookName, HookTypes, TapFn, TapOptions } from './hooks.js';
import type { Logger } from './logger.js';
import type { PermissionGroupDeclaration } from './permissions.js';
import type { JobDefinition } from './scheduler.js';
import type { SocketRateLimit } from './socket-limits.js';
import type { RouteRegistrar } from './http/route.js';
import type { SocketApiSpec } from './asyncapi.js';
import type { ServiceRef } from './service-refs.js';
import type { EventDeclarations } from './event-types.js';

/**
 * The version of the contract plugins are written against (this file, the route, hook, event and
 * permission APIs). A major step breaks plugins; a minor one adds to the contract.
 */
export const PLUGIN_API_VERSION = '1.1.0';

export interface PluginManifest {
  /** Lower-case, dash-separated; also the mount path /api/<name> and the config section. */
  name: string;
  version: string;
  description?: string;
  dependsOn?: string[];
  /**
   * Plugins this one works with when they are installed (it taps their hooks, say): when present
   * they load first; when absent, this plugin loads anyway.
   */
  optionalDependsOn?: string[];
  /**
   * The range of the plugin API this plugin was written for, as a semver range (`^1.0.0`).
   * Required of plugins installed from npm or the plugins folder; the panel refuses one whose
   * range does not hold its PLUGIN_API_VERSION.
   */
  api?: string;
}

type HookKindOf<K extends HookName> = HookTypes[K] extends { kind: infer Kind } ? Kind : never;

/** What a plugin may do while registering: declare and wire, no I/O. */
export interface RegisterContext<C> {
  name: string;
  config: C;
  coreConfig: CoreConfig;
  logger: Logger;
  /**
   * The plugin's cradle, for hook taps and subscribers to keep and resolve from when they run.
   * It throws if resolved during register: the services are wired once every plugin registered.
   */
  cradle: Cradle;
  /** The plugin's own registrations: private to it unless named in `provides`. */
  register(registrations: Partial<NameAndRegistrationPair<Cradle>>): void;
  defineHook<K extends HookName>(name: K, kind: HookKindOf<K>): void;
  /** Whether a hook is declared (by a plugin in `optionalDependsOn`, which registered first when installed). */
  hasHook(name: HookName): boolean;
  tap<K extends HookName>(name: K, options: string | TapOptions, fn: TapFn<HookTypes[K]>): void;
  /** Typed: a subscriber to declared types gets their data typed (EventTypes). */
  subscribe<K extends string>(subscriber: string, options: SubscriptionOptions<K>): void;
}

/** What a plugin gets once I/O is allowed (init, start, stop, sockets). */
export interface PluginRuntime<C> {
  name: string;
  config: C;
  coreConfig: CoreConfig;
  logger: Logger;
  /** The plugin's own container: the kernel's services, its registrations and what it consumes. */
  container: Container;
  cradle: Cradle;
  /** A consumed service by its ref, typed: `T | undefined` for an optional one. */
  service<T>(ref: ServiceRef<T>): T;
  db: Database;
  hooks: HookBus;
  events: EventLog;
}

export interface PluginDefinition<S extends z.ZodType = z.ZodType> {
  manifest: PluginManifest;
  /** Parsed from the `plugins.<name>` config section before anything runs. */
  configSchema?: S;
  /** The services other plugins may consume (each registered by this plugin under the ref's id). */
  provides?: ServiceRef[];
  /**
   * The other plugins' services this one uses; nothing else of theirs resolves in its container.
   * A required one whose plugin is not installed stops boot; an optional one resolves to undefined.
   */
  consumes?: ServiceRef[];
  /**
   * The event types this plugin appends, with a zod schema of their data (defineEvents). Appends
   * are checked against it outside production; GET /api/events/types lists them.
   */
  events?: EventDeclarations;
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
   * The per-server permission keys this plugin owns, by group (`backup` → `backup.create`, ...),
   * with labels in English and German. A route or socket event may only name a declared key; the
   * subuser pages offer the keys of every active plugin; a grant of an undeclared key is refused.
   */
  permissions?: PermissionGroupDeclaration[];
  /**
   * The folder of the plugin's prebuilt UI bundle (`new URL('../ui-dist/', import.meta.url)` or
   * an absolute path): an ES module `index.js` whose default export registers pages, tabs and
   * cards, and the stylesheets (`*.css`) beside it. The panel serves the folder at
   * /plugin-ui/<name>/ and the browser loads it at run time, with no rebuild of the panel UI
   * (docs/plugins.md, "UI").
   */
  ui?: URL | string;
  /**
   * Per-connection rate limits on socket events, checked before authorisation (one person's
   * connections together get three times as much). Events in `socketPermissions` not named here
   * get the kernel's default (20 per second); a refusal answers `rate_limited` with `retryAfterMs`.
   */
  socketRateLimits?: Record<string, SocketRateLimit>;
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
  const { name, version, dependsOn, optionalDependsOn } = v.manifest;
  if (typeof name !== 'string' || !PLUGIN_NAME.test(name)) throw new Error(`${source}: manifest.name must match ${PLUGIN_NAME}`);
  if (typeof version !== 'string' || !version) throw new Error(`${source}: manifest.version is required`);
  if (dependsOn !== undefined && (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string'))) {
    throw new Error(`${source}: manifest.dependsOn must be a list of plugin names`);
  }
  if (optionalDependsOn !== undefined && (!Array.isArray(optionalDependsOn) || optionalDependsOn.some((d) => typeof d !== 'string'))) {
    throw new Error(`${source}: manifest.optionalDependsOn must be a list of plugin names`);
  }
  if (v.manifest.api !== undefined && (typeof v.manifest.api !== 'string' || !semver.validRange(v.manifest.api))) {
    throw new Error(`${source}: manifest.api must be a semver range such as ^${semver.major(PLUGIN_API_VERSION)}.0.0`);
  }
  for (const list of ['provides', 'consumes'] as const) {
    const refs = v[list];
    if (refs !== undefined && (!Array.isArray(refs) || refs.some((r) => !r || typeof r.id !== 'string' || typeof r.plugin !== 'string'))) {
      throw new Error(`${source}: ${list} must be a list of service refs (serviceRef(plugin, name))`);
    }
  }
  if (v.permissions !== undefined && !Array.isArray(v.permissions))
    throw new Error(`${source}: permissions must be a list of permission groups`);
  if (v.ui !== undefined && typeof v.ui !== 'string' && !(v.ui instanceof URL))
    throw new Error(`${source}: ui must be the folder of the UI bundle (a file: URL or a path)`);
  for (const fn of ['register', 'routes', 'sockets', 'fallback', 'init', 'start', 'stop'] as const) {
    if (v[fn] !== undefined && typeof v[fn] !== 'function') throw new Error(`${source}: ${fn} must be a function`);
  }
}

/** Refuses a plugin written for another plugin API, naming both versions; `required` for installed plugins. */
export function assertApiCompatible(manifest: PluginManifest, source: string, required: boolean): void {
  if (manifest.api === undefined) {
    if (required)
      throw new Error(
        `${source}: manifest.api is missing; declare the plugin API range it was written for (this panel provides ${PLUGIN_API_VERSION}, e.g. "^${semver.major(PLUGIN_API_VERSION)}.0.0")`,
      );
    return;
  }
  if (!semver.satisfies(PLUGIN_API_VERSION, manifest.api)) {
    throw new Error(
      `${source}: plugin "${manifest.name}" ${manifest.version} needs plugin API ${manifest.api}; this panel provides plugin API ${PLUGIN_API_VERSION}`,
    );
  }
}
