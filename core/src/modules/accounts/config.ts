import { z } from 'zod';

const rule = (max: number, windowSeconds: number) =>
  z.object({ max: z.number().int().min(1), windowSeconds: z.number().int().min(1) }).default({ max, windowSeconds });

const provider = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Override a preset's endpoints, or give all three for a generic OAuth2/OIDC provider. */
  authorizeUrl: z.url().optional(),
  tokenUrl: z.url().optional(),
  userinfoUrl: z.url().optional(),
  /** GitHub only: where verified addresses are listed when the profile has none. */
  emailsUrl: z.url().optional(),
  scope: z.string().optional(),
});

/** `plugins.auth` in the config file, or CONDUCTOR_PLUGIN_AUTH as JSON. */
export const authConfigSchema = z.object({
  /** scrypt's N: 2^15 takes ~32 MiB and ~60 ms per hash on one core; raise it as hardware allows. */
  scryptCost: z
    .number()
    .int()
    .min(1024)
    .max(1_048_576)
    .refine((n) => (n & (n - 1)) === 0, { error: 'expected a power of two' })
    .default(32_768),
  sessionTtlHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  trustedDeviceDays: z.number().int().min(1).max(365).default(30),
  lockAfterFailures: z.number().int().min(1).default(10),
  lockMinutes: z.number().int().min(1).default(15),
  limits: z
    .object({
      signInPerIp: rule(30, 900),
      signInPerAccount: rule(20, 900),
      twoFactorPerAccount: rule(10, 900),
      resetPerIp: rule(10, 3600),
      resetPerAccount: rule(3, 3600),
      signUpPerIp: rule(10, 3600),
    })
    .prefault({}),
  oauth: z.partialRecord(z.enum(['discord', 'google', 'github']), provider).default({}),
});

export type AuthConfig = z.output<typeof authConfigSchema>;
export type RateRule = AuthConfig['limits']['signInPerIp'];
export type OAuthProviderConfig = z.output<typeof provider>;
