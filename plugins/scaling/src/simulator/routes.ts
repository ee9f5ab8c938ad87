import { z } from 'zod';
import type { RouteRegistrar } from '@conductor/core';
import { simulationJobView, simulationRequest } from './schemas.js';

const tags = ['scaling'];

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
