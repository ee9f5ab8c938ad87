import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// In development the panel runs separately (npm start); Vite forwards the API and the sockets to it.
const panel = process.env.CONDUCTOR_PANEL_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [vue()],
  server: {
    proxy: {
      '/api': { target: panel, changeOrigin: false },
      '/socket.io': { target: panel, ws: true },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
});
