import { z } from 'zod';

/** An extra port for a server: one of its node's free allocations, by port (and ip), or the first free one when empty. */
export const extraPortBody = z.strictObject({
  port: z.number().int().min(1).max(65535).optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
});
export type ExtraPortBody = z.output<typeof extraPortBody>;
