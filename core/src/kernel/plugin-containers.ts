import { asFunction, asValue, createContainer, InjectionMode, Lifetime, type Resolver } from 'awilix';
import type { Container, Cradle } from './container.js';
import { KERNEL_SERVICES, type ServiceRef } from './service-refs.js';

export class BoundaryError extends Error {
  override name = 'BoundaryError';
}

/** Whether the plugin that should provide a service can: used to say why a consumed service is missing. */
export type ProviderState = 'absent' | 'failed' | 'active';

interface PluginBoundary {
  container: Container;
  provides: ServiceRef[];
  consumes: ServiceRef[];
}

/**
 * One awilix container per plugin. A plugin's container holds the kernel's services, its own
 * registrations, and the services it declared in `consumes` (resolved in their owner's container);
 * nothing else. Awilix keeps singletons in the root container in strict mode, so a plugin gets a
 * root container of its own rather than a scope of the kernel's.
 */
export class PluginContainers {
  private readonly boundaries = new Map<string, PluginBoundary>();
  /** Service name → the plugin that registered it. */
  private readonly owners = new Map<string, string>();
  private wired = false;

  constructor(private readonly kernel: Container) {}

  create(plugin: string, declaration: { provides?: ServiceRef[]; consumes?: ServiceRef[] }): Container {
    const container = createContainer<Cradle>({ injectionMode: InjectionMode.PROXY, strict: true });
    container.register(this.kernel.registrations as Record<string, Resolver<unknown>>);
    this.boundaries.set(plugin, { container, provides: declaration.provides ?? [], consumes: declaration.consumes ?? [] });
    return container;
  }

  get(plugin: string): Container | undefined {
    return this.boundaries.get(plugin)?.container;
  }

  /** A plugin's own registrations; a name the kernel or another plugin has is refused. */
  register(plugin: string, registrations: Record<string, Resolver<unknown>>): void {
    for (const name of Object.keys(registrations)) {
      if (KERNEL_SERVICES.has(name)) throw new BoundaryError(`plugin "${plugin}" registers "${name}", which is a kernel service`);
      const owner = this.owners.get(name);
      if (owner && owner !== plugin)
        throw new BoundaryError(`plugin "${plugin}" registers "${name}", which plugin "${owner}" already registers`);
    }
    for (const name of Object.keys(registrations)) this.owners.set(name, plugin);
    this.boundaries.get(plugin)!.container.register(registrations);
  }

  /**
   * A cradle for `register`: taps and subscribers keep it and resolve when they run. Resolving
   * before every plugin registered and the services are wired throws, naming the plugin.
   */
  lateCradle(plugin: string): Cradle {
    return new Proxy({} as Cradle, {
      get: (_target, name) => {
        if (typeof name !== 'string') return undefined;
        if (!this.wired)
          throw new BoundaryError(
            `plugin "${plugin}" resolved "${name}" during register; resolve services when a tap, subscriber or job runs (or in init)`,
          );
        return this.boundaries.get(plugin)!.container.resolve(name);
      },
    });
  }

  /**
   * Checks what a plugin provides, makes each consumed service resolvable in it, and makes every
   * other plugin's registration fail with a message saying why. Throws for a required service its
   * owner does not provide; returns the plugin whose failure takes this one down, if any.
   */
  wire(plugin: string, providerState: (name: string) => ProviderState): string | undefined {
    const own = this.boundaries.get(plugin)!;
    for (const ref of own.provides) {
      if (ref.plugin !== plugin) throw new BoundaryError(`plugin "${plugin}" provides "${ref.id}", whose ref names plugin "${ref.plugin}"`);
      if (!own.container.hasRegistration(ref.id) || this.owners.get(ref.id) !== plugin)
        throw new BoundaryError(`plugin "${plugin}" provides "${ref.id}" but does not register it`);
    }
    let brokenBy: string | undefined;
    const consumed = new Set<string>();
    for (const ref of own.consumes) {
      consumed.add(ref.id);
      const state = providerState(ref.plugin);
      const provider = this.boundaries.get(ref.plugin);
      if (state === 'active' && provider && !provider.provides.some((p) => p.id === ref.id)) {
        throw new BoundaryError(
          `plugin "${plugin}" consumes "${ref.id}" from plugin "${ref.plugin}", which does not provide it${this.owners.get(ref.id) === ref.plugin ? ' (it is private to that plugin)' : ''}`,
        );
      }
      if (state !== 'active' || !provider) {
        if (!ref.optional && state === 'absent')
          throw new BoundaryError(
            `plugin "${plugin}" consumes "${ref.id}" from plugin "${ref.plugin}", which is not installed or is disabled`,
          );
        if (!ref.optional) brokenBy ??= ref.plugin;
        own.container.register(ref.id, asValue(undefined));
        continue;
      }
      own.container.register(ref.id, asFunction(() => provider.container.resolve(ref.id)).singleton());
    }
    for (const [name, owner] of this.owners) {
      if (owner === plugin || consumed.has(name)) continue;
      // A bare resolver, not asFunction(): one is made per plugin for every other plugin's
      // registration, and asFunction's builder closures held about 2.5 MB of an idle panel.
      // Singleton only so a singleton that injects it reaches this message, not awilix's lifetime check; it never caches.
      own.container.register(name, {
        lifetime: Lifetime.SINGLETON,
        resolve: () => {
          throw new BoundaryError(
            `plugin "${plugin}" resolved "${name}", which belongs to plugin "${owner}"; declare a service that plugin provides in consumes`,
          );
        },
      });
    }
    return brokenBy;
  }

  /** After every plugin is wired: the late cradles resolve from now on. */
  open(): void {
    this.wired = true;
  }
}
