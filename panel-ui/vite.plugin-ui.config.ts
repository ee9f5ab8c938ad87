import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { SHARED_MODULES } from './build/shared-modules.js';

/**
 * Builds a first-party plugin's UI (plugins/<name>/ui/index.ts) into plugins/<name>/ui-dist/:
 * an ES module index.js (plus chunks for lazily loaded pages) and index.css, which the panel
 * serves and loads at run time. scripts/build-ui.mjs runs it with the plugin's folder as root.
 * The shared modules stay bare imports; the panel's import map resolves them to its own copies.
 * Community plugins use the same settings in their own vite.config (docs/plugins.md, "UI").
 */
export default defineConfig({
  plugins: [vue()],
  // Library builds leave process.env alone; Vue SFCs compiled for production do not need it, a dependency might.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    lib: { entry: 'ui/index.ts', formats: ['es'], fileName: () => 'index.js', cssFileName: 'index' },
    outDir: 'ui-dist',
    emptyOutDir: true,
    rolldownOptions: { external: Object.keys(SHARED_MODULES) },
  },
});
