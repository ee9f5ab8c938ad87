import { createServer, type RequestListener, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asValue } from 'awilix';
import Koa from 'koa';
import type { Server as SocketServer } from 'socket.io';
import { bearerToken, secretsEqual, withAddress, type Principal } from './auth.js';
import { createAuthorizer } from './authorize.js';
import { ConfigError, describeConfigIssue, type CoreConfig } from './config.js';
import { createKernelContainer, type Container, type HttpObserver } from './container.js';
import { createDatabase, type Database } from './database.js';
import { createReadDatabase } from './read-database.js';
import { AppError } from './errors.js';
import { EventDispatcher, EventLog } from './events.js';
import { EventCatalogue } from './event-types.js';
import { HookBus } from './hooks.js';
import { InFlightRequests, kernelMiddleware } from './http/kernel-middleware.js';
import { AsyncApiBuilder } from './asyncapi.js';
import { OpenApiBuilder } from './http/openapi.js';
import { KoaRouteRegistrar } from './http/route.js';
import { RouterTable } from './http/router-table.js';
import type { KernelContext } from './http/state.js';
import './kernel-hooks.js';
import { PostgresLeader, SoleLeader, type LeaderElector } from './leader.js';
import { createLogger, type Logger } from './logger.js';
import { migrateLatest } from './migrations.js';
import { assertApiCompatible, type PluginDefinition, type PluginRuntime, type RegisterContext } from './plugin.js';
import { loadAfter, orderPlugins, requiredPlugins } from './plugin-graph.js';
import { PluginContainers } from './plugin-containers.js';
import { discoverPlugins } from './plugin-loader.js';
import { PermissionCatalogue } from './permissions.js';
import { PluginRegistry } from './plugin-registry.js';
import { PluginUiFolders } from './plugin-ui.js';
import { describeNotReady, requiredPluginsDown } from './readiness.js';
import { Scheduler } from './scheduler.js';
import { joinSocketCluster } from './socket-cluster.js';
import { closeSocketsForShutdown, createSocketServer, guardNamespace } from './sockets.js';
import { logKoaErrors } from './http/koa-errors.js';

export const APP_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CORE_MIGRATIONS = new URL('../migrations/', import.meta.url);
const VERSION = '0.1.0';

export interface KernelOptions {
  config: CoreConfig;
  /** Plugins handed over directly: the core modules, or a test's choice. */
  plugins?: PluginDefinition[];
  /** Also load plugins from plugins/, npm dependencies and the plugins directory. */
  discover?: boolean;
  appRoot?: string;
  logger?: Logger;
  leader?: LeaderElector;
  /**
   * Plugins the panel is not ready without (the core modules; PLUGINS_REQUIRED adds the
   * operator's): while one is not running, /readyz answers 503. One disabled on purpose
   * (PLUGINS_DISABLED) does not count.
   */
  required?: string[];
}

export type KernelState = 'created' | 'booting' | 'ready' | 'listening' | 'stopping' | 'stopped';

/** A boot failure an operator must fix (dependency graph, core migration): stops the process. */
export class BootError extends Error {
  override name = 'BootError';
}

interface ActivePlugin {
  definition: PluginDefinition;
  config: unknown;
  runtime: PluginRuntime<unknown>;
}

