import { z } from 'zod';
import { badRequest } from '../../kernel/errors.js';
import type { RouteRegistrar } from '../../kernel/http/route.js';

const storedEvent = z.object({
  id: z.number().int(),
  type: z.string(),
  serverId: z.string().nullable(),
  nodeId: z.string().nullable(),
  actorId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  occurredAt: z.string().describe('When it happened (a node reports its own time); UTC, ISO 8601'),
  recordedAt: z.string().describe('When the event log stored it; later than occurredAt for an event that reached the panel late'),
});

const eventQuery = z.object({
  type: z
    .string()
    .regex(/^[a-z0-9_.*,-]+$/i, { error: 'expected event types separated by commas, such as server.started,player.*' })
    .optional()
    .describe('Comma-separated types; `server.*` matches a prefix'),
  serverId: z.string().max(64).optional(),
  nodeId: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).optional().describe('Inclusive lower bound'),
  to: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).optional().describe('Exclusive upper bound'),
  after: z.coerce.number().int().min(0).optional().describe('Cursor: the last id of the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const subscriberStatus = z.object({
  name: z.string(),
  owner: z.string(),
  types: z.array(z.string()),
  offset: z.number().int(),
  delivered: z.number().int(),
  failures: z.number().int(),
  lastError: z.string().nullable(),
});

const eventType = z.object({
  type: z.string(),
  owner: z.string().describe('The plugin that declares (and appends) it'),
  description: z.string(),
  schema: z.record(z.string(), z.unknown()).describe("JSON Schema of the event's data"),
});

export function eventRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/types',
    summary: 'The event types the active plugins declare, with JSON Schemas of their data (what webhooks and subscribers receive)',
    access: 'user',
    response: { schema: z.object({ types: z.array(eventType) }) },
    handler: ({ scope }) => ({ types: scope.cradle.eventCatalogue.list() }),
  });
  router.route({
    method: 'get',
    path: '/',
    summary: 'Query the event log by type, server, node and time range',
    access: 'admin',
    query: eventQuery,
    response: { schema: z.object({ events: z.array(storedEvent), nextCursor: z.number().int().nullable() }) },
    handler: async ({ query, scope }) => {
      const from = query.from ? new Date(query.from) : undefined;
      const to = query.to ? new Date(query.to) : undefined;
      if (from && to && from >= to) throw badRequest('invalid_range', '`from` must be before `to`');
      const events = await scope.cradle.events.query({
        types: query.type?.split(',').filter(Boolean),
        serverId: query.serverId,
        nodeId: query.nodeId,
        from,
        to,
        afterId: query.after,
        limit: query.limit,
      });
      return { events, nextCursor: events.length === query.limit ? events[events.length - 1]!.id : null };
    },
  });
  router.route({
    method: 'get',
    path: '/subscribers',
    summary: 'Event subscribers with their committed offset and last error',
    access: 'admin',
    response: { schema: z.object({ subscribers: z.array(subscriberStatus) }) },
    handler: async ({ scope }) => ({ subscribers: await scope.cradle.eventDispatcher.status() }),
  });
}
