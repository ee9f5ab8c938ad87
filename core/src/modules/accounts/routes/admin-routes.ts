import { z } from 'zod';
import { conflict, notFound } from '../../../kernel/errors.js';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { originOf } from '../request-origin.js';
import { authSettingsSchema, authSettingsView, userSort } from '../schema.js';
import type { User, UsersRepository } from '../users-repo.js';
import { email, password, publicUser, toPublicUser } from './schemas.js';

const userId = z.object({ id: z.uuid() });

async function accountOr404(repo: UsersRepository, id: string): Promise<User> {
  const user = await repo.byId(id);
  if (!user) throw notFound('No such user');
  return user;
}

/** Users and account settings, under /api/admin. */
export function adminAccountRoutes(router: RouteRegistrar): void {
  const admin = router.at('/api/admin');
  admin.route({
    method: 'get',
    path: '/settings/auth',
    summary: 'Account settings: open registration (and whether an admin chose it), required two-factor',
    access: 'admin',
    response: { schema: authSettingsView },
    handler: ({ scope }) => scope.cradle.authSettingsRepository.get(),
  });
  admin.route({
    method: 'patch',
    path: '/settings/auth',
    summary: 'Change account settings',
    access: 'admin',
    body: authSettingsSchema.partial().strict(),
    response: { schema: authSettingsView },
    handler: ({ body, scope }) => scope.cradle.authSettingsRepository.update(body),
  });
  admin.route({
    method: 'get',
    path: '/users',
    summary: 'Every account, a page at a time, oldest first unless sorted otherwise',
    description:
      "`sort`: createdAt (default), -createdAt, email or -email (a leading '-' reverses; email ignores case). Keyset-paged: pass the answer's `nextCursor` as `cursor` for the next page with the same sort (null: no more). A cursor this list did not hand out, or one for another sort, is 400 invalid_cursor; an unknown sort or query field is 400 validation_failed.",
    access: 'admin',
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      sort: userSort.default('createdAt'),
      cursor: z.string().max(512).optional(),
    }),
    response: { schema: z.object({ users: z.array(publicUser), nextCursor: z.string().nullable() }) },
    handler: async ({ query, scope }) => {
      const { users, nextCursor } = await scope.cradle.usersRepository.list(query.limit, query.sort, query.cursor);
      return { users: users.map(toPublicUser), nextCursor };
    },
  });
  admin.route({
    method: 'post',
    path: '/users',
    summary: 'Create an account (works when registration is closed); its email counts as verified',
    access: 'admin',
    body: z.object({ email, password, role: z.enum(['admin', 'user']).default('user') }),
    response: { status: 201, schema: z.object({ user: publicUser }) },
    errors: { 409: 'email_taken' },
    handler: async ({ body, ctx, scope }) => ({
      user: toPublicUser(await scope.cradle.accountService.createUser({ ...body, emailVerified: true }, originOf(ctx))),
    }),
  });
  admin.route({
    method: 'patch',
    path: '/users/:id',
    summary: 'Change a role or an email address, or lift a lock',
    access: 'admin',
    params: userId,
    body: z.strictObject({ role: z.enum(['admin', 'user']).optional(), email: email.optional(), unlock: z.literal(true).optional() }),
    response: { schema: z.object({ user: publicUser }) },
    errors: { 404: 'not_found', 409: 'last_admin, email_taken' },
    handler: async ({ params, body, scope }) => {
      const repo = scope.cradle.usersRepository;
      const user = await accountOr404(repo, params.id);
      if (body.role === 'user' && user.role === 'admin' && (await repo.countAdmins()) <= 1)
        throw conflict('last_admin', 'The last administrator cannot lose the role');
      // The address first: a taken one refuses the whole change before anything is written.
      if (body.email) await scope.cradle.accountService.changeEmail(user, body.email);
      await repo.update(user.id, {
        ...(body.role ? { role: body.role } : {}),
        ...(body.unlock ? { lockedUntil: null, failedLogins: 0 } : {}),
      });
      return { user: toPublicUser((await repo.byId(user.id))!) };
    },
  });
  admin.route({
    method: 'delete',
    path: '/users/:id',
    summary: 'Delete an account',
    access: 'admin',
    params: userId,
    response: { status: 204 },
    errors: { 404: 'not_found', 409: 'last_admin' },
    handler: async ({ params, scope }) => {
      const user = await accountOr404(scope.cradle.usersRepository, params.id);
      await scope.cradle.accountService.deleteAccount(user, undefined, true);
    },
  });
  admin.route({
    method: 'post',
    path: '/users/:id/password-reset',
    summary: 'Mail the account a link to set a new password (its current password keeps working until then)',
    access: 'admin',
    params: userId,
    body: z.strictObject({}),
    response: { status: 204 },
    errors: { 404: 'not_found' },
    handler: async ({ params, scope, ctx }) => {
      const user = await accountOr404(scope.cradle.usersRepository, params.id);
      await scope.cradle.accountService.mailPasswordReset(user, originOf(ctx));
    },
  });
  admin.route({
    method: 'delete',
    path: '/users/:id/two-factor',
    summary: 'Turn off two-factor authentication for an account that lost its authenticator (recovery codes and trusted devices go too)',
    access: 'admin',
    params: userId,
    response: { status: 204 },
    errors: { 404: 'not_found', 409: 'two_factor_disabled' },
    handler: async ({ params, scope, ctx }) => {
      const user = await accountOr404(scope.cradle.usersRepository, params.id);
      await scope.cradle.twoFactorService.reset(user, originOf(ctx));
    },
  });
}
