import path from 'node:path';
import { z } from 'zod';
import { APP_ROOT } from '../../kernel/kernel.js';
import { definePlugin } from '../../kernel/plugin.js';
import { serveSpa } from './static-files.js';

/** The panel UI (panel-ui/dist) at /, behind every API route. */
export const uiModule = definePlugin({
  manifest: { name: 'ui', version: '0.1.0', description: 'Serves the built panel UI' },
  configSchema: z.object({ dir: z.string().min(1).optional().describe('The built UI; panel-ui/dist by default') }),
  fallback: ({ config }) => serveSpa(config.dir ?? path.join(APP_ROOT, 'panel-ui', 'dist')),
});
