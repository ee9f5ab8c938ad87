import { Resolver } from 'node:dns/promises';

/** Where the TXT record that proves a domain's ownership lives. */
export const verificationName = (hostname: string) => `_conductor.${hostname}`;

/**
 * Whether the domain's TXT record holds the token, asked of the configured resolvers (the
 * system's when none are set). Any DNS failure is an answer ("not yet"), never an exception.
 */
export async function txtHoldsToken(
  hostname: string,
  token: string,
  servers: string[],
): Promise<{ verified: boolean; error: string | null }> {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers.length) resolver.setServers(servers);
  try {
    const records = (await resolver.resolveTxt(verificationName(hostname))).map((chunks) => chunks.join(''));
    return records.includes(token)
      ? { verified: true, error: null }
      : { verified: false, error: `TXT ${verificationName(hostname)} does not hold the token` };
  } catch (err) {
    return {
      verified: false,
      error: `TXT ${verificationName(hostname)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    };
  }
}
