import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folders of the plugins' prebuilt UI bundles (`ui` in a plugin definition). The ui module
 * serves and lists only those of active plugins, so a disabled or failed plugin's pages are gone
 * from the panel with it.
 */
export class PluginUiFolders {
  private readonly folders = new Map<string, string>();

  constructor(private readonly isActive: (plugin: string) => boolean) {}

  /** Called by the kernel while a plugin registers; a URL must be a file: URL. */
  declare(plugin: string, folder: URL | string): void {
    if (folder instanceof URL && folder.protocol !== 'file:')
      throw new Error(`ui must be a folder (a file: URL or a path), not ${folder.href}`);
    if (typeof folder === 'string' && !path.isAbsolute(folder))
      throw new Error(`ui must be an absolute path or a file: URL (new URL('../ui-dist/', import.meta.url)), not "${folder}"`);
    this.folders.set(plugin, path.resolve(folder instanceof URL ? fileURLToPath(folder) : folder));
  }

  /** The active plugins' UI folders, in the order the plugins registered (dependencies first). */
  active(): Array<{ plugin: string; folder: string }> {
    return [...this.folders].filter(([plugin]) => this.isActive(plugin)).map(([plugin, folder]) => ({ plugin, folder }));
  }

  folderOf(plugin: string): string | null {
    return this.isActive(plugin) ? (this.folders.get(plugin) ?? null) : null;
  }
}
