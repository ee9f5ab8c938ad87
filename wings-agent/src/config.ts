import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, describeConfigIssue } from '@conductor/core/shared';

const intFrom = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}` });

export const agentConfigSchema = z.object({
  /** The node token the panel authenticates with; optional only on a node that joins with AGENT_JOIN_TOKEN. */
  AGENT_TOKEN: z.string().min(32, { error: 'expected at least 32 characters' }).optional(),
  /**
   * A one-time join token (a machine the panel provisioned): on first start the agent trades it at
   * CONDUCTOR_PANEL_URL for a node and that node's token, then forgets it.
   */
  AGENT_JOIN_TOKEN: z
    .string()
    .regex(/^cdj_[A-Za-z0-9_-]{32,}$/, { error: 'expected a join token the panel issued (cdj_...)' })
    .optional(),
  /** The panel this node belongs to (where a join token is traded). */
  CONDUCTOR_PANEL_URL: z.url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' }).optional(),
  AGENT_PORT: intFrom(0, 65535).default(8443),
  AGENT_HOST: z.string().min(1).default('0.0.0.0'),
  AGENT_DATA_DIR: z.string().min(1).default('./data/agent'),
  AGENT_TLS_CERT: z.string().optional(),
  AGENT_TLS_KEY: z.string().optional(),
  DOCKER_SOCKET: z.string().min(1).default('/var/run/docker.sock'),
  /** Docker network the game containers join; created when missing. */
  AGENT_NETWORK: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/)
    .default('conductor0'),
  /**
   * Game containers are named <prefix><server id>. Two agents on one Docker engine (a test of a
   * transfer between nodes) need different prefixes, or one would remove the other's container.
   */
  AGENT_CONTAINER_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,40}$/)
    .default('conductor-'),
  /** uid:gid the game processes run as, and the owner of their files. */
  AGENT_SERVER_USER: z
    .string()
    .regex(/^\d+:\d+$/, { error: 'expected uid:gid such as 1000:1000' })
    .default('1000:1000'),
  CRASH_WINDOW_SECONDS: intFrom(0, 86_400).default(60),
  CONSOLE_HISTORY_LINES: intFrom(10, 100_000).default(500),
  /** A server printing more than this many lines a second has the rest summarised. */
  CONSOLE_MAX_LINES_PER_SECOND: intFrom(10, 100_000).default(200),
  STATS_INTERVAL_MS: intFrom(100, 60_000).default(1000),
  PING_INTERVAL_MS: intFrom(500, 600_000).default(5000),
  /** How often server files are measured against their disk quota. */
  QUOTA_INTERVAL_MS: intFrom(1000, 3_600_000).default(30_000),
  /** Most folder levels below a server's root that mkdir, a move, a copy or an extraction may create (path_too_deep beyond). */
  AGENT_FILES_MAX_DEPTH: intFrom(8, 1024).default(128),
  /** Space (MiB) a backup on this node's disk must leave free; a backup that would not fit is refused. */
  AGENT_BACKUP_RESERVE_MB: intFrom(0, 16_777_216).default(1024),
  /** How long a backup of a running server waits for the game's "Saved the game" after save-all flush; it then archives anyway. */
  AGENT_BACKUP_SAVE_TIMEOUT_SECONDS: intFrom(1, 3600).default(60),
  /**
   * Stop when standard input closes. A panel that runs the agent as its child (the `local` node)
   * sets it and holds the other end of the pipe, so the agent ends with its panel, even a killed one.
   */
  AGENT_EXIT_WITH_STDIN: z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  /** The Minecraft edge proxy: the shared port where servers are told apart by hostname (0: any free port). */
  EDGE_ENABLED: z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .default('true')
    .transform((v) => v === 'true'),
  EDGE_HOST: z.string().min(1).default('0.0.0.0'),
  /** `off`: no shared port (sleeping servers are still answered on their own ports). Keep it out of the node's allocations. */
  EDGE_PORT: z
    .union([z.literal('off'), intFrom(0, 65535)], { error: 'expected a port from 0 to 65535, or off' })
    .default(25565)
    .transform((v) => (v === 'off' ? null : v)),
  /** A client must finish its handshake (and a sleeping server's status or login packet) within this. */
  EDGE_HANDSHAKE_TIMEOUT_MS: intFrom(100, 60_000).default(5000),
  /** How long a player joining a sleeping server is held while it starts (the client gives up at 30 s). */
  EDGE_HOLD_SECONDS: intFrom(1, 29).default(25),
  /** New connections one address may open per 10 seconds; the rest are closed at once. */
  EDGE_CONNECTIONS_PER_10S: intFrom(1, 100_000).default(30),
  /** Wakes of sleeping servers one address may cause per minute. */
  EDGE_WAKES_PER_MINUTE: intFrom(1, 1000).default(3),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
      error: 'expected trace, debug, info, warn, error, fatal or silent',
    })
    .default('info'),
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json'], { error: 'expected auto, pretty or json' }).default('auto'),
});

export type AgentConfig = z.output<typeof agentConfigSchema>;

const KEYS = Object.keys(agentConfigSchema.shape);

/** Environment over an optional JSON file (AGENT_CONFIG_FILE); a bad value is one line naming the key. */
export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env, overrides: Record<string, unknown> = {}): AgentConfig {
  let fromFile: Record<string, unknown> = {};
  const file = env.AGENT_CONFIG_FILE;
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`Configuration error: AGENT_CONFIG_FILE: cannot read ${file} (ENOENT)`);
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`Configuration error: AGENT_CONFIG_FILE: ${file} is not valid JSON (${(err as Error).message})`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const key of KEYS) if (env[key] !== undefined && env[key] !== '') fromEnv[key] = env[key];
  const input = { ...fromFile, ...fromEnv, ...overrides };
  const parsed = agentConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(describeConfigIssue('Configuration error', parsed.error, input));
  if (!parsed.data.AGENT_TOKEN && !parsed.data.AGENT_JOIN_TOKEN)
    throw new ConfigError('Configuration error: AGENT_TOKEN: is required: the node token the panel authenticates with');
  if (parsed.data.AGENT_JOIN_TOKEN && !parsed.data.CONDUCTOR_PANEL_URL)
    throw new ConfigError('Configuration error: CONDUCTOR_PANEL_URL: is required with AGENT_JOIN_TOKEN: the panel that issued it');
  if (Boolean(parsed.data.AGENT_TLS_CERT) !== Boolean(parsed.data.AGENT_TLS_KEY)) {
    throw new ConfigError('Configuration error: AGENT_TLS_CERT: set both AGENT_TLS_CERT and AGENT_TLS_KEY, or neither');
  }
  return parsed.data;
}
