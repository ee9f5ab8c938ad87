/**
 * The panel ↔ agent contract: request and message schemas and event names, written once. The
 * agent imports this subpath (and `@conductor/core/shared`) and nothing else of the panel.
 */
export * from './server-spec.js';
export * from './server-state.js';
export * from './agent-events.js';
export * from './backups.js';
export * from './commands.js';
export * from './files.js';
export * from './edge.js';
export * from './fenced.js';
export * from './ports.js';
