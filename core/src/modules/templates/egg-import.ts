import { z } from 'zod';
import { badRequest } from '../../kernel/errors.js';
import { variableName, variableValue } from '../../protocol/server-spec.js';
import { parseLaravelRules } from './rules.js';
import { templateSchema, type Template } from './schema.js';

/** The parts of a Pterodactyl egg (PTDL_v1 or PTDL_v2) that Conductor reads. */
export const pterodactylEgg = z.object({
  meta: z.object({ version: z.enum(['PTDL_v1', 'PTDL_v2'], { error: 'expected a Pterodactyl egg (meta.version PTDL_v1 or PTDL_v2)' }) }),
  name: z.string().min(1).max(128),
  author: z.string().max(256).nullish(),
  description: z.string().max(4000).nullish(),
  features: z.array(z.string()).nullish(),
  docker_images: z.record(z.string(), z.string()).optional(),
  images: z.array(z.string()).optional(),
  image: z.string().optional(),
  file_denylist: z.array(z.string()).nullish(),
  startup: z.string().min(1).max(4096),
  config: z.object({
    files: z.string().nullish(),
    startup: z.string().nullish(),
    logs: z.string().nullish(),
    stop: z.string().nullish(),
  }),
  scripts: z
    .object({ installation: z.object({ script: z.string().nullish(), container: z.string().nullish(), entrypoint: z.string().nullish() }).nullish() })
    .nullish(),
  variables: z
    .array(
      z.object({
        name: z.string(),
        description: z.string().nullish(),
        env_variable: z.string(),
        default_value: z.union([z.string(), z.number()]).nullish(),
        user_viewable: z.union([z.boolean(), z.number()]).nullish(),
        user_editable: z.union([z.boolean(), z.number()]).nullish(),
        rules: z.string().nullish(),
      }),
    )
    .default([]),
});

export interface ImportResult {
  template: Template;
  /** What did not carry over exactly; shown to the admin who imported. */
  warnings: string[];
}

// Pterodactyl's placeholders for the server's own settings, in Conductor's names.
function translatePlaceholders(text: string): string {
  return text
    .replace(/\{\{\s*server\.build\.memory\s*\}\}/g, '{{SERVER_MEMORY}}')
    .replace(/\{\{\s*server\.build\.default\.port\s*\}\}/g, '{{SERVER_PORT}}')
    .replace(/\{\{\s*server\.build\.default\.ip\s*\}\}/g, '0.0.0.0')
    .replace(/\{\{\s*(?:server\.build\.)?env\.([A-Za-z0-9_]+)\s*\}\}/g, '{{$1}}');
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
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'egg';
}

function guessCategory(name: string, description: string): Template['category'] {
  const text = `${name} ${description}`.toLowerCase();
  if (/velocity|bungee|waterfall|proxy/.test(text)) return 'proxy';
  if (/forge|fabric|quilt|modpack|mod\b|mods\b/.test(text)) return 'modded';
  if (/paper|spigot|bukkit|purpur|folia|plugin/.test(text)) return 'plugins';
  return 'vanilla';
}

/** Converts a Pterodactyl egg into a Conductor template, so a hoster brings their egg library along. */
export function importEgg(input: unknown, overrides: { id?: string; category?: Template['category'] } = {}): ImportResult {
  const parsed = pterodactylEgg.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest('invalid_egg', `Not an egg Conductor can read: ${issue.path.join('.') || '(root)'}: ${issue.message}`, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  const egg = parsed.data;
  const warnings: string[] = [];

  const images = egg.docker_images
    ? Object.entries(egg.docker_images).map(([name, image]) => ({ name, image }))
    : (egg.images ?? (egg.image ? [egg.image] : [])).map((image) => ({ name: image.split(':').pop() ?? image, image }));
  if (images.length === 0) throw badRequest('invalid_egg', 'The egg names no Docker image');

  const startup = translatePlaceholders(egg.startup);
  const shell = SHELL_SYNTAX.test(startup.replace(/\{\{[^}]*\}\}/g, ''));
  if (shell) warnings.push('The startup command uses shell syntax: it runs through /bin/sh -c, with variables passed only as environment variables.');

  const startupConfig = parseJsonField<{ done?: string | string[] }>(egg.config.startup, 'startup') ?? {};
  const done = Array.isArray(startupConfig.done) ? startupConfig.done : startupConfig.done ? [startupConfig.done] : [];
  if (done.length === 0) warnings.push('The egg has no "done" text; the server counts as running once its first line appears.');
  const donePattern = done.length ? done.map(escapeRegex).join('|') : '.';

  const files = parseJsonField<Record<string, { parser?: string; find?: Record<string, unknown> }>>(egg.config.files, 'files') ?? {};
  const configFiles: Template['configFiles'] = [];
  for (const [file, edit] of Object.entries(files)) {
    const parser = edit.parser ?? 'file';
    if (!['properties', 'json', 'yaml', 'ini', 'file'].includes(parser)) {
      warnings.push(`Config file ${file} uses the "${parser}" parser, which Conductor does not support; it is left out.`);
      continue;
    }
    const set: Record<string, string> = {};
    for (const [key, value] of Object.entries(edit.find ?? {})) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') set[key] = translatePlaceholders(String(value));
      else warnings.push(`Config file ${file}: the rule for "${key}" is not a plain value and is left out.`);
    }
    configFiles.push({ file, parser: parser as Template['configFiles'][number]['parser'], set });
  }

  const variables: Template['variables'] = [];
  for (const v of egg.variables) {
    const env = v.env_variable.trim();
    if (!variableName.safeParse(env).success) throw badRequest('invalid_egg', `Variable ${env} must be an upper-case name such as SERVER_JARFILE`);
    const { rules, unknown } = parseLaravelRules(v.rules ?? '');
    if (unknown.length) warnings.push(`Variable ${env}: rules not carried over: ${unknown.join(', ')}`);
    const def = v.default_value === null || v.default_value === undefined ? '' : String(v.default_value);
    if (def && !variableValue.safeParse(def).success) warnings.push(`Variable ${env}: the default value has characters Conductor does not pass to servers; set another value before creating a server.`);
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
      ? { image: installation.container, entrypoint: [installation.entrypoint || 'bash'], script: installation.script.replace(/\r\n/g, '\n') }
      : undefined;

  const stop = egg.config.stop?.trim() || 'stop';
  const description = (egg.description ?? '').replace(/\r\n/g, '\n');
  const template = templateSchema.parse({
    id: overrides.id ?? slug(egg.name),
    name: egg.name,
    description,
    author: egg.author ?? '',
    category: overrides.category ?? guessCategory(egg.name, description),
    tags: ['imported', 'pterodactyl'],
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
    features: egg.features ?? [],
  });
  return { template, warnings };
}
