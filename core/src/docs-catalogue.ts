/**
 * Writes the hook, event and permission-key catalogues of docs/plugins.md from the code: it registers the core
 * modules and the first-party plugins (no migrations, no listening) and reads what they declared.
 * `npm run docs:catalogue` rewrites the section; core/test/docs-catalogue.test.ts fails when the
 * section is stale.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './kernel/config.js';
import { APP_ROOT, Kernel } from './kernel/kernel.js';
import { createLogger } from './kernel/logger.js';
import { coreModules } from './modules/index.js';

export const CATALOGUE_START = '<!-- catalogue:start: written by `npm run docs:catalogue` from the code; do not edit by hand -->';
export const CATALOGUE_END = '<!-- catalogue:end -->';
export const PLUGINS_DOC = path.join(APP_ROOT, 'docs', 'plugins.md');

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: unknown;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'unknown'}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  return schema.type ?? 'unknown';
}

/** `name: string, local?: boolean` for an object schema; `…` when other fields may come too. */
function fieldsOf(schema: JsonSchema): string {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(
    ([name, field]) => `${name}${required.has(name) ? '' : '?'}: ${typeOf(field)}`,
  );
  if (schema.additionalProperties !== false) fields.push('…');
  return fields.length ? `\`${fields.join(', ')}\`` : 'none';
}

/** The markdown section (between the markers) for what the core modules and first-party plugins declare. */
export async function renderCatalogue(): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'conductor-catalogue-'));
  const config = loadConfig(
    {},
    {
      DATA_DIR: dataDir,
      PLUGINS_DIR: path.join(dataDir, 'plugins'),
      NODE_ENV: 'test',
      LOCAL_AGENT: 'off',
      LOG_LEVEL: 'error',
      LOG_FORMAT: 'json',
    },
  );
  const silent = new Writable({ write: (_chunk, _enc, done) => done() });
  const kernel = new Kernel({ config, plugins: coreModules, discover: true, logger: createLogger(config, silent) });
  try {
    await kernel.prepare({ migrate: false });
    const hooks = kernel.hooks.list().sort((a, b) => a.name.localeCompare(b.name));
    const events = kernel.eventCatalogue.list();
    const permissionGroups = kernel.permissionCatalogue.list();
    const lines = [
      CATALOGUE_START,
      '',
      '### Hook catalogue',
      '',
      'Every hook the core modules and first-party plugins declare, with its taps in the order they run.',
      '',
      '| Hook | Kind | Declared by | Taps |',
      '| --- | --- | --- | --- |',
      ...hooks.map(
        (h) => `| \`${h.name}\` | ${h.kind} | ${h.owner} | ${h.taps.length ? h.taps.map((t) => `\`${t}\``).join(', ') : 'none'} |`,
      ),
      '',
      '### Event catalogue',
      '',
      "Every event type they declare, with its data (`?` optional; `…` other fields may come: an agent's events). `GET /api/events/types` serves the same with full JSON Schemas.",
      '',
      '| Event | Declared by | Data | What happened |',
      '| --- | --- | --- | --- |',
      ...events.map((e) => `| \`${e.type}\` | ${e.owner} | ${fieldsOf(e.schema as JsonSchema)} | ${e.description} |`),
      '',
      '### Permission-key catalogue',
      '',
      'Every per-server permission key, by the plugin that declares it, with the keys each one includes. `GET /api/auth/permission-keys` serves the keys of the plugins that run, with their German labels too.',
      '',
      '| Key | Declared by | What it allows | Includes |',
      '| --- | --- | --- | --- |',
      ...permissionGroups.flatMap((g) =>
        g.keys.map(
          (k) => `| \`${k.key}\` | ${g.plugin} | ${k.label.en} | ${k.implies.length ? k.implies.map((i) => `\`${i}\``).join(', ') : ''} |`,
        ),
      ),
      '',
      CATALOGUE_END,
    ];
    return lines.join('\n');
  } finally {
    await kernel.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The generated section as docs/plugins.md has it now, or null when the markers are missing. */
export function currentCatalogue(doc = readFileSync(PLUGINS_DOC, 'utf8')): string | null {
  const start = doc.indexOf(CATALOGUE_START);
  const end = doc.indexOf(CATALOGUE_END);
  return start === -1 || end === -1 ? null : doc.slice(start, end + CATALOGUE_END.length);
}

async function main(): Promise<void> {
  const doc = readFileSync(PLUGINS_DOC, 'utf8');
  const current = currentCatalogue(doc);
  if (current === null) throw new Error(`${PLUGINS_DOC} has no catalogue markers (${CATALOGUE_START} … ${CATALOGUE_END})`);
  const fresh = await renderCatalogue();
  writeFileSync(PLUGINS_DOC, doc.replace(current, fresh));
  process.stdout.write(
    current === fresh ? 'docs/plugins.md: the catalogue was up to date\n' : 'docs/plugins.md: the catalogue was rewritten\n',
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
