import { z } from 'zod';

/**
 * What the account routes answer with. Pure zod, no kernel: the panel UI takes its types from here
 * (type-only, through its `@api/*` path).
 */

/** An account as the API shows it: never a hash, a secret or a token. */
export const publicUser = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(['admin', 'user']),
  emailVerified: z.boolean(),
  twoFactorEnabled: z.boolean(),
  locked: z.boolean(),
  timeZone: z.string().nullable(),
  createdAt: z.string(),
});
export type PublicUser = z.output<typeof publicUser>;

/** A finished sign-in (password, second factor or OAuth). */
export const loginAnswer = z.object({ user: publicUser, csrfToken: z.string(), twoFactorSetupRequired: z.boolean() });
export type LoginAnswer = z.output<typeof loginAnswer>;

export const meAnswer = z.object({
  user: publicUser,
  via: z.enum(['session', 'api_key']),
  twoFactorSetupRequired: z.boolean(),
  csrfToken: z.string().nullable(),
  hasPassword: z.boolean().describe('False for an account that signs in only through OAuth (deleting it needs no password)'),
});
export type MeAnswer = z.output<typeof meAnswer>;

export const authSettingsSchema = z.object({
  registrationOpen: z.boolean().describe('Anyone may sign up; when false only admins create accounts'),
  requireTwoFactor: z.enum(['off', 'admins', 'everyone']).describe('Who must enrol a second factor before using the panel'),
});
export type AuthSettings = z.output<typeof authSettingsSchema>;
/** The admin users list's orders; a leading '-' reverses. */
export const userSort = z.enum(['createdAt', '-createdAt', 'email', '-email']);
export type UserSort = z.output<typeof userSort>;
export const authSettingsView = authSettingsSchema.extend({
  registrationChosen: z
    .boolean()
    .describe('An admin has chosen whether sign-up is open; until then a fresh panel keeps it closed and asks its admins'),
});
export type AuthSettingsView = z.output<typeof authSettingsView>;

export const securityEvent = z.object({
  id: z.number().int(),
  type: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string().describe('UTC'),
});
export type SecurityEvent = z.output<typeof securityEvent>;

export const deviceView = z.object({
  id: z.number().int(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  trustedUntil: z.string().nullable().describe('Until when this device skips the second factor'),
});
export type DeviceView = z.output<typeof deviceView>;

export const sessionView = z.object({
  id: z.string().describe('Not the cookie: a hash of it, usable only to end the session'),
  current: z.boolean(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type SessionView = z.output<typeof sessionView>;

export const apiKeyView = z.object({
  id: z.string(),
  kind: z.enum(['client', 'application']),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key'),
  allowedIps: z.array(z.string()),
  scope: z
    .string()
    .nullable()
    .describe('The scope the key is limited to, such as team:<id> (the teams plugin); null for your whole account'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  lastUsedIp: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyView = z.output<typeof apiKeyView>;

/** A subuser of a server: another account with some of its permission keys. */
export const subuserView = z.object({ userId: z.string(), email: z.string(), permissions: z.array(z.string()), createdAt: z.string() });
export type SubuserView = z.output<typeof subuserView>;

/** The permission keys the caller holds on one server (every key for its owner and admins). */
export const serverAccess = z.object({ owner: z.boolean().describe('Owner or admin: holds every key'), permissions: z.array(z.string()) });
export type ServerAccess = z.output<typeof serverAccess>;

/** A new API key: the key itself is in this answer only. */
export const apiKeyCreated = z.object({ key: z.string().describe('Shown once; store it now'), apiKey: apiKeyView });
export type ApiKeyCreated = z.output<typeof apiKeyCreated>;

export const twoFactorSetup = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  qrCode: z.string().describe('PNG data URL of the otpauth URL'),
});
export type TwoFactorSetup = z.output<typeof twoFactorSetup>;

export const recoveryCodes = z.object({ recoveryCodes: z.array(z.string()).length(10).describe('Shown once; each works once') });
export type RecoveryCodes = z.output<typeof recoveryCodes>;

export const signupStatus = z.object({ registrationOpen: z.boolean() });
export type SignupStatus = z.output<typeof signupStatus>;

export const oauthProviders = z.object({ providers: z.array(z.enum(['discord', 'google', 'github'])) });
export type OauthProviders = z.output<typeof oauthProviders>;
