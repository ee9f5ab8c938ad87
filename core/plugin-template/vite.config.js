import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

/**
 * Builds ui/ into ui-dist/: index.js (whose default export registers the UI), index.css and a
 * chunk per lazily loaded component. The panel lends the bundle its own copies of these modules
 * through the page's import map, so they must stay imports.
 */
const SHARED = ['vue', 'vue-router', 'vue-i18n', '@conductor/panel-sdk'];

export default defineConfig({
  plugins: [vue()],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    lib: { entry: 'ui/index.js', formats: ['es'], fileName: () => 'index.js', cssFileName: 'index' },
    outDir: 'ui-dist',
    emptyOutDir: true,
    rolldownOptions: { external: SHARED },
  },
});