export class Kernel {
  readonly config: CoreConfig;
  readonly logger: Logger;
  readonly container: Container;
  readonly db: Database;
  /** Reads outside a transaction that may run beside writes (SQLite's read-only connections). */
  readonly readDb: Database;
  readonly hooks = new HookBus();
  readonly events: EventLog;
  readonly dispatcher: EventDispatcher;
  readonly scheduler: Scheduler;
  readonly leader: LeaderElector;
  /** Socket.io across the panels on one PostgreSQL (none with SQLite). */
  private socketCluster: { close(): Promise<void> } | null = null;
  readonly plugins = new PluginRegistry();
  readonly permissionCatalogue = new PermissionCatalogue((name) => this.plugins.isActive(name));
  readonly pluginUi = new PluginUiFolders((name) => this.plugins.isActive(name));
  readonly eventCatalogue = new EventCatalogue((name) => this.plugins.isActive(name));
  readonly openapi = new OpenApiBuilder({ title: 'Conductor API', version: VERSION, description: 'Minecraft hosting panel' });
  readonly asyncapi = new AsyncApiBuilder({
    title: 'Conductor socket API',
    version: VERSION,
    description:
      "socket.io (v4) on the panel's own origin, path /socket.io; each channel is a namespace. A connection is authenticated like the REST API: the session cookie, or `auth: { token }` with an API key. Events that act on a server carry its `serverId` and are checked against a permission key (x-permission) before any handler sees them.",
  });
  readonly app = new Koa({ proxy: false });
  readonly http: HttpServer;
  readonly io: SocketServer;
  state: KernelState = 'created';

