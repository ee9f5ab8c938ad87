import { z } from 'zod';

/** One socket.io event of a namespace, as a plugin documents it. */
export interface SocketEventSpec {
  /** Who emits it: the browser (`client`) or the panel. */
  from: 'client' | 'panel';
  summary: string;
  description?: string;
  payload: z.ZodType;
  /** What the panel answers through the client's acknowledgement callback. */
  ack?: z.ZodType;
}

/** A plugin's socket namespace `/<name>`: what it is for and its events. */
export interface SocketApiSpec {
  description: string;
  events: Record<string, SocketEventSpec>;
}

/** What the kernel sends on any guarded namespace when it refuses an event (or a viewer loses access). */
export const refusedMessage = z.object({
  code: z.string().describe('Stable error code, e.g. forbidden, not_found, validation_failed'),
  message: z.string(),
  event: z.string().optional().describe('The event that was refused (or that let the viewer in)'),
  serverId: z.string().optional(),
});

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // AsyncAPI's default schema format is a superset of JSON Schema draft-07.
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-7' }) as JsonSchema;
  delete out.$schema;
  return out;
}

const key = (text: string) => text.replace(/[^A-Za-z0-9_.-]+/g, '_');

/**
 * The socket API as an AsyncAPI 3.0 document, from the same zod schemas the handlers use, so it
 * cannot drift from what is mounted. The application described is the panel: it `receive`s what
 * browsers emit and `send`s what it pushes; an acknowledgement is the operation's reply.
 */
export class AsyncApiBuilder {
  private readonly channels: Record<string, unknown> = {};
  private readonly operations: Record<string, unknown> = {};
  private readonly messages: Record<string, unknown> = {};
  private cached: Record<string, unknown> | null = null;

  constructor(private readonly info: { title: string; version: string; description: string }) {}

  addNamespace(name: string, spec: SocketApiSpec, permissions: Record<string, string> = {}): void {
    this.cached = null;
    const channelMessages: Record<string, unknown> = {};
    const channelRef = { $ref: `#/channels/${key(name)}` };
    const message = (id: string, event: string, summary: string, schema: z.ZodType, io: 'input' | 'output') => {
      this.messages[id] = { name: event, title: event, summary, contentType: 'application/json', payload: toJsonSchema(schema, io) };
      channelMessages[id] = { $ref: `#/components/messages/${id}` };
      return { $ref: `#/channels/${key(name)}/messages/${id}` };
    };
    const events = Object.entries(spec.events);
    // The kernel guards events with a permission; what it answers a refusal with is part of the namespace too.
    if (Object.keys(permissions).length > 0 && !spec.events.refused) {
      events.push([
        'refused',
        {
          from: 'panel',
          summary: 'An event was refused (no acknowledgement to answer through), or a viewer lost access to the server',
          payload: refusedMessage,
        },
      ]);
    }
    for (const [event, e] of events) {
      const id = key(`${name}.${event}`);
      const incoming = e.from === 'client';
      const ref = message(id, event, e.summary, e.payload, incoming ? 'input' : 'output');
      const reply = e.ack
        ? {
            channel: channelRef,
            messages: [message(`${id}.ack`, `${event} (acknowledgement)`, `The acknowledgement of ${event}`, e.ack, 'output')],
          }
        : undefined;
      this.operations[id] = {
        action: incoming ? 'receive' : 'send',
        channel: channelRef,
        title: event,
        summary: e.summary,
        ...(e.description ? { description: e.description } : {}),
        messages: [ref],
        ...(reply ? { reply } : {}),
        ...(permissions[event] ? { 'x-permission': permissions[event] } : {}),
      };
    }
    this.channels[key(name)] = { address: `/${name}`, title: `/${name}`, description: spec.description, messages: channelMessages };
  }

  document(): Record<string, unknown> {
    this.cached ??= {
      asyncapi: '3.0.0',
      info: this.info,
      defaultContentType: 'application/json',
      channels: this.channels,
      operations: this.operations,
      components: { messages: this.messages },
    };
    return this.cached;
  }
}
