import type { Browser, BrowserContext, Page } from 'playwright-core';
import { awaitSignedIn, openSignInForm, screenshotBothThemes, watchTrouble } from '@conductor/test';
import { PASSWORD } from '../../accounts/tests/fixtures.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The harness's poller, so the browser tests import their helpers from one place.
export { until } from '@conductor/test';

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

/** Stores the panel's language choice as its language switch does; the next load uses it. */
export async function chooseLocale(page: Page, locale: 'en' | 'de'): Promise<void> {
  // Core compiles without DOM types: the page's window as far as this uses it.
  await page.evaluate(
    (l) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('conductor.locale', l),
    locale,
  );
}

/**
 * Pages in their own browser contexts (one person each), signed in through the sign-in form, with
 * script errors collected so a test can assert there were none.
 */
export class BrowserPages {
  readonly pageErrors: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly baseUrl: string,
  ) {}

  async newPage(viewport = DESKTOP, colorScheme: 'light' | 'dark' = 'light', locale = 'en-US'): Promise<Page> {
    const context = await this.browser.newContext({ viewport, colorScheme, locale });
    this.contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => this.pageErrors.push(err.message));
    watchTrouble(page);
    return page;
  }

  async signIn(page: Page, email: string): Promise<void> {
    await openSignInForm(page, this.baseUrl);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await awaitSignedIn(page);
  }

  /** A full-page screenshot in artifacts/screenshots in both themes, after layout settled. */
  async shoot(page: Page, name: string): Promise<void> {
    await sleep(300);
    await screenshotBothThemes(page, name);
  }

  async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
  }
}
