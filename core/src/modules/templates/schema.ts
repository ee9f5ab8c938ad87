import { z } from 'zod';
import { variableName } from '../../protocol/server-spec.js';
import { GAME_LOADERS } from './game.js';

/** Validation for one variable's value, structured (imported eggs' Laravel rule strings are converted to this). */
export const variableRules = z.strictObject({
  required: z.boolean().default(false),
  type: z.enum(['string', 'integer', 'number', 'boolean']).default('string'),
  min: z.number().optional(),
  max: z.number().optional(),
  /** A JavaScript regular expression source the whole value must match. */
  pattern: z.string().max(512).optional(),
  oneOf: z.array(z.string()).max(256).optional(),
});
export type VariableRules = z.output<typeof variableRules>;

export const templateVariable = z.strictObject({
  env: variableName,
  name: z.string().min(1).max(128),
  description: z.string().max(4000).default(''),
  default: z.string().max(256).default(''),
  userViewable: z.boolean().default(true),
  userEditable: z.boolean().default(true),
  rules: variableRules.default({ required: false, type: 'string' }),
});
export type TemplateVariable = z.output<typeof templateVariable>;

export const configFileEdit = z.strictObject({
  /** Path relative to the server root. */
  file: z.string().min(1).max(512),
  parser: z.enum(['properties', 'json', 'yaml', 'ini', 'file']),
  /** Keys (dotted for json/yaml) and the values to write; values may use {{VARIABLE}} and {{SERVER_PORT}}. */
  set: z.record(z.string().max(256), z.string().max(1024)),
});

// Strict throughout: a field the API does not know is refused by name (400 validation_failed), never silently dropped.
export const templateSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, { error: 'expected 2-63 lower-case letters, digits and dashes' }),
  name: z.string().min(1).max(128),
  description: z.string().max(4000).default(''),
  author: z.string().max(256).default(''),
  category: z.enum(['vanilla', 'plugins', 'modded', 'proxy', 'testing']),
  tags: z.array(z.string().max(40)).max(32).default([]),
  /** Higher comes first in "popular". */
  popularity: z.number().int().min(0).max(1_000_000).default(0),
  images: z
    .array(z.strictObject({ name: z.string().min(1).max(64), image: z.string().min(1).max(255) }))
    .min(1)
    .max(16),
  startup: z.string().min(1).max(4096),
  shell: z.boolean().default(false),
  donePattern: z.string().min(1).max(512),
  stopCommand: z.string().min(1).max(256).default('stop'),
  gamePort: z.number().int().min(1).max(65535).default(25565),
  variables: z.array(templateVariable).max(64).default([]),
  configFiles: z.array(configFileEdit).max(32).default([]),
  install: z
    .strictObject({
      image: z.string().min(1).max(255),
      entrypoint: z.array(z.string().min(1)).min(1).max(8),
      script: z.string().max(200_000),
    })
    .optional(),
  denyFiles: z.array(z.string().max(512)).max(256).default([]),
  /** Memory by expected players: the first row whose `players` covers the count is recommended. */
  recommendedMemory: z
    .array(z.strictObject({ players: z.number().int().min(1), memoryMb: z.number().int().min(128) }))
    .min(1)
    .max(16)
    .default([
      { players: 5, memoryMb: 2048 },
      { players: 20, memoryMb: 4096 },
      { players: 50, memoryMb: 6144 },
      { players: 100, memoryMb: 8192 },
    ]),
  features: z.array(z.string().max(40)).max(32).default([]),
  /**
   * What the server runs, for the marketplace: its loader, and its Minecraft version, which may
   * name the server's variables (`{{MINECRAFT_VERSION}}`).
   */
  game: z.strictObject({ loader: z.enum(GAME_LOADERS), minecraftVersion: z.string().max(64).optional() }).optional(),
});

export type Template = z.output<typeof templateSchema>;
export type TemplateInput = z.input<typeof templateSchema>;

/** A template with where it came from: shipped with the panel, made by an admin, or imported from an egg. */
export const storedTemplate = z.object({ template: templateSchema, source: z.enum(['builtin', 'custom', 'imported']) });
export type StoredTemplate = z.output<typeof storedTemplate>;
export type TemplateSource = StoredTemplate['source'];

/** An egg imported as a template, with what the import could not carry over. */
export const importedTemplate = z.object({ template: templateSchema, warnings: z.array(z.string()) });
export type ImportedTemplate = z.output<typeof importedTemplate>;

export const templateCategories = z.object({ categories: z.array(z.object({ category: z.string(), count: z.number().int() })) });
export type TemplateCategories = z.output<typeof templateCategories>;

/** The memory a template suggests for a number of players. */
export const memoryRecommendation = z.object({ players: z.number().int(), memoryMb: z.number().int() });
export type MemoryRecommendation = z.output<typeof memoryRecommendation>;
