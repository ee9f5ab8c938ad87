import type { Cradle } from './container.js';

/**
 * A service one plugin offers others: the name it is registered under in the owner's container,
 * the owning plugin, and (as a phantom) its type. Consumers list refs in `consumes`; the kernel
 * makes exactly those resolvable in the consumer's container (after Backstage's service refs).
 */
export interface ServiceRef<T = unknown> {
  readonly id: string;
  readonly plugin: string;
  readonly optional: boolean;
  /** Never set: carries T for `runtime.service(ref)`. */
  readonly type?: T;
}

/** A ref to a service registered as `id` by `plugin`; typed from the Cradle when `id` is a key of it. */
export function serviceRef<N extends keyof Cradle & string>(plugin: string, id: N): ServiceRef<Cradle[N]>;
export function serviceRef<T>(plugin: string, id: string): ServiceRef<T>;
export function serviceRef(plugin: string, id: string): ServiceRef {
  return { id, plugin, optional: false };
}

/** Consume a service that may be absent (its plugin not installed, disabled or failed): it resolves to undefined. */
export function optionalService<T>(ref: ServiceRef<T>): ServiceRef<T | undefined> {
  return { ...ref, optional: true };
}

/**
 * Services every plugin may resolve without declaring them: the kernel's own. Request-scoped
 * values (`requestId`, `principal`) are in a route handler's scope.
 */
export const KERNEL_SERVICES = new Set<string>([
  'config',
  'logger',
  'db',
  'hooks',
  'events',
  'eventDispatcher',
  'scheduler',
  'leader',
  'io',
  'plugins',
  'permissionCatalogue',
  'pluginUi',
  'eventCatalogue',
  'httpObservers',
  'requestId',
  'principal',
]);
