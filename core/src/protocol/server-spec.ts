import { z } from 'zod';

/** Server ids are chosen by the panel; they name containers, networks and folders on the node. */
export const serverId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { error: 'expected 3-63 lower-case letters, digits and dashes' });

/**
 * Variable values end up as arguments of the game's command line. They are substituted per
 * argument (never through a shell), and still limited to characters no launcher treats specially.
 */
export const variableValue = z
  .string()
  .max(256)
  .regex(/^[A-Za-z0-9 ._:/=,@+-]*$/, { error: 'may only contain letters, digits, spaces and . _ : / = , @ + -' });

export const variableName = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, { error: 'expected an upper-case name such as SERVER_JARFILE' });

export const portBinding = z.object({
  /** Host address of the allocation; 0.0.0.0 for every address of the node. */
  ip: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65535),
  /** Port inside the container; the game port unless given. */
  containerPort: z.number().int().min(1).max(65535).optional(),
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
});

export const resourceLimits = z.object({
  memoryMb: z.number().int().min(64).max(1_048_576),
  /** Extra swap beyond memory; 0 disables swap, -1 leaves it unlimited. */
  swapMb: z.number().int().min(-1).max(1_048_576).default(0),
  /** 100 = one core. */
  cpuPercent: z.number().int().min(1).max(100_000).default(100),
  /** Block IO weight, 10-1000. */
  ioWeight: z.number().int().min(10).max(1000).default(500),
  pids: z.number().int().min(16).max(32_768).default(512),
  /** Disk quota for the server's files. */
  diskMb: z.number().int().min(1).max(16_777_216).default(10_240),
});

export const installSpec = z.object({
  image: z.string().min(1).max(255),
  /** Interpreter the script is piped to, e.g. ["bash"] or ["sh"]. */
  entrypoint: z.array(z.string().min(1)).min(1).max(8),
  script: z.string().max(200_000),
});

export const serverSpec = z.object({
  id: serverId,
  image: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[a-z0-9._/:@-]+$/i, { error: 'expected a Docker image reference' }),
  /** Startup command with {{VARIABLE}} placeholders, split into arguments before substitution. */
  startup: z.string().min(1).max(4096),
  /**
   * Run the startup command with /bin/sh -c (for commands that need shell syntax). Placeholders
   * are then not substituted into the text: the shell reads the values from the environment
   * ("${NAME}"), so a value is never parsed as shell code.
   */
  shell: z.boolean().default(false),
  variables: z.record(variableName, variableValue).default({}),
  environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(4096)).default({}),
  ports: z.array(portBinding).min(1).max(32),
  /** The game's port inside the container (Server List Ping and the default containerPort). */
  gamePort: z.number().int().min(1).max(65535).default(25565),
  limits: resourceLimits,
  /** A console line matching this marks the server running. */
  donePattern: z.string().min(1).max(512),
  /** Written to stdin to stop the server gracefully; `^C` sends SIGINT, `^SIGTERM` (etc.) that signal. */
  stopCommand: z.string().min(1).max(256).default('stop'),
  stopTimeoutSeconds: z.number().int().min(1).max(3600).default(30),
  /**
   * Console patterns with a `name` group for player joins and leaves. The defaults start at a word
   * boundary: run on every line of a flooding console, a name tried at every character and
   * backtracked cost the agent a sixth of a core at 20,000 lines a second.
   */
  playerPatterns: z.object({ joined: z.string().max(512), left: z.string().max(512) }).default({
    joined: '\\b(?<name>[A-Za-z0-9_]{1,16})(?: \\([^)]*\\))? (?:joined the game|connected)',
    left: '\\b(?<name>[A-Za-z0-9_]{1,16}) (?:left the game|disconnected)',
  }),
  install: installSpec.optional(),
  /** Restart after a crash, unless the previous crash was less than windowSeconds ago (the agent's CRASH_WINDOW_SECONDS when unset). */
  crashRestart: z
    .object({ enabled: z.boolean().default(true), windowSeconds: z.number().int().min(0).max(86_400).optional() })
    .default({ enabled: true }),
  /** Files users may not read or change (globs relative to the server root). */
  denyFiles: z.array(z.string().max(512)).max(256).default([]),
});

export type ServerSpec = z.output<typeof serverSpec>;
export type ServerSpecInput = z.input<typeof serverSpec>;
export type PortBinding = z.output<typeof portBinding>;
export type ResourceLimits = z.output<typeof resourceLimits>;
