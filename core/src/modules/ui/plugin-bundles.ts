import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';
import type { PluginUiFolders } from '../../kernel/plugin-ui.js';
import type { PluginUiBundle } from './schema.js';
import { fileAt, fileInside, sendFile } from './static-files.js';

/** Where the panel serves each plugin's UI folder: /plugin-ui/<plugin>/<file>. */
export const PLUGIN_UI_PATH = '/plugin-ui';
const FILE_PATH = /^\/plugin-ui\/([a-z][a-z0-9-]{0,39})(\/.*)$/;
export const ENTRY_FILE = 'index.js';

/** The UI bundles of the active plugins that have one built (an index.js in their folder). */
export async function listPluginUi(folders: PluginUiFolders): Promise<PluginUiBundle[]> {
  const bundles: PluginUiBundle[] = [];
  for (const { plugin, folder } of folders.active()) {
    if (!(await fileAt(path.join(folder, ENTRY_FILE)))) continue;
    const styles = (await readdir(folder)).filter((name) => name.endsWith('.css')).sort();
    const url = (file: string) => `${PLUGIN_UI_PATH}/${plugin}/${encodeURIComponent(file)}`;
    bundles.push({ name: plugin, entry: url(ENTRY_FILE), styles: styles.map(url) });
  }
  return bundles;
}

/**
 * Serves the files of active plugins' UI folders under /plugin-ui/<plugin>/. Anything else under
 * that path (another plugin, a disabled one, a missing file, a path out of the folder) is a 404,
 * never the app's index.html.
 */
export function servePluginUi(folders: PluginUiFolders): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== PLUGIN_UI_PATH && !ctx.path.startsWith(`${PLUGIN_UI_PATH}/`)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const match = FILE_PATH.exec(ctx.path);
    const folder = match ? folders.folderOf(match[1]!) : null;
    const file = folder ? fileInside(folder, match![2]!) : null;
    // Bundle file names are the plugin's own (index.js does not change name), so the browser asks again each time.
    if (file && (await sendFile(ctx, file, 'no-cache'))) return;
    ctx.status = 404;
  };
}
