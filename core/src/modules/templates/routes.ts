import { z } from 'zod';
import type { RouteRegistrar } from '../../kernel/http/route.js';
import { resolveVariables } from './rules.js';
import {
  importedTemplate,
  memoryRecommendation,
  storedTemplate,
  templateCategories,
  templateSchema,
  type StoredTemplate,
  type Template,
} from './schema.js';
import type { Principal } from '../../kernel/auth.js';

/** Users do not see variables the template keeps for administrators (licence keys, download URLs). */
function forCaller(stored: StoredTemplate, principal: Principal | null): StoredTemplate {
  if (principal?.role === 'admin') return stored;
  const template: Template = { ...stored.template, variables: stored.template.variables.filter((v) => v.userViewable) };
  return { ...stored, template };
}

const idParams = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/) });
const category = z.enum(['vanilla', 'plugins', 'modded', 'proxy', 'testing']);

export function templateRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/',
    summary: 'Templates, by popularity or name, filtered by category and search words',
    access: 'user',
    query: z.object({
      category: category.optional(),
      q: z.string().max(100).optional().describe('Words that must all appear in the name, description or tags'),
      sort: z.enum(['popular', 'name']).default('popular'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: { schema: z.object({ templates: z.array(storedTemplate) }) },
    handler: async ({ query, scope, principal }) => ({
      templates: (await scope.cradle.templateService.list(query)).map((t) => forCaller(t, principal)),
    }),
  });
  router.route({
    method: 'get',
    path: '/categories',
    summary: 'Template categories with how many templates each has',
    access: 'user',
    response: { schema: templateCategories },
    handler: async ({ scope }) => ({ categories: await scope.cradle.templateService.categories() }),
  });
  router.route({
    method: 'get',
    path: '/:id',
    summary: 'One template',
    access: 'user',
    params: idParams,
    response: { schema: storedTemplate },
    errors: { 404: 'No such template' },
    handler: async ({ params, scope, principal }) => forCaller(await scope.cradle.templateService.get(params.id), principal),
  });
  router.route({
    method: 'get',
    path: '/:id/recommendation',
    summary: 'Recommended memory for an expected number of players',
    access: 'user',
    params: idParams,
    query: z.object({ players: z.coerce.number().int().min(1).max(100_000) }),
    response: { schema: memoryRecommendation },
    handler: ({ params, query, scope }) => scope.cradle.templateService.recommend(params.id, query.players),
  });
  router.route({
    method: 'post',
    path: '/:id/variables/check',
    summary: 'Check variable values against the template rules (the create-server wizard validates as you type)',
    access: 'user',
    params: idParams,
    body: z.strictObject({ variables: z.record(z.string(), z.string()).default({}) }),
    response: { schema: z.object({ variables: z.record(z.string(), z.string()) }) },
    errors: { 404: 'No such template' },
    handler: async ({ params, body, scope, principal }) => {
      const { template } = await scope.cradle.templateService.get(params.id);
      return { variables: resolveVariables(template, body.variables, { asAdmin: principal?.role === 'admin' }) };
    },
  });
  router.route({
    method: 'post',
    path: '/',
    summary: 'Add a custom template',
    access: 'admin',
    body: templateSchema,
    response: { status: 201, schema: storedTemplate },
    errors: { 409: 'A template with this id exists' },
    handler: ({ body, scope, principal }) => scope.cradle.templateService.create(body, 'custom', principal!.id),
  });
  router.route({
    method: 'put',
    path: '/:id',
    summary: 'Change a custom or imported template',
    access: 'admin',
    params: idParams,
    body: templateSchema,
    response: { schema: storedTemplate },
    errors: { 404: 'No such template', 409: 'Built-in templates cannot be changed' },
    handler: ({ params, body, scope, principal }) => scope.cradle.templateService.update({ ...body, id: params.id }, principal!.id),
  });
  router.route({
    method: 'delete',
    path: '/:id',
    summary: 'Delete a custom or imported template',
    access: 'admin',
    params: idParams,
    response: { status: 204 },
    errors: { 404: 'No such template', 409: 'Built-in templates cannot be deleted' },
    handler: async ({ params, scope, principal }) => {
      await scope.cradle.templateService.remove(params.id, principal!.id);
    },
  });
  const egg = z
    .record(z.string(), z.unknown())
    .describe('The egg file, as exported by Pterodactyl (PTDL_v1, PTDL_v2) or Pelican (PLCN_v1 to PLCN_v3), as JSON');
  router.route({
    method: 'post',
    path: '/import',
    summary: 'Import a Pterodactyl or Pelican egg as a new template',
    description:
      'The id is made from the egg name unless given. When it is taken the answer is 409 template_exists with `details.suggestedId` (a free id: import again with it to add the egg as new) and `details.updatable` (PUT /api/templates/{id}/import replaces that template from the egg).',
    access: 'admin',
    bodyLimit: '2mb',
    body: z.strictObject({ egg, id: idParams.shape.id.optional(), category: category.optional() }),
    response: { status: 201, schema: importedTemplate },
    errors: { 409: 'A template with this id exists (template_exists; details: id, suggestedId, updatable)' },
    handler: ({ body, scope, principal }) =>
      scope.cradle.templateService.importEgg(body.egg, { id: body.id, category: body.category }, principal!.id),
  });
  router.route({
    method: 'put',
    path: '/:id/import',
    summary: 'Update an imported or custom template from a newer egg (its category, popularity, port and memory recommendations are kept)',
    access: 'admin',
    bodyLimit: '2mb',
    params: idParams,
    body: z.strictObject({ egg, category: category.optional() }),
    response: { schema: importedTemplate },
    errors: { 404: 'No such template', 409: 'Built-in templates cannot be changed' },
    handler: ({ params, body, scope, principal }) =>
      scope.cradle.templateService.updateFromEgg(params.id, body.egg, { category: body.category }, principal!.id),
  });
}
