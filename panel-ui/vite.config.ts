import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { sharedModuleInputs, sharedModulesImportMap } from './build/import-map.js';

const root = fileURLToPath(new URL('.', import.meta.url));
// In development the panel runs separately (npm start); Vite forwards the API, the sockets and plugin UI bundles to it.
const panel = process.env.CONDUCTOR_PANEL_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [vue(), sharedModulesImportMap(root)],
  server: {
    proxy: {
      '/api': { target: panel, changeOrigin: false },
      '/plugin-ui': { target: panel, changeOrigin: false },
      '/socket.io': { target: panel, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      // The app, plus one entry per module shared with plugin bundles (build/shared-modules.ts).
      input: { index: fileURLToPath(new URL('./index.html', import.meta.url)), ...sharedModuleInputs(root) },
      // An app build would drop exports nobody in the app imports; plugin bundles import them.
      preserveEntrySignatures: 'strict',
    },
  },
});
