import type { PluginState, PluginStatus } from './plugin-status.js';

export type { PluginState, PluginStatus } from './plugin-status.js';

/** The kernel's record of every plugin it saw, served by GET /api/admin/plugins. */
export class PluginRegistry {
  private readonly entries = new Map<string, PluginStatus>();
  /** For a plugin disabled because a plugin it depends on failed: that plugin. */
  private readonly brokenBy = new Map<string, string>();

  put(status: PluginStatus): void {
    this.entries.set(status.name, status);
  }

  get(name: string): PluginStatus | undefined {
    return this.entries.get(name);
  }

  setState(name: string, state: PluginState): void {
    const entry = this.entries.get(name);
    if (entry) entry.state = state;
  }

  fail(name: string, phase: string, message: string, dependency?: string): void {
    const entry = this.entries.get(name);
    if (entry) {
      entry.state = 'failed';
      entry.error = { phase, message };
      if (dependency) this.brokenBy.set(name, dependency);
    }
  }

  /** The dependency whose failure disabled this plugin; undefined when it failed on its own. */
  failedDependencyOf(name: string): string | undefined {
    return this.brokenBy.get(name);
  }

  isActive(name: string): boolean {
    const state = this.entries.get(name)?.state;
    return state !== undefined && state !== 'failed' && state !== 'disabled';
  }

  list(): PluginStatus[] {
    return [...this.entries.values()].map((e) => ({ ...e, dependsOn: [...e.dependsOn], error: e.error ? { ...e.error } : null }));
  }
}
