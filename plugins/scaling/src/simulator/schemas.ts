import { z } from 'zod';

/**
 * The simulator's figures and the admin page's runs as zod schemas: the API documents and checks
 * them, the simulator's code and the page's types are derived from them (the page type-only).
 */
export const SIM_POLICIES = ['static', 'reactive', 'predictive'] as const;
export const simPolicy = z.enum(SIM_POLICIES);
export type SimPolicy = z.output<typeof simPolicy>;

export const waitFigures = z.object({
  joins: z.number().int(),
  p50: z.number(),
  p99: z.number(),
  max: z.number(),
  long: z.number().int().describe('Joins that waited more than 60 s (LONG_WAIT_SECONDS)'),
});
/** Players' waits to join, in seconds. */
export type WaitFigures = z.output<typeof waitFigures>;

export const simResult = z.object({
  policy: simPolicy,
  nodeHours: z.number(),
  staticNodeHours: z.number(),
  fewerNodeHoursPct: z.number().int().describe('How many fewer node-hours than the static fleet, in percent (rounded down)'),
  waits: waitFigures.describe('Joins to a running, starting or sleeping server'),
  archivedWaits: waitFigures.describe('Joins to an archived server, reported apart'),
  movedWaits: waitFigures.describe('Joins to a sleeping server whose node was full: its files moved first (also counted in waits)'),
  costCents: z.number().int(),
  revenueCents: z.number().int(),
  nodesOrdered: z.number().int(),
  backtest: z
    .object({ chosen: z.string(), mape: z.record(z.string(), z.number().nullable()) })
    .nullable()
    .describe("The forecast's backtest at the start of the measured week (null without four weeks of history)"),
  hourly: z
    .object({ players: z.array(z.number()), awake: z.array(z.number()), committedMb: z.array(z.number()), nodes: z.array(z.number()) })
    .describe('Per hour of the measured week: players online, servers awake, their memory (MB), nodes paid for'),
});
export type SimResult = z.output<typeof simResult>;

export const simulationJobView = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  progress: z.number().min(0).max(1).describe('Share of the whole run done'),
  policies: z.array(simPolicy),
  seed: z.number().int(),
  trace: z.enum(['built-in', 'csv']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  results: z.array(simResult),
  error: z.string().nullable(),
});
export type SimulationJob = z.output<typeof simulationJobView>;

/** The largest CSV trace the page may upload (a few weeks of a few hundred servers). */
const MAX_TRACE_CHARS = 20_000_000;

export const simulationRequest = z.strictObject({
  policies: z
    .array(simPolicy)
    .min(1)
    .refine((p) => new Set(p).size === p.length, { error: 'each policy once' })
    .default([...SIM_POLICIES]),
  seed: z.number().int().min(0).max(2_147_483_647).default(1),
  traceCsv: z.string().min(1).max(MAX_TRACE_CHARS).optional().describe('minute,server,memory_mb,players (docs/simulator.md)'),
});
export type SimulationRequest = z.output<typeof simulationRequest>;
