import { z } from 'zod';
import { AppError } from './errors.js';

/**
 * Not grantable: held by everyone with any key on a server, so a subuser who may only read files
 * can still open the server (its name, state, address), as the server list already shows it.
 */
export const SERVER_VIEW = 'server.view';

const label = z.strictObject({ en: z.string().min(1).max(120), de: z.string().min(1).max(120) });
const segment = /^[a-z][a-z0-9-]{0,39}$/;

/** One group of per-server permission keys, as a plugin declares it in its definition. */
export const permissionGroupSchema = z.strictObject({
  /** The first part of each key (`backup` in `backup.create`); one plugin owns a group. */
  group: z.string().regex(segment),
  label,
  keys: z
    .array(
      z.strictObject({
        action: z.string().regex(segment),
        label,
        /** Keys this one includes: a holder of `file.update` may also list files, say. */
        implies: z.array(z.string()).optional(),
      }),
    )
    .min(1),
});
export type PermissionGroupDeclaration = z.input<typeof permissionGroupSchema>;

export const permissionKeyViewSchema = z.object({ key: z.string(), label, implies: z.array(z.string()) });
export const permissionGroupViewSchema = z.object({ group: z.string(), plugin: z.string(), label, keys: z.array(permissionKeyViewSchema) });
export type PermissionKeyView = z.output<typeof permissionKeyViewSchema>;
export type PermissionGroupView = z.output<typeof permissionGroupViewSchema>;

interface OwnedGroup extends PermissionGroupView {
  plugin: string;
}

/**
 * Every per-server permission key of the panel, each declared by the plugin that owns it. Keys of a
 * plugin that is disabled or failed are not offered, not grantable and held by nobody but owners
 * and admins, so a switched-off feature cannot be reached through a stale grant.
 */
export class PermissionCatalogue {
  private readonly groups = new Map<string, OwnedGroup>();

  constructor(private readonly isActive: (plugin: string) => boolean) {}

  /** Called by the kernel while a plugin registers; a group another plugin owns fails the plugin. */
  declare(plugin: string, declarations: readonly PermissionGroupDeclaration[]): void {
    const parsed = declarations.map((d, i) => {
      const result = permissionGroupSchema.safeParse(d);
      if (!result.success) throw new Error(`permissions[${i}]: ${z.prettifyError(result.error).replaceAll('\n', ' ')}`);
      return result.data;
    });
    for (const g of parsed) {
      const owner = this.groups.get(g.group);
      if (owner) throw new Error(`permission group "${g.group}" is already declared by plugin "${owner.plugin}"`);
      const actions = new Set<string>();
      for (const k of g.keys) {
        if (actions.has(k.action)) throw new Error(`permission key "${g.group}.${k.action}" is declared twice`);
        actions.add(k.action);
      }
    }
    for (const g of parsed) {
      this.groups.set(g.group, {
        group: g.group,
        plugin,
        label: g.label,
        keys: g.keys.map((k) => ({ key: `${g.group}.${k.action}`, label: k.label, implies: k.implies ?? [] })),
      });
    }
  }

  /** After every plugin registered: each `implies` names a declared key. */
  validate(): void {
    for (const g of this.groups.values()) {
      for (const k of g.keys) {
        const unknown = k.implies.filter((i) => !this.isDeclared(i));
        if (unknown.length) throw new Error(`permission key "${k.key}" (plugin "${g.plugin}") implies unknown keys: ${unknown.join(', ')}`);
      }
    }
  }

  /** Declared by some plugin, active or not: what a route or socket event may name. */
  isDeclared(key: string): boolean {
    return key === SERVER_VIEW || this.find(key) !== undefined;
  }

  /** The groups of active plugins, in declaration order: what the subuser pages offer. */
  list(): PermissionGroupView[] {
    return [...this.groups.values()]
      .filter((g) => this.isActive(g.plugin))
      .map((g) => ({ ...g, keys: g.keys.map((k) => ({ ...k, implies: [...k.implies] })) }));
  }

  /** Every grantable key of active plugins. */
  keys(): string[] {
    return this.list().flatMap((g) => g.keys.map((k) => k.key));
  }

  /** A key or a `group.*` wildcard of an active plugin. */
  isGrantable(key: string): boolean {
    if (key.endsWith('.*')) {
      const group = this.groups.get(key.slice(0, -2));
      return group !== undefined && this.isActive(group.plugin);
    }
    const found = this.find(key);
    return found !== undefined && this.isActive(found.plugin);
  }

  /** Refuses a grant that names keys no active plugin offers, naming them. */
  assertGrantable(keys: readonly string[]): void {
    const unknown = keys.filter((k) => !this.isGrantable(k));
    if (unknown.length) {
      throw new AppError(
        400,
        'unknown_permission',
        `Unknown permission keys: ${unknown.join(', ')} (GET /api/auth/permission-keys lists them)`,
        { unknown },
      );
    }
  }

  /** Whether granted keys (which may hold `group.*`) cover a key, directly or through `implies`. */
  holds(granted: readonly string[], key: string): boolean {
    const found = this.find(key);
    if (!found || !this.isActive(found.plugin)) return false;
    return this.expand(granted).has(key);
  }

  /** Granted keys with wildcards spelled out and implications followed, limited to active plugins. */
  expand(granted: readonly string[]): Set<string> {
    const out = new Set<string>();
    const queue: string[] = [];
    for (const g of granted) {
      if (g.endsWith('.*')) queue.push(...(this.groups.get(g.slice(0, -2))?.keys.map((k) => k.key) ?? []));
      else queue.push(g);
    }
    while (queue.length) {
      const key = queue.pop()!;
      if (out.has(key)) continue;
      const found = this.find(key);
      if (!found || !this.isActive(found.plugin)) continue;
      out.add(key);
      queue.push(...found.key.implies);
    }
    return out;
  }

  private find(key: string): { plugin: string; key: PermissionKeyView } | undefined {
    const dot = key.indexOf('.');
    if (dot < 1) return undefined;
    const group = this.groups.get(key.slice(0, dot));
    const found = group?.keys.find((k) => k.key === key);
    return group && found ? { plugin: group.plugin, key: found } : undefined;
  }
}
