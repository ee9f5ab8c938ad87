import { get } from '../api/client.js';
import { addMessages, type PluginMessages } from '../i18n/index.js';
import type { PluginUiBundle } from '../lib/types.js';
import type { PanelUiApi, PanelUiEntry } from './plugin-api.js';
import { registerAccountCard, registerNavEntry, registerOrUndo, registerPage, registerServerTab } from './registry.js';

function addStylesheet(href: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.onload = () => resolve();
    link.onerror = () => reject(new Error(`stylesheet ${href} did not load`));
    document.head.append(link);
  });
}

async function fetchBundle(bundle: PluginUiBundle): Promise<PanelUiEntry> {
  const [mod] = await Promise.all([
    import(/* @vite-ignore */ bundle.entry) as Promise<{ default?: unknown }>,
    ...bundle.styles.map(addStylesheet),
  ]);
  if (typeof mod.default !== 'function') throw new Error(`${bundle.entry} has no default export that registers the UI`);
  return mod.default as PanelUiEntry;
}

async function register(name: string, entry: PanelUiEntry): Promise<void> {
  // Messages are merged only once the whole registration worked; the registry undoes the rest.
  const messages: PluginMessages[] = [];
  const api: PanelUiApi = {
    plugin: name,
    registerPage,
    registerServerTab,
    registerAccountCard,
    registerNavEntry,
    addMessages: (m) => void messages.push(m),
  };
  await registerOrUndo(() => entry(api));
  for (const m of messages) addMessages(m);
}

/**
 * Loads the UI of every active plugin before the router is built: the panel lists the bundles
 * (GET /api/ui/plugins), the browser imports them (their bare imports of vue, vue-router,
 * vue-i18n and @conductor/panel-sdk resolve through the page's import map to the app's own
 * copies) and each registers its pages, tabs and cards. A plugin whose UI fails to load or to
 * register is skipped with a console error; the app starts without it.
 */
export async function loadPluginUi(): Promise<void> {
  let bundles: PluginUiBundle[];
  try {
    bundles = (await get<{ plugins: PluginUiBundle[] }>('/api/ui/plugins')).plugins;
  } catch (err) {
    console.error('the list of plugin UIs could not be loaded; the panel starts without them', err);
    return;
  }
  const fetched = await Promise.allSettled(bundles.map(fetchBundle));
  for (const [i, bundle] of bundles.entries()) {
    const result = fetched[i]!;
    try {
      if (result.status === 'rejected') throw result.reason;
      await register(bundle.name, result.value);
    } catch (err) {
      console.error(`the UI of plugin "${bundle.name}" failed to load and is skipped`, err);
    }
  }
}
