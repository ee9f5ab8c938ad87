/**
 * The shapes the panel's API answers with, derived from the panel's own zod schemas (one schema,
 * one type). Type-only imports through the `@api/*` path (core/src): erased from the bundle.
 */
export type { ServerState, ServerStats } from '@api/protocol/server-state.js';
export type { ServerPhase } from '@api/protocol/edge.js';
export type { SleepPolicy } from '@api/modules/servers/lifecycle/policy.js';
export type { DomainView as CustomDomain } from '@api/modules/servers/domains/schema.js';
export type { ServerView as Server, BulkResult } from '@api/modules/servers/schema.js';
export type { Template, TemplateVariable, StoredTemplate } from '@api/modules/templates/schema.js';
export type { TransferStatus } from '@api/modules/servers/transfer/transfer-status.js';
