import path from 'node:path';
import type { Plugin } from 'vite';
import { entryName, SHARED_MODULES } from './shared-modules.js';

/**
 * Puts an import map at the top of index.html that maps each shared module's bare name to the
 * file the build emitted for it (in development: to its source, which Vite serves), so a plugin
 * bundle's `import { ref } from 'vue'` gets the app's own Vue. Chunks stay content-hashed; the
 * map is the one place that knows their names. The panel allows this inline script by its hash
 * (core/src/modules/ui/static-files.ts).
 */
export function sharedModulesImportMap(root: string): Plugin {
  const sources = Object.entries(SHARED_MODULES).map(([specifier, file]) => ({ specifier, file: path.resolve(root, file) }));
  let base = '/';
  return {
    name: 'conductor-shared-modules-import-map',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const imports: Record<string, string> = {};
        for (const { specifier, file } of sources) {
          if (!ctx.bundle) {
            imports[specifier] = `${base}${path.relative(root, file).split(path.sep).join('/')}`;
            continue;
          }
          const chunk = Object.values(ctx.bundle).find((c) => c.type === 'chunk' && c.isEntry && c.name === entryName(specifier));
          if (!chunk) throw new Error(`the build emitted no entry for the shared module ${specifier}`);
          imports[specifier] = `${base}${chunk.fileName}`;
        }
        return [{ tag: 'script', attrs: { type: 'importmap' }, children: JSON.stringify({ imports }), injectTo: 'head-prepend' }];
      },
    },
  };
}

/** The build inputs for the shared modules, named so the import map can find their chunks. */
export function sharedModuleInputs(root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(SHARED_MODULES).map(([specifier, file]) => [entryName(specifier), path.resolve(root, file)]));
}
