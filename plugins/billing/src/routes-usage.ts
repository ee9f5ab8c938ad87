import { z } from 'zod';
import type { RouteRegistrar } from '@conductor/core';
import { adminUsageReport, ownerId, usageReport } from './schema.js';

const tags = ['billing'];
const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'expected a month as YYYY-MM' })
  .optional()
  .describe('UTC month, YYYY-MM; this month by default');

const thisMonth = (now: Date) => now.toISOString().slice(0, 7);

export function usageRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/usage',
    summary: 'My costs in a month: by phase, by server, per day, a forecast of next month and what sleep saved',
    tags,
    access: 'user',
    query: z.strictObject({ month }),
    response: { schema: usageReport },
    handler: async ({ query, scope, principal }) => ({
      currency: scope.cradle.billingConfig.currency,
      ...(await scope.cradle.usageService.report(principal!.id, query.month ?? thisMonth(scope.cradle.billingClock.now()))),
    }),
  });
  router.route({
    method: 'get',
    path: '/admin/usage',
    summary: "Everyone's costs in a month (or one owner's), with the month's revenue from top-ups",
    tags,
    access: 'admin',
    query: z.strictObject({ month, ownerId: ownerId.optional() }),
    response: { schema: adminUsageReport },
    handler: async ({ query, scope }) => {
      const { billingConfig, billingClock, usageService, ledgerRepository } = scope.cradle;
      const report = await usageService.report(query.ownerId ?? null, query.month ?? thisMonth(billingClock.now()));
      const entries = await ledgerRepository.between(query.ownerId ?? null, new Date(report.from), new Date(report.to));
      return {
        currency: billingConfig.currency,
        ...report,
        revenueCents: entries.filter((e) => e.kind === 'topup').reduce((sum, e) => sum + e.amountCents, 0),
      };
    },
  });
}
