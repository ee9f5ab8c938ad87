import { z } from 'zod';
import type { RouteRegistrar } from '@conductor/core';
import { capacityAhead, forecastQuery, forecastView } from './schemas.js';

const tags = ['forecast'];
const params = z.object({ cluster: z.string().min(1).max(64).describe('A cluster name; "default" is the whole fleet') });

export function forecastRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/:cluster',
    summary: "A cluster's hourly demand: the history, the backtest of both models, and the chosen one's forecast with its band",
    tags,
    access: 'admin',
    params,
    query: forecastQuery,
    response: { schema: forecastView },
    handler: async ({ params, query, scope }) => {
      const { demandForecast } = scope.cradle;
      return demandForecast.forecast(await demandForecast.clusterNamed(params.cluster), query.metric, query.hours);
    },
  });
  router.route({
    method: 'get',
    path: '/:cluster/capacity',
    summary: 'The committed RAM to have ready now: the upper band over the next hours plus the lead time',
    tags,
    access: 'admin',
    params,
    query: z.strictObject({
      hours: z.coerce.number().int().min(1).max(168).default(1),
      leadTimeMinutes: z.coerce
        .number()
        .min(0)
        .max(24 * 60)
        .default(0)
        .describe('How long a node takes to be ready (boot lead time)'),
    }),
    response: { schema: capacityAhead },
    handler: async ({ params, query, scope }) => {
      const { demandForecast } = scope.cradle;
      return demandForecast.capacityAhead(await demandForecast.clusterNamed(params.cluster), query);
    },
  });
}
