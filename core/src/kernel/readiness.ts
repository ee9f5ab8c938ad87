import type { PluginRegistry } from './plugin-registry.js';

export interface PluginDown {
  name: string;
  /** What happened to it, in the words of its error: what the operator fixes. */
  reason: string;
}

export interface RequiredPluginsDown {
  /** Required plugins that are not running. */
  down: PluginDown[];
  /** The plugins that failed on their own and took those down (some are among them). */
  causes: PluginDown[];
}

/** Required plugins that are not running and why; null when every one runs. */
export function requiredPluginsDown(registry: PluginRegistry, required: Iterable<string>): RequiredPluginsDown | null {
  const down: PluginDown[] = [];
  const causes = new Map<string, PluginDown>();
  for (const name of required) {
    if (registry.isActive(name)) continue;
    down.push(describe(registry, name));
    const root = rootCause(registry, name);
    if (!causes.has(root)) causes.set(root, describe(registry, root));
  }
  return down.length ? { down, causes: [...causes.values()] } : null;
}

/** One line: each failure that needs fixing with its reason, then what went down only because of it. */
export function describeNotReady({ down, causes }: RequiredPluginsDown): string {
  const fix = causes.map((c) => `plugin "${c.name}" ${c.reason}`).join('; ');
  const causeNames = new Set(causes.map((c) => c.name));
  const followers = down.filter((d) => !causeNames.has(d.name)).map((d) => d.name);
  return `The panel is not ready: ${fix}${followers.length ? `; required plugins down because of it: ${followers.join(', ')}` : ''}`;
}

function describe(registry: PluginRegistry, name: string): PluginDown {
  const status = registry.get(name);
  if (!status) return { name, reason: 'is not installed' };
  return { name, reason: status.error ? `failed during ${status.error.phase}: ${status.error.message}` : `is ${status.state}` };
}

/** Follows "disabled because its dependency failed" to the plugin that failed on its own. */
function rootCause(registry: PluginRegistry, name: string): string {
  let root = name;
  const seen = new Set([name]);
  for (let next = registry.failedDependencyOf(name); next && !seen.has(next); next = registry.failedDependencyOf(next)) {
    seen.add(next);
    root = next;
  }
  return root;
}
