import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const booleanFromEnv = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

const listFromEnv = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

const intFromEnv = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}` });

export const coreConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'expected development, production or test' }).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: intFromEnv(0, 65535).default(8080),
    PUBLIC_URL: z.url({ error: 'expected an absolute http(s) URL' }).optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'expected a postgres:// or postgresql:// URL (leave unset for SQLite)' })
      .optional(),
    LOG_LEVEL: z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
        error: 'expected trace, debug, info, warn, error, fatal or silent',
      })
      .default('info'),
    LOG_FORMAT: z.enum(['auto', 'pretty', 'json'], { error: 'expected auto, pretty or json' }).default('auto'),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, { error: 'expected a size such as 512kb or 1mb' })
      .default('1mb'),
    TRUST_PROXY: booleanFromEnv.default(false),
    PLUGINS_DIR: z.string().min(1).optional(),
    PLUGINS_DISABLED: listFromEnv.default([]),
    /** Plugins without which the panel is not ready (/readyz 503), besides the core modules. */
    PLUGINS_REQUIRED: listFromEnv.default([]),
    ADMIN_TOKEN: z.string().min(32, { error: 'expected at least 32 characters' }).optional(),
    SECRET_KEY: z.string().min(32, { error: 'expected at least 32 characters' }).optional(),
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: intFromEnv(1, 65535).default(587),
    SMTP_SECURE: booleanFromEnv.default(false),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASS: z.string().min(1).optional(),
    SMTP_FROM: z.string().min(3).default('Conductor <conductor@localhost>'),
    SHUTDOWN_TIMEOUT_MS: intFromEnv(100, 600_000).default(10_000),
    EVENTS_POLL_MS: intFromEnv(10, 60_000).default(250),
    LEADER_POLL_MS: intFromEnv(50, 60_000).default(2_000),
    CONFIG_FILE: z.string().optional(),
    /** `auto`: when Docker answers on DOCKER_SOCKET, run an agent on this machine as the `local` node. */
    LOCAL_AGENT: z.enum(['auto', 'off'], { error: 'expected auto or off' }).default('auto'),
    LOCAL_AGENT_PORT: intFromEnv(1, 65535).default(8443),
    DOCKER_SOCKET: z.string().min(1).default('/var/run/docker.sock'),
    /** Bearer token for GET /metrics; without it, METRICS_ALLOW decides. */
    METRICS_TOKEN: z.string().min(32, { error: 'expected at least 32 characters' }).optional(),
    /** Addresses or CIDR ranges that may read /metrics without a token. */
    METRICS_ALLOW: listFromEnv.default(['127.0.0.1', '::1']),
    plugins: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .superRefine((config, ctx) => {
    const both = config.PLUGINS_REQUIRED.find((name) => config.PLUGINS_DISABLED.includes(name));
    if (both)
      ctx.addIssue({
        code: 'custom',
        path: ['PLUGINS_REQUIRED'],
        message: `"${both}" is also in PLUGINS_DISABLED; a plugin cannot be both`,
        input: config.PLUGINS_REQUIRED,
      });
  });

export type CoreConfig = z.output<typeof coreConfigSchema>;

/** Raised for a bad configuration value; its message is the single line an operator needs. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Formats a zod failure as one line naming the key, what was expected and what was given. */
export function describeConfigIssue(prefix: string, error: z.ZodError, input: Record<string, unknown>): string {
  const issue = error.issues[0]!;
  const key = issue.path.map(String).join('.');
  let got: unknown = input;
  for (const part of issue.path) got = got && typeof got === 'object' ? (got as Record<string, unknown>)[part as string] : undefined;
  const shown = got === undefined ? 'nothing' : JSON.stringify(got);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${prefix}: ${key || '(root)'}: ${issue.message}, got ${shown}${more}`;
}

const CORE_KEYS = Object.keys(coreConfigSchema.shape);

/**
 * Configuration comes from an optional JSON file (CONFIG_FILE, or conductor.config.json in the
 * working directory) overlaid by the environment: the environment wins so a container or systemd
 * unit can override one key without editing the file.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, unknown>> = {}): CoreConfig {
  const filePath = env.CONFIG_FILE ?? (existsSync('conductor.config.json') ? 'conductor.config.json' : undefined);
  let fromFile: Record<string, unknown> = {};
  if (filePath) {
    let text: string;
    try {
      text = readFileSync(path.resolve(filePath), 'utf8');
    } catch (err) {
      throw new ConfigError(
        `Configuration error: CONFIG_FILE: cannot read ${filePath} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`Configuration error: CONFIG_FILE: ${filePath} is not valid JSON (${(err as Error).message})`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const key of CORE_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const pluginEnv = pluginConfigFromEnv(env);
  const input: Record<string, unknown> = { ...fromFile, ...fromEnv, ...overrides };
  if (Object.keys(pluginEnv).length > 0) {
    const filePlugins = (fromFile.plugins ?? {}) as Record<string, Record<string, unknown>>;
    const merged: Record<string, Record<string, unknown>> = { ...filePlugins };
    for (const [name, values] of Object.entries(pluginEnv)) merged[name] = { ...(merged[name] ?? {}), ...values };
    input.plugins = merged;
  }
  const parsed = coreConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(describeConfigIssue('Configuration error', parsed.error, input));
  return parsed.data;
}

/** CONDUCTOR_PLUGIN_<NAME>='{"key":"value"}' sets a plugin's config from the environment. */
function pluginConfigFromEnv(env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^CONDUCTOR_PLUGIN_([A-Z0-9_]+)$/.exec(key);
    if (!match || !value) continue;
    const name = match[1]!.toLowerCase().replace(/_/g, '-');
    try {
      const parsed: unknown = JSON.parse(value);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      out[name] = parsed as Record<string, unknown>;
    } catch {
      throw new ConfigError(`Configuration error: ${key}: expected a JSON object, got ${JSON.stringify(value)}`);
    }
  }
  return out;
}
