import type { PluginDefinition } from './plugin.js';

export class PluginGraphError extends Error {
  override name = 'PluginGraphError';
}

/**
 * Orders plugins so each comes after what it depends on; ties keep the given order. A missing
 * dependency or a cycle is an error naming the plugins involved.
 */
export function orderPlugins<P extends Pick<PluginDefinition, 'manifest'>>(plugins: P[]): P[] {
  const byName = new Map<string, P>();
  for (const p of plugins) {
    if (byName.has(p.manifest.name)) throw new PluginGraphError(`two plugins are named "${p.manifest.name}"`);
    byName.set(p.manifest.name, p);
  }
  for (const p of plugins) {
    for (const dep of p.manifest.dependsOn ?? []) {
      if (!byName.has(dep))
        throw new PluginGraphError(`plugin "${p.manifest.name}" depends on "${dep}", which is not installed or is disabled`);
    }
  }
  const ordered: P[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (p: P, path: string[]) => {
    const name = p.manifest.name;
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new PluginGraphError(`plugins depend on each other in a cycle: ${cycle.join(' -> ')}`);
    }
    state.set(name, 'visiting');
    for (const dep of p.manifest.dependsOn ?? []) visit(byName.get(dep)!, [...path, name]);
    state.set(name, 'done');
    ordered.push(p);
  };
  for (const p of plugins) visit(p, []);
  return ordered;
}

/**
 * The plugins a plugin needs before it: what it depends on, the owners of the services it
 * requires, and the installed ones among its optional dependencies and optional services'
 * owners. A required service's owner that is not installed is left to the service wiring, which
 * names the service.
 */
export function loadAfter(definition: Pick<PluginDefinition, 'manifest' | 'consumes'>, installed: ReadonlySet<string>): string[] {
  const own = definition.manifest.name;
  const wanted = [
    ...(definition.manifest.dependsOn ?? []),
    ...(definition.consumes ?? []).filter((ref) => !ref.optional || installed.has(ref.plugin)).map((ref) => ref.plugin),
    ...(definition.manifest.optionalDependsOn ?? []).filter((name) => installed.has(name)),
  ];
  return [...new Set(wanted)].filter(
    (name) => name !== own && (installed.has(name) || (definition.manifest.dependsOn ?? []).includes(name)),
  );
}

/** What takes a plugin down when it fails: its dependencies and the owners of services it requires. */
export function requiredPlugins(definition: Pick<PluginDefinition, 'manifest' | 'consumes'>): string[] {
  return [
    ...new Set([
      ...(definition.manifest.dependsOn ?? []),
      ...(definition.consumes ?? []).filter((ref) => !ref.optional).map((ref) => ref.plugin),
    ]),
  ].filter((n) => n !== definition.manifest.name);
}
