import { addMessages } from '../i18n/index.js';
import { registerPage, registerServerTab } from './registry.js';

/** What a plugin's UI entry gets: the registration functions and its own messages, nothing else of the app. */
export interface PanelUiApi {
  registerPage: typeof registerPage;
  registerServerTab: typeof registerServerTab;
  addMessages: typeof addMessages;
}

/**
 * First-party plugins ship their UI in plugins/<name>/ui/index.ts (default export: a function
 * taking PanelUiApi). Vite finds them at build time, so a plugin's pages are part of the one
 * bundle the panel serves; a plugin whose UI throws is skipped, the app still starts.
 */
const entries = import.meta.glob<{ default: (api: PanelUiApi) => void }>('../../../plugins/*/ui/index.ts', { eager: true });

export function registerPluginUi(): void {
  for (const [file, entry] of Object.entries(entries)) {
    try {
      entry.default({ registerPage, registerServerTab, addMessages });
    } catch (err) {
      console.error(`plugin UI ${file} failed to register`, err);
    }
  }
}
