import { z } from 'zod';

/** A custom domain of a server, with the DNS records it needs to point at the edge and to be verified. */
export const domainView = z.object({
  hostname: z.string(),
  verified: z.boolean(),
  verifiedAt: z.string().nullable(),
  checkedAt: z.string().nullable(),
  checkError: z.string().nullable(),
  records: z.array(z.object({ type: z.enum(['CNAME', 'A', 'AAAA', 'SRV', 'TXT']), name: z.string(), value: z.string() })),
});
export type DomainView = z.output<typeof domainView>;
