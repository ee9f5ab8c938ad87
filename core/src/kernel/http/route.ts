import { bodyParser } from '@koa/bodyparser';
import { asValue } from 'awilix';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import { keyScopeOf, type PermissionKey, type Principal, type RouteAccess } from '../auth.js';
import { refusal, type Authorizer } from '../authorize.js';
import type { Container } from '../container.js';
import { AppError, forbidden, unauthorized } from '../errors.js';
import type { OpenApiBuilder } from './openapi.js';
import type { RouterTable } from './router-table.js';
import type { KernelContext } from './state.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface RouteInput<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  ctx: KernelContext;
  /** A request scope of the plugin's container: its services, what it consumes, `requestId` and `principal`. */
  scope: Container;
  principal: Principal | null;
}

export interface RouteSpec<
  P extends AnyObject = AnyObject,
  Q extends AnyObject = AnyObject,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** Koa-router path relative to the registrar's prefix, e.g. `/servers/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** Who may call it; checked before any input is read. */
  access: RouteAccess;
  /**
   * A per-server permission key (`control.start`, `file.read`, ...). The route's path must have a
   * `:serverId` parameter (or the one named by `serverParam`); the kernel asks `auth.authorize`
   * after authentication and before the handler, so no server route can forget the check.
   */
  permission?: PermissionKey;
  serverParam?: string;
  /**
   * A scoped API key (keyScopeOf) may call this route: the handler limits what it answers to the
   * key's scope. Routes with a `permission` check the scope in auth.authorize; every other route
   * refuses such a key (403 key_scope_refused) unless it sets this.
   */
  keyScoped?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A body the handler streams itself (an upload, an archive): documented with this content
   * type, never parsed by the kernel. A route has `body` or `rawBody`, not both.
   */
  rawBody?: { contentType: string; description?: string };
  /** Overrides the kernel's body limit for this route (e.g. `10mb`). */
  bodyLimit?: string;
  response: {
    status?: number;
    description?: string;
    /** Omit for a handler that streams or sets ctx.body itself. */
    schema?: R;
    contentType?: string;
  };
  /** Further error responses worth documenting: status → description. */
  errors?: Record<number, string>;
  handler(input: RouteInput<P, Q, B>): Promise<z.input<R> | void> | z.input<R> | void;
}

export interface RouteRegistrar {
  route<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(spec: RouteSpec<P, Q, B, R>): void;
  /** A registrar for another prefix under /api (e.g. `/api/admin`), for modules that add admin routes. */
  at(prefix: string): RouteRegistrar;
}

/** Identity; lets a route be declared in its own file with full inference. */
export function defineRoute<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(
  spec: RouteSpec<P, Q, B, R>,
): RouteSpec<P, Q, B, R> {
  return spec;
}

/** A handler's input; its scope is made when the handler first reads it, so a handler that needs no service pays nothing for one. */
class HandlerInput<P, Q, B> {
  private made: Container | undefined;

  constructor(
    readonly params: P,
    readonly query: Q,
    readonly body: B,
    readonly ctx: KernelContext,
    readonly principal: Principal | null,
    private readonly container: Container,
  ) {}

  get scope(): Container {
    if (!this.made) {
      this.made = this.container.createScope();
      this.made.register({ requestId: asValue(this.ctx.state.requestId), principal: asValue(this.principal) });
    }
    return this.made;
  }
}

export type PrincipalResolver = (ctx: KernelContext) => Promise<Principal | null>;

function validationError(where: 'params' | 'query' | 'body', error: z.ZodError): AppError {
  const details = error.issues.map((i) => ({ in: where, path: i.path.map(String).join('.'), message: i.message }));
  const first = details[0]!;
  return new AppError(400, 'validation_failed', `Invalid ${where}${first.path ? ` at ${first.path}` : ''}: ${first.message}`, details);
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: 'params' | 'query' | 'body'): z.output<T> {
  if (!schema) return undefined as z.output<T>;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(where, result.error);
  return result.data;
}

const bodyParsers = new Map<string, Middleware>();
function jsonBody(limit: string): Middleware {
  let parser = bodyParsers.get(limit);
  if (!parser) {
    parser = bodyParser({ enableTypes: ['json'], jsonLimit: limit, encoding: 'utf-8' }) as unknown as Middleware;
    bodyParsers.set(limit, parser);
  }
  return parser;
}