  private readonly active = new Map<string, ActivePlugin>();
  private readonly containers: PluginContainers;
  private readonly order: string[] = [];
  private readonly inFlight = new InFlightRequests();
  private readonly httpObservers = new Set<HttpObserver>();
  private required: string[] = [];
  /** What a start in progress waits for, as /readyz says it. */
  private waitingFor = 'the plugins to load';
  private handler: RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"not_ready","message":"The panel is starting"}}');
  };

  constructor(private readonly options: KernelOptions) {
    this.config = options.config;
    this.logger = options.logger ?? createLogger(options.config);
    this.app.proxy = this.config.TRUST_PROXY;
    logKoaErrors(this.app, this.logger.child({ component: 'http' }));
    this.db = createDatabase(this.config, this.logger.child({ component: 'database' }));
    this.readDb = createReadDatabase(this.db, this.config, this.logger.child({ component: 'database' }));
    // Outside production every append is checked against its type's schema; an undeclared type is logged once.
    const undeclared = new Set<string>();
    const eventsLogger = this.logger.child({ component: 'events' });
    this.events = new EventLog(this.db, this.config.NODE_ENV === 'production' ? null : this.eventCatalogue, (type) => {
      if (undeclared.has(type)) return;
      undeclared.add(type);
      eventsLogger.warn(
        { type },
        `event type "${type}" is not declared; its plugin should declare it in events (GET /api/events/types lists the declared ones)`,
      );
    });
    this.dispatcher = new EventDispatcher(this.db, this.events, this.logger.child({ component: 'events' }), this.config.EVENTS_POLL_MS);
    this.leader =
      options.leader ??
      (this.config.DATABASE_URL
        ? new PostgresLeader(this.config.DATABASE_URL, this.logger.child({ component: 'leader' }), this.config.LEADER_POLL_MS)
        : new SoleLeader());
    this.scheduler = new Scheduler(this.leader, this.logger.child({ component: 'scheduler' }));
    // Koa composes its middleware when callback() is called, so the handler is swapped in after mounting.
    this.http = createServer((req, res) => this.handler(req, res));
    this.io = createSocketServer(this.http);
    this.container = createKernelContainer();
    this.container.register({
      config: asValue(this.config),
      logger: asValue(this.logger),
      db: asValue(this.db),
      readDb: asValue(this.readDb),
      hooks: asValue(this.hooks),
      events: asValue(this.events),
      eventDispatcher: asValue(this.dispatcher),
      scheduler: asValue(this.scheduler),
      leader: asValue(this.leader),
      io: asValue(this.io),
      plugins: asValue(this.plugins),
      permissionCatalogue: asValue(this.permissionCatalogue),
      pluginUi: asValue(this.pluginUi),
      eventCatalogue: asValue(this.eventCatalogue),
      principal: asValue(null),
      httpObservers: asValue(this.httpObservers),
    });
    this.containers = new PluginContainers(this.container);
    this.defineKernelHooks();
  }

  /** A plugin's own container (its services and what it consumes): for the CLI and tests. */
  containerOf(plugin: string): Container {
    const container = this.containers.get(plugin);
    if (!container) throw new Error(`no plugin "${plugin}" was registered`);
    return container;
  }

  get url(): string {
    const address = this.http.address() as AddressInfo | null;
    if (!address) return '';
    const host = this.config.HOST === '0.0.0.0' || this.config.HOST === '::' ? 'localhost' : this.config.HOST;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  /** register → migrate → init → mount; everything before the panel listens. */
  async boot(): Promise<void> {
    await this.prepare({ migrate: true });
    await this.initialize();
  }

  /** Loads and registers every plugin, then (optionally) migrates: what the CLI needs without serving. */
  async prepare(options: { migrate: boolean }): Promise<void> {
    if (this.state !== 'created') throw new Error(`cannot boot a kernel that is ${this.state}`);
    this.state = 'booting';
    const definitions = await this.collectPlugins();
    const disabled = new Set(this.config.PLUGINS_DISABLED);
    for (const def of definitions) {
      if (disabled.has(def.definition.manifest.name)) this.plugins.setState(def.definition.manifest.name, 'disabled');
    }
    const enabled = definitions.filter((d) => !disabled.has(d.definition.manifest.name));
    this.required = [...new Set([...(this.options.required ?? []).filter((name) => !disabled.has(name)), ...this.config.PLUGINS_REQUIRED])];
    let ordered: typeof enabled;
    const installed = new Set(enabled.map((d) => d.definition.manifest.name));
    try {
      const graph = enabled.map((d) => ({ ...d, manifest: { ...d.definition.manifest, dependsOn: loadAfter(d.definition, installed) } }));
      ordered = orderPlugins(graph).map(({ manifest: _m, ...rest }) => rest);
    } catch (err) {
      throw new BootError((err as Error).message);
    }
    const configs = new Map<string, unknown>();
    for (const { definition } of ordered) configs.set(definition.manifest.name, this.parsePluginConfig(definition));

    for (const { definition } of ordered) this.registerPlugin(definition, configs.get(definition.manifest.name));
    try {
      this.wireServices();
      this.hooks.validate();
      this.permissionCatalogue.validate();
    } catch (err) {
      throw new BootError((err as Error).message);
    }

    if (options.migrate) await this.migrate();
  }

  /** Makes each plugin's consumed services resolvable in its container, in load order, then opens the late cradles. */
  private wireServices(): void {
    const providerState = (name: string) => (!this.active.has(name) ? 'absent' : this.plugins.isActive(name) ? 'active' : 'failed');
    for (const name of this.order) {
      const brokenBy = this.containers.wire(name, providerState);
      if (brokenBy && this.plugins.isActive(name))
        this.failPlugin(name, 'register', new Error(`dependency "${brokenBy}" failed`), brokenBy);
    }
    this.containers.open();
  }

  private async migrate(): Promise<void> {
    try {
      const applied = await migrateLatest(this.db, { owner: 'core', directory: CORE_MIGRATIONS });
      if (applied.length) this.logger.info({ applied }, 'core migrations applied');
    } catch (err) {
      throw new BootError(`core migrations failed: ${(err as Error).message}`);
    }
    for (const name of this.order) {
      const plugin = this.active.get(name);
      if (!plugin?.definition.migrations || !this.plugins.isActive(name)) continue;
      try {
        const applied = await migrateLatest(this.db, { owner: name, directory: plugin.definition.migrations });
        if (applied.length) plugin.runtime.logger.info({ applied }, 'migrations applied');
        this.plugins.setState(name, 'migrated');
      } catch (err) {
        this.failPlugin(name, 'migrate', err as Error);
      }
    }
  }

  private async initialize(): Promise<void> {
    // Before any namespace exists (below), so each gets the cluster adapter.
    if (this.config.DATABASE_URL) this.socketCluster = await joinSocketCluster(this.io, this.config.DATABASE_URL, this.logger);
    for (const name of this.order) {
      const plugin = this.active.get(name);
      if (!plugin || !this.plugins.isActive(name)) continue;
      try {
        await plugin.definition.init?.(plugin.runtime);
        this.plugins.setState(name, 'initialized');
      } catch (err) {
        this.failPlugin(name, 'init', err as Error);
      }
    }

    this.mountHttp();
    for (const name of this.order) {
      const plugin = this.active.get(name);
      if (!plugin || !this.plugins.isActive(name)) continue;
      try {
        if (plugin.definition.sockets) {
          this.assertDeclared(Object.values(plugin.definition.socketPermissions ?? {}), 'socket event');
          const namespace = this.io.of(`/${name}`);
          guardNamespace(
            namespace,
            this.hooks,
            plugin.runtime.logger,
            plugin.definition.socketPermissions,
            plugin.definition.socketRateLimits,
            this.db,
          );
          plugin.definition.sockets(namespace, plugin.runtime);
          if (plugin.definition.socketApi)
            this.asyncapi.addNamespace(name, plugin.definition.socketApi, plugin.definition.socketPermissions);
        }
        for (const job of plugin.definition.jobs ?? []) this.scheduler.add(name, typeof job === 'function' ? job(plugin.runtime) : job);
      } catch (err) {
        this.failPlugin(name, 'init', err as Error);
      }
    }
    guardNamespace(this.io.of('/'), this.hooks, this.logger);
    this.state = 'ready';
  }

  /** listen → start plugins → leader, jobs and event delivery. */
  async listen(): Promise<void> {
    if (this.state !== 'ready') throw new Error(`cannot listen from state ${this.state}`);
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.config.PORT, this.config.HOST, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    for (const name of this.order) {
      const plugin = this.active.get(name);
      if (!plugin || !this.plugins.isActive(name)) continue;
      this.waitingFor = `the ${name} plugin to start`;
      try {
        await plugin.definition.start?.(plugin.runtime);
        this.plugins.setState(name, 'started');
      } catch (err) {
        this.failPlugin(name, 'start', err as Error);
      }
    }
    this.waitingFor = 'jobs and event delivery to start';
    await this.leader.start();
    this.scheduler.start();
    await this.dispatcher.start();
    this.state = 'listening';
    const down = requiredPluginsDown(this.plugins, this.required);
    // Once, in words: /readyz says it to every probe without logging each.
    if (down)
      this.logger.error(
        { plugins: down.down.map((p) => p.name) },
        `${describeNotReady(down)}. Fix it and restart the panel; /readyz answers 503 until then`,
      );
  }

  async start(): Promise<void> {
    await this.boot();
    await this.listen();
  }

  /**
   * Stop accepting, let in-flight requests finish (bounded), stop jobs and delivery, stop plugins
   * in reverse order (each bounded), then close the database.
   */
  async stop(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    const wasListening = this.state === 'listening';
    this.state = 'stopping';
    const deadline = Date.now() + this.config.SHUTDOWN_TIMEOUT_MS;
    if (wasListening) {
      const sockets = closeSocketsForShutdown(this.io);
      if (sockets) this.logger.info({ sockets }, 'closed socket connections; clients reconnect');
      const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
      this.http.closeIdleConnections();
      const drained = await withTimeout(
        Promise.all([closed, this.inFlight.idle()]).then(() => true),
        Math.max(0, deadline - Date.now()),
        false,
      );
      if (!drained) {
        this.logger.warn('in-flight requests did not finish in time; closing their connections');
        this.http.closeAllConnections();
      }
    }
    await this.scheduler.stop();
    await this.dispatcher.stop();
    for (const name of [...this.order].reverse()) {
      const plugin = this.active.get(name);
      const state = this.plugins.get(name)?.state;
      if (!plugin || (state !== 'started' && state !== 'initialized')) continue;
      const budget = Math.max(100, Math.min(5_000, deadline - Date.now()));
      try {
        const finished = await withTimeout(
          Promise.resolve(plugin.definition.stop?.(plugin.runtime)).then(() => true),
          budget,
          false,
        );
        if (!finished) plugin.runtime.logger.warn({ budgetMs: budget }, 'plugin did not stop in time');
        this.plugins.setState(name, 'stopped');
        plugin.runtime.logger.debug('plugin stopped');
      } catch (err) {
        plugin.runtime.logger.error({ err }, 'plugin failed to stop cleanly');
      }
    }
    await this.leader.stop();
    await this.io.close();
    await this.socketCluster?.close();
    if (this.readDb !== this.db) await this.readDb.destroy();
    await this.db.destroy();
    this.state = 'stopped';
    this.logger.info('stopped');
  }

  private defineKernelHooks(): void {
    this.hooks.define('auth.resolve', 'bail');
    this.hooks.define('socket.authenticate', 'bail');
    this.hooks.define('auth.authorize', 'bail');
    const adminToken = this.config.ADMIN_TOKEN;
    if (adminToken) {
      // The operator token is the way in before any account exists, and for automation.
      const operator: Principal = { id: 'operator', kind: 'operator', role: 'admin' };
      this.hooks.tap('auth.resolve', { name: 'operator-token', stage: -100 }, (ctx) => {
        const token = bearerToken(ctx.get('authorization'));
        return token && secretsEqual(token, adminToken) ? operator : undefined;
      });
      this.hooks.tap('socket.authenticate', { name: 'operator-token', stage: -100 }, (req) => {
        const token = typeof req.auth.token === 'string' ? req.auth.token : bearerToken(req.headers.authorization as string | undefined);
        return token && secretsEqual(token, adminToken) ? operator : undefined;
      });
    }
  }

  private async collectPlugins(): Promise<Array<{ definition: PluginDefinition; source: string }>> {
    const found: Array<{ definition: PluginDefinition; source: string }> = (this.options.plugins ?? []).map((definition) => {
      try {
        assertApiCompatible(definition.manifest, 'builtin', false);
      } catch (err) {
        throw new BootError((err as Error).message);
      }
      return { definition, source: 'builtin' };
    });
    if (this.options.discover) {
      const appRoot = this.options.appRoot ?? APP_ROOT;
      const pluginsDir = this.config.PLUGINS_DIR ?? path.join(this.config.DATA_DIR, 'plugins');
      const { loaded, failed } = await discoverPlugins({ appRoot, pluginsDir: path.resolve(pluginsDir) });
      found.push(...loaded);
      for (const failure of failed) {
        this.logger.error({ plugin: failure.name, source: failure.source }, `plugin could not be loaded: ${failure.error}`);
        this.plugins.put({
          name: failure.name,
          version: 'unknown',
          description: null,
          source: failure.source,
          dependsOn: [],
          state: 'failed',
          error: { phase: 'load', message: failure.error },
        });
      }
    }
    for (const { definition, source } of found) {
      const m = definition.manifest;
      this.plugins.put({
        name: m.name,
        version: m.version,
        description: m.description ?? null,
        source,
        dependsOn: m.dependsOn ?? [],
        state: 'loaded',
        error: null,
      });
    }
    return found;
  }

  private parsePluginConfig(definition: PluginDefinition): unknown {
    const name = definition.manifest.name;
    const raw = this.config.plugins[name] ?? {};
    if (!definition.configSchema) return raw;
    const parsed = definition.configSchema.safeParse(raw);
    if (!parsed.success) throw new ConfigError(describeConfigIssue(`Configuration error: plugins.${name}`, parsed.error, raw));
    return parsed.data;
  }

  private registerPlugin(definition: PluginDefinition, config: unknown): void {
    const name = definition.manifest.name;
    const logger = this.logger.child({ plugin: name });
    const container = this.containers.create(name, definition);
    const runtime: PluginRuntime<unknown> = {
      name,
      config,
      coreConfig: this.config,
      logger,
      container,
      cradle: container.cradle,
      service: (ref) => container.resolve(ref.id),
      db: this.db,
      hooks: this.hooks,
      events: this.events,
    };
    this.active.set(name, { definition, config, runtime });
    this.order.push(name);
    const failedDependency = requiredPlugins(definition).find((d) => this.active.has(d) && !this.plugins.isActive(d));
    if (failedDependency) {
      this.plugins.fail(name, 'register', `dependency "${failedDependency}" failed`, failedDependency);
      return;
    }
    const ctx: RegisterContext<unknown> = {
      name,
      config,
      coreConfig: this.config,
      logger,
      cradle: this.containers.lateCradle(name),
      register: (registrations) => this.containers.register(name, registrations as never),
      defineHook: (hook, kind) => this.hooks.define(hook, kind as never, name),
      hasHook: (hook) => this.hooks.has(hook),
      tap: (hook, options, fn) => {
        this.hooks.tap(hook, options, fn, name);
      },
      subscribe: (subscriber, options) => this.dispatcher.subscribe(subscriber, options, name),
    };
    try {
      if (definition.permissions) this.permissionCatalogue.declare(name, definition.permissions);
      if (definition.ui) this.pluginUi.declare(name, definition.ui);
      if (definition.events) this.eventCatalogue.declare(name, definition.events);
      definition.register?.(ctx);
      this.plugins.setState(name, 'registered');
    } catch (err) {
      this.failPlugin(name, 'register', err as Error);
    }
  }

  /** Disables a plugin and, transitively, everything that depends on it; the panel keeps running. */
  private failPlugin(name: string, phase: string, err: Error, dependency?: string): void {
    const plugin = this.active.get(name);
    (plugin?.runtime.logger ?? this.logger).error({ err, phase }, `plugin "${name}" failed during ${phase} and is disabled`);
    this.plugins.fail(name, phase, err.message, dependency);
    this.hooks.removeTapsOf(name);
    this.dispatcher.unsubscribeOwner(name);
    this.scheduler.removeOwner(name);
    for (const other of this.order) {
      const definition = this.active.get(other)?.definition;
      if (definition && requiredPlugins(definition).includes(name) && this.plugins.isActive(other))
        this.failPlugin(other, phase, new Error(`dependency "${name}" failed`), name);
    }
  }

  /** A route or socket event naming a key no plugin declared would refuse everyone but owners: fail the plugin instead. */
  private assertDeclared(keys: readonly string[], what: string): void {
    const unknown = keys.filter((k) => !this.permissionCatalogue.isDeclared(k));
    if (unknown.length)
      throw new Error(
        `a ${what} needs permission key ${unknown.join(', ')}, which no plugin declares (declare it in the plugin's permissions)`,
      );
  }

  private mountHttp(): void {
    const routes = new RouterTable();
    const router = routes.routerFor('/');
    router.get('/healthz', (ctx) => {
      ctx.body = { status: 'ok' };
    });
    router.get('/readyz', async (ctx) => {
      // A load balancer asks every few seconds; "not ready yet" is its answer, not an error.
      (ctx as KernelContext).state.accessLogLevel = 'debug';
      if (this.state !== 'listening') throw new AppError(503, 'not_ready', this.startingMessage());
      const down = requiredPluginsDown(this.plugins, this.required);
      if (down) throw new AppError(503, 'required_plugin_down', describeNotReady(down), { down: down.down, causes: down.causes });
      try {
        await this.db.raw('select 1');
      } catch {
        throw new AppError(503, 'database_unavailable', 'The database does not answer');
      }
      ctx.body = { status: 'ready' };
    });
    routes.routerFor('/api/openapi.json').get('/api/openapi.json', (ctx) => {
      ctx.body = this.openapi.document();
    });
    routes.routerFor('/api/asyncapi.json').get('/api/asyncapi.json', (ctx) => {
      ctx.body = this.asyncapi.document();
    });
    this.documentKernelRoutes();

    const resolvePrincipal = async (ctx: KernelContext): Promise<Principal | null> => {
      if (ctx.state.principal !== undefined) return ctx.state.principal;
      const resolved = (await this.hooks.call('auth.resolve', ctx)) ?? null;
      const principal = resolved && withAddress(resolved, ctx.ip);
      // The request scope, if anything made it, learns the principal from the setter.
      ctx.state.principal = principal;
      return principal;
    };
    const authorize = createAuthorizer(this.hooks);
    // One flat router: every route is matched once, whichever plugin owns it.
    for (const name of this.order) {
      const plugin = this.active.get(name)!;
      if (!plugin.definition.routes || !this.plugins.isActive(name)) continue;
      // Each plugin's routes sit behind a guard so a plugin that fails later (in start) stops answering.
      const guard: Koa.Middleware = (_ctx, next) => {
        if (!this.plugins.isActive(name)) throw new AppError(503, 'plugin_unavailable', `The ${name} plugin is not running`);
        return next();
      };
      try {
        const registrar = new KoaRouteRegistrar(
          routes,
          `/api/${name}`,
          this.openapi,
          resolvePrincipal,
          authorize,
          this.config.BODY_LIMIT,
          name,
          plugin.runtime.container,
          guard,
          (key) => this.assertDeclared([key], 'route'),
        );
        plugin.definition.routes(registrar, { name, config: plugin.config });
      } catch (err) {
        this.failPlugin(name, 'routes', err as Error);
      }
    }

    this.app.use(kernelMiddleware(this.container, this.logger, this.inFlight, this.httpObservers));
    this.app.use(routes.middleware());
    // After the routes: a fallback only sees requests no route took (the UI's files, its deep links).
    for (const name of this.order) {
      const plugin = this.active.get(name)!;
      if (!plugin.definition.fallback || !this.plugins.isActive(name)) continue;
      try {
        const fallback = plugin.definition.fallback(plugin.runtime);
        this.app.use((ctx, next) => (this.plugins.isActive(name) ? fallback(ctx, next) : next()));
      } catch (err) {
        this.failPlugin(name, 'routes', err as Error);
      }
    }
    const callback = this.app.callback();
    // Koa answers every error itself (its onerror), so the request's promise never rejects.
    this.handler = (req, res) => void callback(req, res);
  }

  private startingMessage(): string {
    if (this.state === 'stopping' || this.state === 'stopped') return 'The panel is shutting down';
    if (this.state === 'ready') return `The panel is starting: waiting for ${this.waitingFor}`;
    return 'The panel is starting: loading plugins and migrating the database';
  }

  private documentKernelRoutes(): void {
    const status = (description: string) => ({
      description,
      content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string' } } } } },
    });
    this.openapi.addRaw('/healthz', 'get', {
      summary: 'Liveness: the process answers',
      tags: ['kernel'],
      security: [],
      responses: { 200: status('Alive') },
    });
    this.openapi.addRaw('/readyz', 'get', {
      summary: 'Readiness: started, every required plugin running, and the database answers; a 503 says what it waits for or what to fix',
      tags: ['kernel'],
      security: [],
      responses: {
        200: status('Ready'),
        503: { description: 'Not ready', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    });
    this.openapi.addRaw('/api/openapi.json', 'get', {
      summary: 'This document',
      tags: ['kernel'],
      security: [],
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
    });
    this.openapi.addRaw('/api/asyncapi.json', 'get', {
      summary: 'The socket.io API (namespaces, events, payloads and acknowledgements)',
      tags: ['kernel'],
      security: [],
      responses: { 200: { description: 'AsyncAPI 3.0 document' } },
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
