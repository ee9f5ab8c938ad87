import { z } from 'zod';
import { notFound } from '../../kernel/errors.js';
import type { RouteRegistrar } from '../../kernel/http/route.js';

const entry = z.object({
  id: z.number().int(),
  kind: z.string(),
  recipient: z.string(),
  subject: z.string(),
  status: z.enum(['pending', 'sending', 'sent', 'failed', 'outbox']).describe('outbox: kept because no SMTP server is configured'),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

/** The outbox is an admin view: it is where mail goes when no SMTP server is configured. */
export function mailRoutes(router: RouteRegistrar): void {
  const admin = router.at('/api/admin');
  admin.route({
    method: 'get',
    path: '/mail',
    summary: 'Mail in the outbox, newest first',
    access: 'admin',
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: { schema: z.object({ smtpConfigured: z.boolean(), mail: z.array(entry) }) },
    handler: async ({ query, scope }) => ({
      smtpConfigured: scope.cradle.mailService.smtpConfigured,
      mail: await scope.cradle.mailService.list(query.limit),
    }),
  });
  admin.route({
    method: 'get',
    path: '/mail/:id',
    summary: 'One mail with its body (bodies are dropped once delivered)',
    access: 'admin',
    params: z.object({ id: z.coerce.number().int().min(1) }),
    response: { schema: entry.extend({ text: z.string().nullable(), html: z.string().nullable() }) },
    handler: async ({ params, scope }) => {
      const mail = await scope.cradle.mailService.read(params.id);
      if (!mail) throw notFound('No such mail');
      return mail;
    },
  });
}
