import { z } from 'zod';

/**
 * The registry of event types and their data. The owner declares each type in its plugin's
 * `events` (made with defineEvents) and merges the types in here:
 *
 *   declare module '@conductor/core' { interface EventTypes extends EventDataOf<typeof myEvents> {} }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventTypes {}

export type EventType = keyof EventTypes & string;

/** The data of an event type: its declared shape, or any record for a type nobody declared. */
export type EventDataFor<K extends string> = K extends EventType ? EventTypes[K] : Record<string, unknown>;

export interface EventDeclaration {
  /** What happened, for the catalogue and plugin authors. */
  description: string;
  /** The event's `data`. */
  data: z.ZodType;
}

export type EventDeclarations = Record<string, EventDeclaration>;

/** The data types of a plugin's declarations, to merge into EventTypes. */
export type EventDataOf<D extends EventDeclarations> = { [K in keyof D]: z.output<D[K]['data']> };

// The first word is the owning plugin's name, which may hold dashes (PLUGIN_NAME).
const TYPE_NAME = /^[a-z][a-z0-9_-]*(\.[a-z0-9_]+)+$/;

/** Identity with checks of the names; gives the declarations' types to EventDataOf. */
export function defineEvents<D extends EventDeclarations>(declarations: D): D {
  for (const type of Object.keys(declarations)) {
    if (!TYPE_NAME.test(type)) throw new Error(`event type "${type}" must be dotted lower-case words, such as server.started`);
  }
  return declarations;
}

export class EventPayloadError extends Error {
  override name = 'EventPayloadError';
}

export interface EventTypeView {
  type: string;
  owner: string;
  description: string;
  /** JSON Schema of the event's `data`. */
  schema: Record<string, unknown>;
}

/** Every declared event type, with its owner and schema: checked at append and served at /api/events/types. */
export class EventCatalogue {
  private readonly types = new Map<string, EventDeclaration & { owner: string }>();

  constructor(private readonly isActive: (plugin: string) => boolean) {}

  declare(owner: string, declarations: EventDeclarations): void {
    for (const type of Object.keys(declarations)) {
      const existing = this.types.get(type);
      if (existing && existing.owner !== owner) throw new Error(`event type "${type}" is already declared by plugin "${existing.owner}"`);
    }
    for (const [type, declaration] of Object.entries(declarations)) this.types.set(type, { ...declaration, owner });
  }

  /** Whether the type is declared (by any plugin that registered, active or not: its events stay in the log). */
  has(type: string): boolean {
    return this.types.has(type);
  }

  /** Throws an EventPayloadError naming the type and the first bad field; undeclared types pass (see `has`). */
  check(type: string, data: unknown): void {
    const declared = this.types.get(type);
    if (!declared) return;
    const result = declared.data.safeParse(data);
    if (result.success) return;
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? `data.${issue.path.map(String).join('.')}` : 'data';
    throw new EventPayloadError(`event "${type}" (declared by plugin "${declared.owner}") has a bad payload at ${where}: ${issue.message}`);
  }

  list(): EventTypeView[] {
    return [...this.types.entries()]
      .filter(([, d]) => this.isActive(d.owner))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, d]) => ({
        type,
        owner: d.owner,
        description: d.description,
        schema: z.toJSONSchema(d.data, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
      }));
  }
}
