import { z } from 'zod';
import { notFound, type Cradle, type RouteRegistrar } from '@conductor/core';
import {
  adjustmentBody,
  ledgerEntryView,
  ledgerPage,
  ledgerQuery,
  ownerId,
  ownerList,
  passResult,
  phase,
  priceList,
  priceView,
  setPriceBody,
  templateKey,
} from './schema.js';

const tags = ['billing'];

/** Prices, the billing pass and ledgers, for the admin. */
export function adminBillingRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/prices',
    summary: 'Prices per template and phase (`*` is the default)',
    tags,
    access: 'admin',
    response: { schema: priceList },
    handler: async ({ scope }) => ({
      currency: scope.cradle.billingConfig.currency,
      prices: await scope.cradle.priceRepository.list(),
      defaults: scope.cradle.billingConfig.defaultPrices,
    }),
  });
  router.route({
    method: 'put',
    path: '/prices',
    summary: 'Set the price of a phase for a template, or the default (`*`); applies to usage metered from now on',
    tags,
    access: 'admin',
    body: setPriceBody,
    response: { schema: z.object({ price: priceView }) },
    handler: async ({ body, scope }) => {
      await scope.cradle.priceRepository.set(body, scope.cradle.billingClock.now());
      return { price: body };
    },
  });
  router.route({
    method: 'delete',
    path: '/prices/:templateId/:phase',
    summary: 'Remove a price (the template falls back to the default)',
    tags,
    access: 'admin',
    params: z.object({ templateId: templateKey, phase }),
    response: { status: 204 },
    errors: { 404: 'No such price (price_not_found)' },
    handler: async ({ params, scope }) => {
      if ((await scope.cradle.priceRepository.remove(params.templateId, params.phase)) === 0)
        throw notFound('No such price', 'price_not_found');
    },
  });
  router.route({
    method: 'post',
    path: '/admin/pass',
    summary: 'Run the billing pass now (it also runs hourly on the leader); running it again charges nothing twice',
    tags,
    access: 'admin',
    response: { schema: passResult },
    handler: ({ scope }) => scope.cradle.billingPass.run(),
  });
  router.route({
    method: 'get',
    path: '/admin/owners',
    summary: 'Every owner with a billing account: balance and totals per ledger kind',
    tags,
    access: 'admin',
    response: { schema: ownerList },
    handler: async ({ scope }) => ({ currency: scope.cradle.billingConfig.currency, owners: await scope.cradle.ledgerService.owners() }),
  });
  router.route({
    method: 'get',
    path: '/admin/owners/:ownerId/ledger',
    summary: "An owner's ledger, newest first, and the balance derived from it",
    tags,
    access: 'admin',
    params: z.object({ ownerId }),
    query: ledgerQuery,
    response: { schema: z.object({ balanceCents: z.number().int(), entries: z.array(ledgerEntryView) }) },
    handler: async ({ params, query, scope }) => ({
      balanceCents: await scope.cradle.ledgerService.balanceCents(params.ownerId),
      entries: await scope.cradle.ledgerService.entries(params.ownerId, query.limit, query.before),
    }),
  });
  router.route({
    method: 'post',
    path: '/admin/owners/:ownerId/adjustments',
    summary: "Add a refund, promo credit or manual adjustment (with a reason) to an owner's ledger",
    tags,
    access: 'admin',
    params: z.object({ ownerId }),
    body: adjustmentBody,
    response: { status: 201, schema: z.object({ entry: ledgerEntryView, balanceCents: z.number().int() }) },
    errors: { 404: 'No such owner (owner_not_found)' },
    handler: async ({ params, body, scope, principal }) => {
      const entry = await scope.cradle.ledgerService.adjust(params.ownerId, body, principal!);
      return { entry, balanceCents: await scope.cradle.ledgerService.balanceCents(params.ownerId) };
    },
  });
}

/** A payer's ledger page and balance: the caller's own, or a team's. */
export async function ledgerOf(cradle: Cradle, payerId: string, query: { limit: number; before?: number }) {
  return {
    currency: cradle.billingConfig.currency,
    balanceCents: await cradle.ledgerService.balanceCents(payerId),
    entries: await cradle.ledgerService.entries(payerId, query.limit, query.before),
  };
}

/** The signed-in owner's own balance and ledger. */
export function ownerBillingRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/ledger',
    summary: 'My ledger, newest first, and the balance derived from it',
    tags,
    access: 'user',
    query: ledgerQuery,
    response: { schema: ledgerPage },
    handler: ({ query, scope, principal }) => ledgerOf(scope.cradle, principal!.id, query),
  });
}

export function billingRoutes(router: RouteRegistrar): void {
  adminBillingRoutes(router);
  ownerBillingRoutes(router);
}
