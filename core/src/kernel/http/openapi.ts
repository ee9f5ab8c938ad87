import { z } from 'zod';
import type { RouteSpec } from './route.js';

type JsonSchema = Record<string, unknown>;

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable error code' },
        message: { type: 'string', description: 'Human-readable explanation' },
        details: {},
      },
    },
  },
};

const BINARY: JsonSchema = { type: 'string', format: 'binary' };

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return out;
}

function openApiPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Collects one operation per route as routes register, so the document can never drift from
 * what is mounted. Schemas come from the same zod objects that validate requests.
 *
 * A route's operation is written when the document is first asked for, not when the route
 * registers: turning every schema into JSON Schema at start held about 2.5 MB of an idle panel's
 * memory (bench/footprint.ts) for a document few clients read.
 */
export class OpenApiBuilder {
  private readonly paths: Record<string, Record<string, unknown>> = {};
  private pending: { path: string; spec: RouteSpec }[] = [];
  private cached: Record<string, unknown> | null = null;

  constructor(private readonly info: { title: string; version: string; description?: string }) {}

  addOperation(koaPath: string, spec: RouteSpec): void {
    this.cached = null;
    const p = openApiPath(koaPath);
    const item = (this.paths[p] ??= {});
    if (spec.method in item) throw new Error(`two routes for ${spec.method.toUpperCase()} ${koaPath}`);
    item[spec.method] = null; // its place in the document; written by document()
    this.pending.push({ path: p, spec });
  }

  private operation(p: string, spec: RouteSpec): Record<string, unknown> {
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', spec.params],
      ['query', spec.query],
    ] as const) {
      if (!schema) continue;
      const json = toJsonSchema(schema, 'input');
      const props = (json.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((json.required as string[] | undefined) ?? []);
      for (const [name, propSchema] of Object.entries(props)) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || required.has(name),
          schema: propSchema,
          ...(propSchema.description ? { description: propSchema.description } : {}),
        });
      }
    }
    const status = String(spec.response.status ?? 200);
    // A streamed answer (contentType without a schema) is documented as bytes of that type.
    const responseSchema = spec.response.schema ? toJsonSchema(spec.response.schema, 'output') : spec.response.contentType ? BINARY : null;
    const responses: Record<string, unknown> = {
      [status]: {
        description: spec.response.description ?? 'Success',
        ...(responseSchema ? { content: { [spec.response.contentType ?? 'application/json']: { schema: responseSchema } } } : {}),
      },
    };
    const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    if (spec.params || spec.query || spec.body || spec.rawBody) responses['400'] = { description: 'Invalid input', ...errorRef };
    if (spec.access !== 'public') {
      responses['401'] = { description: 'Not authenticated', ...errorRef };
      responses['403'] = { description: 'Not allowed', ...errorRef };
    }
    if (spec.permission) responses['404'] = { description: 'No such server, or not yours', ...errorRef };
    if (spec.body || spec.rawBody) responses['413'] = { description: 'Body too large', ...errorRef };
    for (const [code, description] of Object.entries(spec.errors ?? {})) responses[code] = { description, ...errorRef };
    return {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      operationId: `${spec.method}${p.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      tags: spec.tags,
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(spec.body, 'input') } } } }
        : {}),
      ...(spec.rawBody
        ? {
            requestBody: {
              required: true,
              ...(spec.rawBody.description ? { description: spec.rawBody.description } : {}),
              content: { [spec.rawBody.contentType]: { schema: BINARY } },
            },
          }
        : {}),
      responses,
      ...(spec.access === 'public' ? { security: [] } : {}),
      ...(spec.permission ? { 'x-permission': spec.permission } : {}),
    };
  }

  /** Adds a path documented by hand (kernel routes that are not plain JSON routes). */
  addRaw(path: string, method: string, operation: Record<string, unknown>): void {
    this.cached = null;
    (this.paths[path] ??= {})[method] = operation;
  }

  document(): Record<string, unknown> {
    for (const { path, spec } of this.pending) this.paths[path]![spec.method] = this.operation(path, spec);
    this.pending = [];
    this.cached ??= {
      openapi: '3.1.0',
      info: this.info,
      paths: this.paths,
      components: {
        schemas: { Error: errorSchema },
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    };
    return this.cached;
  }
}
