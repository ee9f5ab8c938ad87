/**
 * The shapes the panel's API answers with, derived from the panel's own zod schemas (one schema,
 * one type). Type-only imports through the `@api/*` path (core/src): erased from the bundle. A
 * schema file imported here holds zod only (and other such files), so it typechecks for the browser.
 */
export type { ServerState, ServerStats } from '@api/protocol/server-state.js';
export type { ServerPhase } from '@api/protocol/edge.js';
export type { FileEntry, FileAnswer } from '@api/protocol/files.js';
export type { ServerView as Server, BulkResult } from '@api/modules/servers/schema.js';
export type { SleepPolicy } from '@api/modules/servers/lifecycle/policy.js';
export type { DomainView as CustomDomain } from '@api/modules/servers/domains/schema.js';
export type {
  PlayerListsView,
  PlayerActionAnswer,
  WorldsView,
  PropertiesView,
  PropertyFieldSchema,
} from '@api/modules/servers/minecraft-schema.js';
export type { SubscribeAck, CommandAck, LinesMessage, StateMessage, NodeStatusMessage } from '@api/modules/servers/socket-schema.js';
export type {
  Template,
  TemplateVariable,
  StoredTemplate,
  ImportedTemplate,
  TemplateCategories,
  MemoryRecommendation,
} from '@api/modules/templates/schema.js';
export type { StatsHistory, StoredPoint } from '@api/modules/metrics/schema.js';
export type { ActivityEntry } from '@api/modules/activity/schema.js';
export type {
  PublicUser as User,
  LoginAnswer,
  MeAnswer,
  SignupStatus,
  OauthProviders,
  AuthSettings,
  AuthSettingsView,
  TwoFactorSetup,
  RecoveryCodes,
  SecurityEvent,
  DeviceView,
  SessionView,
  ApiKeyView,
  ApiKeyCreated,
  SubuserView,
  ServerAccess,
} from '@api/modules/accounts/schema.js';
export type { NodeView, CreatedNode, AllocationView, NodeStatus } from '@api/modules/nodes/schema.js';
export type { FleetStatus } from '@api/modules/conductor/schema.js';
export type { PluginStatus, JobStatus, HookInfo } from '@api/modules/admin/schema.js';
export type { PluginUiBundle } from '@api/modules/ui/schema.js';
export type { DrainStatus, TransferStatus } from '@api/modules/servers/transfer/transfer-status.js';
export type { HealingPlan } from '@api/modules/servers/lifecycle/healing-plan.js';
export type { HealingPolicy } from '@api/modules/servers/lifecycle/healing-policy.js';
export type { GcReport } from '@api/modules/servers/gc/gc-schema.js';
