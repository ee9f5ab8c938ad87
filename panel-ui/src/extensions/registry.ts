import type { Component } from 'vue';

/**
 * The UI extension point. A plugin's UI module calls these before the app mounts (see
 * docs/ui.md); the router and the server page read what was registered.
 */
export interface PageExtension {
  /** URL path under /p/, e.g. "backups" → /p/backups */
  path: string;
  /** i18n key or plain text for the navigation link */
  title: string;
  component: () => Promise<Component | { default: Component }>;
  /** Only admins see and may open it */
  adminOnly?: boolean;
}

export interface ServerTabExtension {
  /** URL segment under /servers/:id/, e.g. "backups" */
  id: string;
  title: string;
  /** Gets the server as a `server` prop */
  component: () => Promise<Component | { default: Component }>;
  /** Order among tabs; first-party tabs use 10, 20, ...; plugins go after 100 */
  order?: number;
  /** A per-server permission key (e.g. `backup.read`): the tab is hidden from people without it */
  permission?: string;
}

const pages: PageExtension[] = [];
const serverTabs: ServerTabExtension[] = [];
const NAME = /^[a-z][a-z0-9-]{0,39}$/;

export function registerPage(page: PageExtension): void {
  if (!NAME.test(page.path)) throw new Error(`page path "${page.path}" must match ${NAME}`);
  if (pages.some((p) => p.path === page.path)) throw new Error(`page "${page.path}" is registered twice`);
  pages.push(page);
}

export function registerServerTab(tab: ServerTabExtension): void {
  if (!NAME.test(tab.id)) throw new Error(`server tab "${tab.id}" must match ${NAME}`);
  if (serverTabs.some((t) => t.id === tab.id)) throw new Error(`server tab "${tab.id}" is registered twice`);
  serverTabs.push(tab);
  serverTabs.sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
}

export const extensionPages = (): readonly PageExtension[] => pages;
export const extensionServerTabs = (): readonly ServerTabExtension[] => serverTabs;
