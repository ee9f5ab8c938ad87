import { z } from 'zod';
import { badRequest } from '../../kernel/errors.js';
import { variableName, variableValue } from '../../protocol/server-spec.js';
import { parseLaravelRules } from './rules.js';
import { templateSchema, type Template } from './schema.js';

/** A config section: a JSON string in JSON exports, an object in Pelican's YAML-shaped ones. */
const configPart = z.union([z.string(), z.record(z.string(), z.unknown())]).nullish();
const flag = z.union([z.boolean(), z.number()]).nullish();

/**
 * The parts of an egg that Conductor reads, in every format Pterodactyl and Pelican export:
 * PTDL_v1 (one `image`, or `images`), PTDL_v2 (`docker_images` by display name), PLCN_v1/v2 (as
 * PTDL_v2, with `tags`, `uuid`, an `image` that may be null or an icon), and PLCN_v3
 * (`startup_commands` by name instead of `startup`, rules as lists). `docker_images` given as a
 * list is read too. Fields not listed here are ignored.
 */
export const pterodactylEgg = z
  .object({
    meta: z.object({
      version: z.enum(['PTDL_v1', 'PTDL_v2', 'PLCN_v1', 'PLCN_v2', 'PLCN_v3'], {
        error: 'expected a Pterodactyl or Pelican egg (meta.version PTDL_v1, PTDL_v2, PLCN_v1, PLCN_v2 or PLCN_v3)',
      }),
    }),
    name: z.string().min(1).max(128),
    author: z.string().max(256).nullish(),
    description: z.string().max(4000).nullish(),
    features: z.array(z.string()).nullish(),
    tags: z.array(z.string()).nullish(),
    docker_images: z.union([z.record(z.string(), z.string()), z.array(z.string())]).nullish(),
    images: z.array(z.string()).nullish(),
    image: z.string().nullish(),
    file_denylist: z.array(z.string()).nullish(),
    startup: z.string().min(1).max(4096).nullish(),
    startup_commands: z.record(z.string(), z.string().min(1).max(4096)).nullish(),
    config: z.object({ files: configPart, startup: configPart, logs: configPart, stop: z.string().nullish() }).default({}),
    scripts: z
      .object({
        installation: z
          .object({ script: z.string().nullish(), container: z.string().nullish(), entrypoint: z.string().nullish() })
          .nullish(),
      })
      .nullish(),
    variables: z
      .array(
        z.object({
          name: z.string(),
          description: z.string().nullish(),
          env_variable: z.string(),
          default_value: z.union([z.string(), z.number(), z.boolean()]).nullish(),
          user_viewable: flag,
          user_editable: flag,
          rules: z.union([z.string(), z.array(z.string())]).nullish(),
        }),
      )
      .default([]),
  })
  .refine((egg) => egg.startup || Object.keys(egg.startup_commands ?? {}).length > 0, {
    error: 'the egg has no startup command (startup or startup_commands)',
    path: ['startup'],
  });
export type Egg = z.output<typeof pterodactylEgg>;

export interface ImportResult {
  template: Template;
  /** What did not carry over exactly; shown to the admin who imported. */
  warnings: string[];
}

// Pterodactyl's and Pelican's placeholders for the server's own settings, in Conductor's names.
function translatePlaceholders(text: string): string {
  return text
    .replace(/\{\{\s*server\.build\.(?:memory|memory_limit)\s*\}\}/g, '{{SERVER_MEMORY}}')
    .replace(/\{\{\s*server\.(?:build\.default|allocations\.default)\.port\s*\}\}/g, '{{SERVER_PORT}}')
    .replace(/\{\{\s*server\.(?:build\.default|allocations\.default)\.ip\s*\}\}/g, '0.0.0.0')
    .replace(/\{\{\s*(?:server\.build\.|server\.)?(?:env|environment)\.([A-Za-z0-9_]+)\s*\}\}/g, '{{$1}}');
}

/** Images in the egg's order (the first is the default): by display name, as a list, or the legacy single image. */
function imagesOf(egg: Egg): Template['images'] {
  const named = (image: string) => ({ name: (image.split(':').pop() || image).slice(0, 64), image });
  if (Array.isArray(egg.docker_images)) return egg.docker_images.map(named);
  if (egg.docker_images && Object.keys(egg.docker_images).length > 0)
    return Object.entries(egg.docker_images).map(([name, image]) => ({ name: name.slice(0, 64), image }));
  // Pelican puts the egg's icon (a data: URL) in `image`; that is no Docker image.
  const legacy = egg.images ?? (egg.image && !egg.image.startsWith('data:') ? [egg.image] : []);
  return legacy.map(named);
}

/** A config section as an object: parsed when it came as a JSON string. */
function configObject<T>(raw: string | Record<string, unknown> | null | undefined, field: string): T | null {
  if (raw && typeof raw === 'object') return raw as T;
  return parseJsonField<T>(raw, field);
}

/** Laravel rules as one string; a list (Pelican) is joined with a regex rule last, so its own '|' stays inside it. */
function rulesText(rules: string | string[] | null | undefined): string {
  if (!Array.isArray(rules)) return rules ?? '';
  return [...rules.filter((r) => !r.startsWith('regex:')), ...rules.filter((r) => r.startsWith('regex:'))].join('|');
}