const requireJson: Middleware = async (ctx, next) => {
  const length = Number(ctx.get('content-length') || 0);
  const hasBody = length > 0 || Boolean(ctx.get('transfer-encoding'));
  if (hasBody && !ctx.is('application/json')) throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json');
  await next();
};

export class KoaRouteRegistrar implements RouteRegistrar {
  constructor(
    private readonly routers: RouterTable,
    private readonly prefix: string,
    private readonly openapi: OpenApiBuilder,
    private readonly resolvePrincipal: PrincipalResolver,
    private readonly authorize: Authorizer,
    private readonly defaultBodyLimit: string,
    private readonly tag: string,
    /** The owning plugin's container; each request gets a scope of it. */
    private readonly container: Container,
    private readonly guard?: Middleware,
    /** Throws when a route names a permission key that no plugin declares. */
    private readonly checkPermission?: (key: string) => void,
  ) {}

  at(prefix: string): RouteRegistrar {
    // /metrics is where Prometheus looks by convention; everything else lives under /api.
    if (!/^\/api(\/[a-z0-9-]+)+$/.test(prefix) && prefix !== '/metrics') throw new Error(`route prefix must be under /api, got ${prefix}`);
    return new KoaRouteRegistrar(
      this.routers,
      prefix,
      this.openapi,
      this.resolvePrincipal,
      this.authorize,
      this.defaultBodyLimit,
      this.tag,
      this.container,
      this.guard,
      this.checkPermission,
    );
  }

  route<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(spec: RouteSpec<P, Q, B, R>): void {
    const fullPath = `${this.prefix}${spec.path === '/' ? '' : spec.path}` || '/';
    const serverParam = spec.serverParam ?? 'serverId';
    if (spec.body && spec.rawBody)
      throw new Error(`${spec.method.toUpperCase()} ${fullPath}: a route has a JSON body or a raw body, not both`);
    if (spec.permission) {
      if (spec.access === 'public') throw new Error(`${spec.method.toUpperCase()} ${fullPath}: a route with a permission cannot be public`);
      if (!fullPath.split('/').includes(`:${serverParam}`))
        throw new Error(`${spec.method.toUpperCase()} ${fullPath}: a route with a permission needs a :${serverParam} path parameter`);
      try {
        this.checkPermission?.(spec.permission);
      } catch (err) {
        throw new Error(`${spec.method.toUpperCase()} ${fullPath}: ${(err as Error).message}`, { cause: err });
      }
    }
    const authorize = this.authorize;
    this.openapi.addOperation(fullPath, { ...spec, tags: spec.tags ?? [this.tag] } as RouteSpec);
    const status = spec.response.status ?? 200;
    const resolvePrincipal = this.resolvePrincipal;
    const container = this.container;

    const handle: Middleware = async (koaCtx) => {
      const ctx = koaCtx as KernelContext;
      const principal = spec.access === 'public' ? null : await resolvePrincipal(ctx);
      if (spec.access !== 'public') {
        if (!principal) throw unauthorized();
        if (spec.access === 'admin' && principal.role !== 'admin') throw forbidden('This needs an administrator');
        if (keyScopeOf(principal) && !spec.permission && !spec.keyScoped)
          throw new AppError(403, 'key_scope_refused', `This API key is limited to ${keyScopeOf(principal)}; this route is outside it`);
      }
      const rawParams = (koaCtx as unknown as { params: Record<string, string> }).params;
      if (spec.permission) {
        const decision = await authorize({ principal: principal!, permission: spec.permission, serverId: rawParams[serverParam]! });
        if (decision !== 'allow') throw refusal(decision, spec.permission);
      }
      const params = parse(spec.params, rawParams, 'params');
      const query = parse(spec.query, koaCtx.query, 'query');
      const body = parse(spec.body, (koaCtx.request as { body?: unknown }).body, 'body');
      const result = await spec.handler(new HandlerInput(params, query, body, ctx, principal, container));
      if (result !== undefined) {
        ctx.status = status;
        ctx.body = result;
      } else if (ctx.body === undefined || ctx.body === null) {
        ctx.status = status === 200 ? 204 : status;
      }
    };

    const chain: Middleware[] = this.guard ? [this.guard] : [];
    if (spec.body) chain.push(requireJson, jsonBody(spec.bodyLimit ?? this.defaultBodyLimit));
    chain.push(handle);
    const router = this.routers.routerFor(this.prefix);
    router[spec.method](fullPath, ...(chain as [Middleware]));
  }
}
