import type { OptionSchema } from './types.js';

export type FieldKind = 'text' | 'number' | 'boolean' | 'choice' | 'lines' | 'json';

export interface OptionField {
  name: string;
  kind: FieldKind;
  choices: string[];
  nullable: boolean;
  hint?: string;
  min?: number;
  max?: number;
}

/**
 * Form fields for a task type's options from their JSON Schema, so a plugin's task type gets a
 * form without UI code of its own: text, numbers, yes/no, a choice, a list (one per line); other
 * shapes are edited as JSON.
 */
export function optionFields(schema: OptionSchema): OptionField[] {
  return Object.entries(schema.properties ?? {}).map(([name, raw]) => {
    const variants = raw.anyOf ?? [raw];
    const nullable = variants.some((v) => v.type === 'null');
    const s = variants.find((v) => v.type !== 'null') ?? raw;
    const base = { name, nullable, hint: raw.description ?? s.description, min: s.minimum, max: s.maximum, choices: [] as string[] };
    if (s.enum) return { ...base, kind: 'choice', choices: s.enum.map(String) };
    if (s.type === 'string') return { ...base, kind: 'text' };
    if (s.type === 'integer' || s.type === 'number') return { ...base, kind: 'number' };
    if (s.type === 'boolean') return { ...base, kind: 'boolean' };
    if (s.type === 'array' && s.items?.type === 'string') return { ...base, kind: 'lines' };
    return { ...base, kind: 'json' };
  });
}

/** The options a new task of this type starts with: the schema's defaults. */
export function defaultOptions(schema: OptionSchema): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema.properties ?? {})
      .filter(([, s]) => s.default !== undefined)
      .map(([name, s]) => [name, s.default]),
  );
}
