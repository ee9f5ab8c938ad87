export { AppError, badRequest, conflict, forbidden, notFound, unauthorized, isAppError, type ErrorBody } from './kernel/errors.js';
export { loadConfig, ConfigError, coreConfigSchema, type CoreConfig } from './kernel/config.js';
export { createLogger, bufferedStdout, type Logger } from './kernel/logger.js';
export { createDatabase, dialectOf, toIso, parseJsonColumn, type Database, type Executor, type Transaction } from './kernel/database.js';
export { migrateLatest, migrationStatus, type MigrationSet } from './kernel/migrations.js';
export {
  HookBus,
  HookError,
  type HookTypes,
  type HookName,
  type SeriesHook,
  type ParallelHook,
  type WaterfallHook,
  type BailHook,
  type TapOptions,
  type TapFn,
} from './kernel/hooks.js';
export {
  EventLog,
  EventDispatcher,
  typeMatches,
  type EventInput,
  type StoredEvent,
  type EventOf,
  type EventQuery,
  type SubscriptionOptions,
  type EventHandler,
} from './kernel/events.js';
export {
  defineEvents,
  EventCatalogue,
  EventPayloadError,
  type EventTypes,
  type EventType,
  type EventDataOf,
  type EventDataFor,
  type EventDeclaration,
  type EventDeclarations,
  type EventTypeView,
} from './kernel/event-types.js';
export { Scheduler, type JobDefinition, type JobContext, type JobStatus } from './kernel/scheduler.js';
export { PostgresLeader, SoleLeader, type LeaderElector } from './kernel/leader.js';
export { serviceRef, optionalService, KERNEL_SERVICES, type ServiceRef } from './kernel/service-refs.js';
export { BoundaryError } from './kernel/plugin-containers.js';
export { coreServices } from './modules/services.js';
export { type UserDirectory, type UserCard } from './modules/accounts/user-directory.js';
export { type ServerDirectory } from './modules/servers/server-directory.js';
export { type ScheduleTasks, type TaskType, type TaskContext } from './modules/schedules/task-types.js';
export { createServerBody, serverView, type CreateServerBody, type ServerView } from './modules/servers/schema.js';
export { type ServerListScope } from './modules/accounts/hooks.js';
export {
  definePlugin,
  PLUGIN_API_VERSION,
  type PluginDefinition,
  type PluginManifest,
  type PluginRuntime,
  type RegisterContext,
} from './kernel/plugin.js';
export { PluginRegistry, type PluginStatus, type PluginState } from './kernel/plugin-registry.js';
export { type Cradle, type Container } from './kernel/container.js';
export { defineRoute, type RouteSpec, type RouteRegistrar, type RouteInput } from './kernel/http/route.js';
export { type KernelContext, type KernelState as RequestState } from './kernel/http/state.js';
export {
  type Principal,
  type RouteAccess,
  type PermissionKey,
  type AuthorizeRequest,
  type AuthorizeDecision,
  bearerToken,
  keyScopeOf,
  secretsEqual,
} from './kernel/auth.js';
export { createAuthorizer, refusal, type Authorizer } from './kernel/authorize.js';
export { assertTimeZone } from './kernel/time-zone.js';
export { dropRevokedViewers, type SocketAuthRequest, type SocketData } from './kernel/sockets.js';
export { type SocketApiSpec, type SocketEventSpec } from './kernel/asyncapi.js';
export { Kernel, BootError, APP_ROOT, type KernelOptions } from './kernel/kernel.js';
export { coreModuleNames, coreModules } from './modules/index.js';
export {
  AgentClient,
  ensureOk,
  readBytes,
  readText,
  nodeAnswerError,
  nodeAuthFailed,
  nodeBadAnswer,
  nodeUnreachable,
  type AgentEndpoint,
  type AgentRequestOptions,
} from './modules/nodes/agent-client.js';
export { AgentFiles } from './modules/nodes/agent-files.js';
export { GAME_LOADERS, type GameLoader, type ServerGame } from './modules/templates/game.js';
export {
  PermissionCatalogue,
  SERVER_VIEW,
  permissionGroupSchema,
  type PermissionGroupDeclaration,
  type PermissionGroupView,
  type PermissionKeyView,
} from './kernel/permissions.js';
export { type ActivityLog, type ActivityInput, type ActivityEntry } from './modules/activity/activity-log.js';
export { activityEntry } from './modules/activity/schema.js';
export { type MailService } from './modules/mail/mail-service.js';
export { renderMail, escapeHtml, type RenderedMail } from './modules/mail/layout.js';
export { panelUrl } from './modules/accounts/request-origin.js';
// The hooks core's modules declare (declaration merging into HookTypes), so plugins and the SDK's declarations see them.
export type {} from './modules/servers/hooks.js';
export type {} from './modules/accounts/hooks.js';
export { portList, type NodeView } from './modules/nodes/schema.js';
export {
  pickNode,
  placementCandidates,
  hasRoom,
  roomLeft,
  PLACEMENT_STRATEGIES,
  type PlacementStrategy,
  type PlacementRequest,
  type PlacementCandidate,
} from './modules/servers/placement.js';
export { holdsMemory, type SleepFreesMemory } from './modules/servers/memory-held.js';
export type { LossQuestion, LossVerdict } from './modules/nodes/hooks.js';
export { dueToSleep, idleToMakeRoom, DEFAULT_SLEEP_POLICY, type IdleServer, type SleepPolicy } from './modules/servers/lifecycle/policy.js';
export { MEASURED_COPY_MB_PER_SECOND, MEASURED_MOVE_OVERHEAD_SECONDS } from './modules/servers/lifecycle/move-estimate.js';
export { renderNodeCloudInit, nodeCloudInitInput, type NodeCloudInitInput } from './modules/nodes/cloud-init.js';
