/**
 * The plugin API of Conductor (PLUGIN_API_VERSION): everything a plugin may import, and nothing
 * of the panel's internals. At run time each name is the panel's own (a peer dependency on
 * @conductor/core), so a plugin shares the panel's classes and state; the published package
 * carries the declarations for writing and type-checking a plugin without the panel's sources.
 * docs/plugins.md is the guide; README.md lists the surface by group.
 */

// The contract and its version.
export {
  definePlugin,
  PLUGIN_API_VERSION,
  type PluginDefinition,
  type PluginManifest,
  type PluginRuntime,
  type RegisterContext,
} from '@conductor/core';
export { type Cradle, type Container } from '@conductor/core';

// Boundaries: what a plugin provides to others and consumes from them.
export {
  serviceRef,
  optionalService,
  coreServices,
  BoundaryError,
  type ServiceRef,
  type UserDirectory,
  type UserCard,
  type ServerDirectory,
  type ScheduleTasks,
  type TaskType,
  type TaskContext,
} from '@conductor/core';

// Routes: zod schemas in, OpenAPI out.
export { defineRoute, type RouteSpec, type RouteRegistrar, type RouteInput, type KernelContext, type RequestState } from '@conductor/core';
export { AppError, badRequest, conflict, forbidden, notFound, unauthorized, isAppError, type ErrorBody } from '@conductor/core';

// Who may do what.
export {
  createAuthorizer,
  refusal,
  bearerToken,
  keyScopeOf,
  secretsEqual,
  type Authorizer,
  type Principal,
  type RouteAccess,
  type PermissionKey,
  type AuthorizeRequest,
  type AuthorizeDecision,
} from '@conductor/core';
export {
  SERVER_VIEW,
  permissionGroupSchema,
  type PermissionGroupDeclaration,
  type PermissionGroupView,
  type PermissionKeyView,
} from '@conductor/core';

// Data: knex on SQLite or PostgreSQL, and migrations.
export { dialectOf, toIso, parseJsonColumn, type Database, type Executor, type Transaction } from '@conductor/core';

// Hooks, events, jobs.
export {
  defineEvents,
  EventPayloadError,
  type EventTypes,
  type EventType,
  type EventDataOf,
  type EventDataFor,
  type EventDeclaration,
  type EventDeclarations,
} from '@conductor/core';
export {
  HookError,
  type HookBus,
  type HookTypes,
  type HookName,
  type SeriesHook,
  type ParallelHook,
  type WaterfallHook,
  type BailHook,
  type TapOptions,
  type TapFn,
} from '@conductor/core';
export {
  typeMatches,
  type EventLog,
  type EventInput,
  type StoredEvent,
  type EventOf,
  type EventQuery,
  type SubscriptionOptions,
  type EventHandler,
} from '@conductor/core';
export { type JobDefinition, type JobContext } from '@conductor/core';

// Sockets.
export { dropRevokedViewers, type SocketApiSpec, type SocketEventSpec, type SocketAuthRequest, type SocketData } from '@conductor/core';

// Talking to a node's agent (one client, one error mapping).
export {
  AgentClient,
  AgentFiles,
  ensureOk,
  readBytes,
  readText,
  nodeAnswerError,
  nodeAuthFailed,
  nodeBadAnswer,
  nodeUnreachable,
  type AgentEndpoint,
  type AgentRequestOptions,
} from '@conductor/core';

// Services plugins commonly use.
export {
  assertTimeZone,
  renderMail,
  escapeHtml,
  type Logger,
  type ActivityLog,
  type ActivityInput,
  type ActivityEntry,
  type MailService,
  type RenderedMail,
} from '@conductor/core';
