import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLUGIN_NAME } from './kernel/plugin.js';

/** The files of a new plugin, with __name__, __table__ and __Title__ to fill in (core/plugin-template/). */
const TEMPLATE = fileURLToPath(new URL('../plugin-template/', import.meta.url));

/** Files whose names npm or git would treat specially inside this repository. */
const RENAMED: Record<string, string> = { 'package.json.tmpl': 'package.json', gitignore: '.gitignore' };

export class PluginTemplateError extends Error {}

/**
 * Writes a working plugin named `name` into `dir` (which must not exist or be empty): a route,
 * a migration, a permission key, a hook tap, an event and its subscriber, a job, a UI page and a
 * test that boots it in a panel. Returns the files written, relative to dir.
 */
export function writePluginTemplate(name: string, dir: string, now = new Date()): string[] {
  if (!PLUGIN_NAME.test(name))
    throw new PluginTemplateError(
      `"${name}" is not a plugin name: lower-case letters, digits and dashes, starting with a letter, at most 40`,
    );
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new PluginTemplateError(`${dir} exists and is not empty; choose another --dir`);
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  const values: Record<string, string> = {
    __name__: name,
    __table__: name.replaceAll('-', '_'),
    __Title__: name
      .split('-')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' '),
  };
  const fill = (text: string) => text.replace(/__name__|__table__|__Title__/g, (token) => values[token]!);
  const written: string[] = [];
  for (const relative of readdirSync(TEMPLATE, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(TEMPLATE, path.join(e.parentPath, e.name)))) {
    const base = RENAMED[path.basename(relative)] ?? path.basename(relative).replace(/^0{14}_/, `${stamp}_`);
    const target = fill(path.join(path.dirname(relative), base));
    mkdirSync(path.join(dir, path.dirname(target)), { recursive: true });
    writeFileSync(path.join(dir, target), fill(readFileSync(path.join(TEMPLATE, relative), 'utf8')));
    written.push(target);
  }
  return written.sort();
}
