import { z } from 'zod';
import type { RouteRegistrar } from '@conductor/core';
import { SIM_POLICIES } from './settings.js';

const tags = ['scaling'];

const waits = z.object({
  joins: z.number().int(),
  p50: z.number(),
  p99: z.number(),
  max: z.number(),
  long: z.number().int().describe('Joins that waited more than 60 s'),
});

const simResult = z.object({
  policy: z.enum(SIM_POLICIES),
  nodeHours: z.number(),
  staticNodeHours: z.number(),
  fewerNodeHoursPct: z.number().int(),
  waits: waits.describe('Joins to a running, starting or sleeping server'),
  archivedWaits: waits.describe('Joins to an archived server, reported apart'),
  costCents: z.number().int(),
  revenueCents: z.number().int(),
  nodesOrdered: z.number().int(),
  backtest: z.object({ chosen: z.string(), mape: z.record(z.string(), z.number().nullable()) }).nullable(),
  hourly: z
    .object({ players: z.array(z.number()), awake: z.array(z.number()), committedMb: z.array(z.number()), nodes: z.array(z.number()) })
    .describe('One value per hour of the measured week'),
});

export const simulationJobView = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  progress: z.number().min(0).max(1),
  policies: z.array(z.enum(SIM_POLICIES)),
  seed: z.number().int(),
  trace: z.enum(['built-in', 'csv']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  results: z.array(simResult),
  error: z.string().nullable(),
});

/** The largest CSV trace the page may upload (a few weeks of a few hundred servers). */
const MAX_TRACE_CHARS = 20_000_000;

export const simulationRequest = z.strictObject({
  policies: z
    .array(z.enum(SIM_POLICIES))
    .min(1)
    .refine((p) => new Set(p).size === p.length, { error: 'each policy once' })
    .default([...SIM_POLICIES]),
  seed: z.number().int().min(0).max(2_147_483_647).default(1),
  traceCsv: z.string().min(1).max(MAX_TRACE_CHARS).optional().describe('minute,server,memory_mb,players (docs/simulator.md)'),
});

/** The fleet simulator as a background run for the admin page (docs/simulator.md). */
export function simulationRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'post',
    path: '/simulations',
    summary: 'Start a fleet simulation (the built-in week for a seed, or an uploaded CSV trace); one at a time',
    tags,
    access: 'admin',
    bodyLimit: '25mb',
    body: simulationRequest,
    response: { status: 202, schema: simulationJobView },
    errors: { 400: 'A bad field or trace line (trace_invalid names the line)', 409: 'A simulation is running already' },
    handler: ({ body, scope }) => scope.cradle.simulationJobs.start(body),
  });
  router.route({
    method: 'get',
    path: '/simulations/:id',
    summary: "A simulation's progress, then each policy's figures and its week hour by hour",
    tags,
    access: 'admin',
    params: z.object({ id: z.uuid() }),
    response: { schema: simulationJobView },
    errors: { 404: 'No such simulation (kept in memory, the last few)' },
    handler: ({ params, scope }) => scope.cradle.simulationJobs.get(params.id),
  });
}
