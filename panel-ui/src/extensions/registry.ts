import type { Component } from 'vue';

/**
 * The UI extension points. The panel's own extensions (builtin.ts) and each plugin's UI bundle
 * (plugins.ts) register here before the router is built (see docs/ui.md); the router, the top
 * bar, the server page and the account page read what was registered.
 */

/** A component, or a function that loads one (so a page's code loads when it is opened). */
export type LazyComponent = () => Promise<Component | { default: Component }>;

export interface PageExtension {
  /** URL path under /p/, e.g. "backups" → /p/backups */
  path: string;
  /** i18n key or plain text for the navigation link */
  title: string;
  component: LazyComponent;
  /** Only admins see and may open it */
  adminOnly?: boolean;
  /** Linked from the top bar (true by default); false for a page reached from elsewhere. */
  nav?: boolean;
  /** Opens without signing in (a link from a mail, such as an invite); it checks the session itself. */
  public?: boolean;
  /** Order among the top bar's plugin links; lower first, 100 by default. */
  order?: number;
}

export interface ServerTabExtension {
  /** URL segment under /servers/:id/, e.g. "backups" */
  id: string;
  title: string;
  /** Gets the server as a `server` prop */
  component: LazyComponent;
  /** Order among tabs; first-party tabs use 10, 20, ...; plugins go after 100 */
  order?: number;
  /**
   * The per-server permission key the tab needs (`webhook.read`); people without it do not see
   * the tab. The tab itself reads the rest with useServerAccess() from lib/server-access.ts.
   */
  permission?: string;
}

export interface AccountCardExtension {
  /** Unique among cards; also the card's element id, so /account#<id> scrolls to it. */
  id: string;
  component: LazyComponent;
  /** Order below the panel's own cards; lower first, 100 by default. */
  order?: number;
}

export interface NavEntryExtension {
  /** Unique among navigation entries. */
  id: string;
  /** i18n key or plain text */
  title: string;
  /** A path inside the panel, e.g. "/p/hello" or "/servers?filter=mine". */
  to: string;
  adminOnly?: boolean;
  /** Order among the top bar's plugin links; lower first, 100 by default. */
  order?: number;
}

/** A link of the top bar that a page or a navigation entry asked for. */
export interface NavLink {
  id: string;
  title: string;
  to: string;
  adminOnly: boolean;
  order: number;
}

const pages: PageExtension[] = [];
const serverTabs: ServerTabExtension[] = [];
const accountCards: AccountCardExtension[] = [];
const navEntries: NavEntryExtension[] = [];
const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const byOrder = (a: { order?: number }, b: { order?: number }) => (a.order ?? 100) - (b.order ?? 100);

function assertNew(kind: string, id: string, taken: boolean): void {
  if (!NAME.test(id)) throw new Error(`${kind} "${id}" must match ${NAME}`);
  if (taken) throw new Error(`${kind} "${id}" is registered twice`);
}

export function registerPage(page: PageExtension): void {
  assertNew(
    'page path',
    page.path,
    pages.some((p) => p.path === page.path),
  );
  pages.push(page);
}

export function registerServerTab(tab: ServerTabExtension): void {
  assertNew(
    'server tab',
    tab.id,
    serverTabs.some((t) => t.id === tab.id),
  );
  serverTabs.push(tab);
  serverTabs.sort(byOrder);
}

export function registerAccountCard(card: AccountCardExtension): void {
  assertNew(
    'account card',
    card.id,
    accountCards.some((c) => c.id === card.id),
  );
  accountCards.push(card);
  accountCards.sort(byOrder);
}

export function registerNavEntry(entry: NavEntryExtension): void {
  assertNew(
    'navigation entry',
    entry.id,
    navEntries.some((e) => e.id === entry.id),
  );
  if (!entry.to.startsWith('/') || entry.to.startsWith('//'))
    throw new Error(`navigation entry "${entry.id}" must link to a path inside the panel (starting with one "/")`);
  navEntries.push(entry);
}

export const extensionPages = (): readonly PageExtension[] => pages;
export const extensionServerTabs = (): readonly ServerTabExtension[] => serverTabs;
export const extensionAccountCards = (): readonly AccountCardExtension[] => accountCards;

/** The top bar's extra links: pages that want one and the navigation entries, in order. */
export function extensionNavLinks(): NavLink[] {
  const fromPages = pages
    .filter((p) => p.nav !== false)
    .map((p) => ({ id: `page-${p.path}`, title: p.title, to: `/p/${p.path}`, adminOnly: p.adminOnly ?? false, order: p.order ?? 100 }));
  const entries = navEntries.map((e) => ({ id: e.id, title: e.title, to: e.to, adminOnly: e.adminOnly ?? false, order: e.order ?? 100 }));
  return [...fromPages, ...entries].sort(byOrder);
}

/**
 * Runs one plugin's registrations; when they throw, what it registered so far is taken out
 * again, so a broken plugin UI leaves no half of itself behind. Plugins register one at a time.
 */
export async function registerOrUndo(register: () => unknown): Promise<void> {
  const lists: unknown[][] = [pages, serverTabs, accountCards, navEntries];
  const saved = lists.map((list) => [...list]);
  try {
    await register();
  } catch (err) {
    lists.forEach((list, i) => list.splice(0, list.length, ...saved[i]!));
    throw err;
  }
}
