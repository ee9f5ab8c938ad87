import type { OAuthProviderConfig } from '../config.js';

export type ProviderName = 'discord' | 'google' | 'github';

export interface ProviderEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  emailsUrl?: string;
  scope: string;
}

/** The public endpoints of each provider; any of them can be overridden in the config. */
const PRESETS: Record<ProviderName, ProviderEndpoints> = {
  discord: {
    authorizeUrl: 'https://discord.com/oauth2/authorize',
    tokenUrl: 'https://discord.com/api/oauth2/token',
    userinfoUrl: 'https://discord.com/api/users/@me',
    scope: 'identify email',
  },
  google: {
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    scope: 'openid email profile',
  },
  github: {
    authorizeUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    userinfoUrl: 'https://api.github.com/user',
    emailsUrl: 'https://api.github.com/user/emails',
    scope: 'read:user user:email',
  },
};

export function endpointsOf(name: ProviderName, config: OAuthProviderConfig): ProviderEndpoints {
  const preset = PRESETS[name];
  return {
    authorizeUrl: config.authorizeUrl ?? preset.authorizeUrl,
    tokenUrl: config.tokenUrl ?? preset.tokenUrl,
    userinfoUrl: config.userinfoUrl ?? preset.userinfoUrl,
    emailsUrl: config.emailsUrl ?? preset.emailsUrl,
    scope: config.scope ?? preset.scope,
  };
}

export interface ExternalProfile {
  subject: string;
  email: string | null;
  /** Whether the provider vouches that the person controls `email`. */
  emailVerified: boolean;
}

/**
 * One reading of the three profile shapes: OIDC (`sub`, `email_verified`: Google), Discord
 * (`id`, `verified`), GitHub (`id`; verified addresses come from a separate list).
 */
export function readProfile(
  raw: Record<string, unknown>,
  emails?: Array<{ email: string; primary: boolean; verified: boolean }>,
): ExternalProfile | null {
  const subject = raw.sub ?? raw.id;
  if (typeof subject !== 'string' && typeof subject !== 'number') return null;
  if (emails) {
    const chosen = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified);
    if (chosen) return { subject: String(subject), email: chosen.email, emailVerified: true };
  }
  const email = typeof raw.email === 'string' ? raw.email : null;
  const verified = raw.email_verified ?? raw.verified;
  return { subject: String(subject), email, emailVerified: email !== null && (verified === true || verified === 'true') };
}
