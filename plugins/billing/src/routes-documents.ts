import { z } from 'zod';
import type { Cradle, RouteRegistrar } from '@conductor/core';
import { renderPdf } from './pdf.js';
import { documentView } from './schema.js';

const tags = ['billing'];
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'expected a month as YYYY-MM' });

/** A payer's statements and receipts as listed: the caller's own, or a team's. */
export async function documentsOf(cradle: Cradle, payerId: string) {
  return (await cradle.documentRepository.list(payerId)).map((d) => ({
    number: d.number,
    kind: d.kind,
    ownerId: d.ownerId,
    period: d.period,
    issuedAt: d.issuedAt,
    grossCents: d.data.grossCents,
  }));
}

export function documentRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/documents',
    summary: 'My statements and receipts, newest first',
    tags,
    access: 'user',
    response: { schema: z.object({ documents: z.array(documentView) }) },
    handler: async ({ scope, principal }) => ({ documents: await documentsOf(scope.cradle, principal!.id) }),
  });
  router.route({
    method: 'get',
    path: '/documents/:number',
    summary: 'A statement or receipt as PDF (the owner, or an admin)',
    tags,
    access: 'user',
    params: z.object({ number: z.string().regex(/^(ST|RC)-\d{4}-\d{6}$/, { error: 'expected a document number such as ST-2026-000001' }) }),
    response: { contentType: 'application/pdf', description: 'The PDF' },
    errors: { 404: 'No such document, or not yours (document_not_found)' },
    handler: async ({ params, scope, principal, ctx }) => {
      const doc = await scope.cradle.documentService.get(params.number, principal!);
      ctx.type = 'application/pdf';
      ctx.set('content-disposition', `attachment; filename="${doc.number}.pdf"`);
      ctx.body = await renderPdf(doc);
    },
  });
  router.route({
    method: 'get',
    path: '/admin/documents',
    summary: "Everyone's statements and receipts (or one owner's), newest first",
    tags,
    access: 'admin',
    query: z.strictObject({ ownerId: z.string().min(1).max(64).optional() }),
    response: { schema: z.object({ documents: z.array(documentView) }) },
    handler: async ({ query, scope }) => ({
      documents: (await scope.cradle.documentRepository.list(query.ownerId ?? null)).map((d) => ({
        number: d.number,
        kind: d.kind,
        ownerId: d.ownerId,
        period: d.period,
        issuedAt: d.issuedAt,
        grossCents: d.data.grossCents,
      })),
    }),
  });
  router.route({
    method: 'post',
    path: '/admin/statements',
    summary: 'Issue the statements of a month now (also done on the 1st for the month before); owners who have one keep it',
    tags,
    access: 'admin',
    body: z.strictObject({ month }),
    response: { schema: z.object({ issued: z.array(z.string()) }) },
    handler: async ({ body, scope }) => ({ issued: await scope.cradle.documentService.issueStatements(body.month) }),
  });
}
