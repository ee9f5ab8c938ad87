import { z } from 'zod';
import { notFound, type Container, type Principal, type RouteRegistrar } from '@conductor/core';
import { accountSummary, topupBody } from './routes-payments.js';
import { documentsOf } from './routes-documents.js';
import { ledgerOf } from './routes.js';
import { accountView, documentView, ledgerPage, ledgerQuery } from './schema.js';

const tags = ['billing', 'teams'];
const params = z.object({ teamId: z.uuid({ error: 'expected a team id' }) });
const errors = { 403: "forbidden: only the team's owners and admins see its credit", 404: 'team_not_found' };

/** The team's payer id, when the teams plugin runs and the caller may see the team's credit. */
async function teamPayer(scope: Container, teamId: string, principal: Principal): Promise<string> {
  const teams = scope.cradle.serverPayer;
  if (!teams) throw notFound('No such team', 'team_not_found');
  return teams.payerFor(teamId, principal);
}

/** A team's own credit, ledger, top-ups and statements: it pays for the servers it owns. */
export function teamBillingRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/teams/:teamId/account',
    summary: "A team's balance, how long it lasts and its suspension",
    tags,
    access: 'user',
    keyScoped: true,
    params,
    errors,
    response: { schema: accountView },
    handler: async ({ params: p, scope, principal }) => accountSummary(scope.cradle, await teamPayer(scope, p.teamId, principal!)),
  });
  router.route({
    method: 'get',
    path: '/teams/:teamId/ledger',
    summary: "A team's ledger, newest first, and the balance derived from it",
    tags,
    access: 'user',
    keyScoped: true,
    params,
    query: ledgerQuery,
    errors,
    response: { schema: ledgerPage },
    handler: async ({ params: p, query, scope, principal }) => ledgerOf(scope.cradle, await teamPayer(scope, p.teamId, principal!), query),
  });
  router.route({
    method: 'post',
    path: '/teams/:teamId/topups',
    summary: "Top up a team's credit through Stripe Checkout",
    tags,
    access: 'user',
    keyScoped: true,
    params,
    body: topupBody,
    errors: { ...errors, 400: 'topup_amount_out_of_range', 503: 'stripe_not_configured' },
    response: { status: 201, schema: z.object({ sessionId: z.string(), url: z.string(), ledgerRef: z.string() }) },
    handler: async ({ params: p, body, scope, principal }) =>
      scope.cradle.topupService.startCheckout(await teamPayer(scope, p.teamId, principal!), body.amountCents),
  });
  router.route({
    method: 'get',
    path: '/teams/:teamId/documents',
    summary: "A team's statements and receipts, newest first",
    tags,
    access: 'user',
    keyScoped: true,
    params,
    errors,
    response: { schema: z.object({ documents: z.array(documentView) }) },
    handler: async ({ params: p, scope, principal }) => ({
      documents: await documentsOf(scope.cradle, await teamPayer(scope, p.teamId, principal!)),
    }),
  });
}
