import { z } from 'zod';

/** The account that takes a server over: by its id or by its email address, one of the two. */
export const ownerChangeBody = z
  .strictObject({
    ownerId: z.uuid({ error: 'expected an account id' }).optional(),
    email: z.email({ error: 'expected an email address' }).max(320).optional(),
  })
  .refine((b) => (b.ownerId === undefined) !== (b.email === undefined), { error: 'give ownerId or email, one of the two' });
export type OwnerChangeBody = z.output<typeof ownerChangeBody>;