const SHELL_SYNTAX = /\$\(|\$\{|\[\[|&&|\|\||[;|<>`]/;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parseJsonField<T>(raw: string | null | undefined, field: string): T | null {
  if (!raw || !raw.trim()) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw badRequest('invalid_egg', `config.${field} is not valid JSON`);
  }
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'egg'
  );
}

function guessCategory(name: string, description: string): Template['category'] {
  const text = `${name} ${description}`.toLowerCase();
  if (/velocity|bungee|waterfall|proxy/.test(text)) return 'proxy';
  if (/forge|fabric|quilt|modpack|mod\b|mods\b/.test(text)) return 'modded';
  if (/paper|spigot|bukkit|purpur|folia|plugin/.test(text)) return 'plugins';
  return 'vanilla';
}

/** Converts a Pterodactyl or Pelican egg into a Conductor template, so a hoster brings their egg library along. */
export function importEgg(input: unknown, overrides: { id?: string; category?: Template['category'] } = {}): ImportResult {
  const parsed = pterodactylEgg.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(
      'invalid_egg',
      `Not an egg Conductor can read: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const egg = parsed.data;
  const warnings: string[] = [];

  const images = imagesOf(egg);
  if (images.length === 0) throw badRequest('invalid_egg', 'The egg names no Docker image');

  const commands = Object.entries(egg.startup_commands ?? {});
  if (!egg.startup && commands.length > 1)
    warnings.push(`The egg offers ${commands.length} startup commands; "${commands[0]![0]}" is used.`);
  const startup = translatePlaceholders(egg.startup ?? commands[0]![1]);
  const shell = SHELL_SYNTAX.test(startup.replace(/\{\{[^}]*\}\}/g, ''));
  if (shell)
    warnings.push(
      'The startup command uses shell syntax: it runs through /bin/sh -c, with variables passed only as environment variables.',
    );

  const startupConfig = configObject<{ done?: string | string[] }>(egg.config.startup, 'startup') ?? {};
  const done = Array.isArray(startupConfig.done) ? startupConfig.done : startupConfig.done ? [startupConfig.done] : [];
  if (done.length === 0) warnings.push('The egg has no "done" text; the server counts as running once its first line appears.');
  const donePattern = done.length ? done.map(escapeRegex).join('|') : '.';

  const files = configObject<Record<string, { parser?: string; find?: Record<string, unknown> }>>(egg.config.files, 'files') ?? {};
  const configFiles: Template['configFiles'] = [];
  for (const [file, edit] of Object.entries(files)) {
    const parser = edit.parser ?? 'file';
    if (!['properties', 'json', 'yaml', 'ini', 'file'].includes(parser)) {
      warnings.push(`Config file ${file} uses the "${parser}" parser, which Conductor does not support; it is left out.`);
      continue;
    }
    const set: Record<string, string> = {};
    for (const [key, value] of Object.entries(edit.find ?? {})) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        set[key] = translatePlaceholders(String(value));
      else warnings.push(`Config file ${file}: the rule for "${key}" is not a plain value and is left out.`);
    }
    configFiles.push({ file, parser: parser as Template['configFiles'][number]['parser'], set });
  }

  const variables: Template['variables'] = [];
  for (const v of egg.variables) {
    const env = v.env_variable.trim();
    if (!variableName.safeParse(env).success)
      throw badRequest('invalid_egg', `Variable ${env} must be an upper-case name such as SERVER_JARFILE`);
    const { rules, unknown } = parseLaravelRules(rulesText(v.rules));
    if (unknown.length) warnings.push(`Variable ${env}: rules not carried over: ${unknown.join(', ')}`);
    // YAML exports carry booleans and numbers; the server gets them as text, as Pterodactyl passes them.
    const def = v.default_value === null || v.default_value === undefined ? '' : String(v.default_value);
    if (def && !variableValue.safeParse(def).success)
      warnings.push(
        `Variable ${env}: the default value has characters Conductor does not pass to servers; set another value before creating a server.`,
      );
    variables.push({
      env,
      name: v.name.slice(0, 128),
      description: (v.description ?? '').replace(/\r\n/g, '\n'),
      default: def.slice(0, 256),
      userViewable: Boolean(v.user_viewable ?? true),
      userEditable: Boolean(v.user_editable ?? true),
      rules,
    });
  }

  const installation = egg.scripts?.installation;
  const install =
    installation?.script && installation.container
      ? {
          image: installation.container,
          entrypoint: [installation.entrypoint || 'bash'],
          script: installation.script.replace(/\r\n/g, '\n'),
        }
      : undefined;

  const stop = egg.config.stop?.trim() || 'stop';
  const description = (egg.description ?? '').replace(/\r\n/g, '\n');
  const pelican = egg.meta.version.startsWith('PLCN');
  const eggTags = (egg.tags ?? []).map((tag) => tag.toLowerCase().slice(0, 40)).filter(Boolean);
  const parsedTemplate = templateSchema.safeParse({
    id: overrides.id ?? slug(egg.name),
    name: egg.name,
    description,
    author: egg.author ?? '',
    category: overrides.category ?? guessCategory(egg.name, description),
    tags: [...new Set(['imported', pelican ? 'pelican' : 'pterodactyl', ...eggTags])].slice(0, 32),
    popularity: 0,
    images,
    startup,
    shell,
    donePattern,
    stopCommand: stop,
    variables,
    configFiles,
    install,
    denyFiles: egg.file_denylist ?? [],
    features: (egg.features ?? []).slice(0, 32),
  });
  if (!parsedTemplate.success) {
    const issue = parsedTemplate.error.issues[0]!;
    throw badRequest('invalid_egg', `The egg does not make a valid template: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return { template: parsedTemplate.data, warnings };
}
