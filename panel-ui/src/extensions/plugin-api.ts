import type { PluginMessages } from '../i18n/index.js';
import type { AccountCardExtension, NavEntryExtension, PageExtension, ServerTabExtension } from './registry.js';

/**
 * What a plugin's UI entry gets: the extension points and its own messages, nothing else of the
 * app. It is the argument of the entry's default export (see docs/plugins.md, "UI").
 */
export interface PanelUiApi {
  /** The plugin's name as the panel knows it (`manifest.name`). */
  readonly plugin: string;
  /** A page at /p/<path>, linked from the top bar unless `nav: false`; `adminOnly` makes it an admin page. */
  registerPage(page: PageExtension): void;
  /** A tab on the server page, shown to people who hold its `permission` on that server. */
  registerServerTab(tab: ServerTabExtension): void;
  /** A card on the account page, below the panel's own. */
  registerAccountCard(card: AccountCardExtension): void;
  /** A link in the top bar to any path of the panel. */
  registerNavEntry(entry: NavEntryExtension): void;
  /** The plugin's messages per locale, under its own top-level keys (English required). */
  addMessages(messages: PluginMessages): void;
}

/** The default export of a plugin's UI entry (index.js). It may be async; the app waits for it. */
export type PanelUiEntry = (ui: PanelUiApi) => void | Promise<void>;
