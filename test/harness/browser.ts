import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'screenshots');

/** Flags that keep Chromium quiet on a machine without internet (see TESTING.md). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium driven by playwright-core. Playwright gives every launch a fresh temporary
 * profile (its own --user-data-dir), so no state leaks between runs; contexts isolate users.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}. Install it (Debian: sudo apt-get install -y chromium; scripts/ensure-test-deps.sh does it as root) or set CHROMIUM_PATH. Never run a Playwright browser download.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** Builds panel-ui/dist when its sources changed, the way `npm start` does. */
export function buildPanelUi(): void {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-ui.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building panel-ui failed (see the output above)');
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, `${name}.png`);
}

type ThemeName = 'light' | 'dark';

/** The screenshot's name for a theme: `-light`/`-dark` in the name swapped, else the theme added. */
export function themedName(name: string, theme: ThemeName): string {
  return /-(light|dark)(?=-|$)/.test(name) ? name.replace(/-(light|dark)(?=-|$)/, `-${theme}`) : `${name}-${theme}`;
}

/**
 * A full-page screenshot in both themes, for review: the page as shown (under `name`), then with
 * the other theme's variables (the panel switches themes by `data-theme` on <html>), then as it was.
 * Canvas charts keep the colours they were drawn with.
 */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
  const html = page.locator('html');
  const shown: ThemeName = (await html.getAttribute('data-theme')) === 'dark' ? 'dark' : 'light';
  const other: ThemeName = shown === 'dark' ? 'light' : 'dark';
  const setTheme = (theme: ThemeName) => html.evaluate((el, t) => el.setAttribute('data-theme', t), theme);
  await setTheme(other);
  try {
    await page.screenshot({ path: screenshotPath(themedName(name, other)), fullPage: true });
  } finally {
    await setTheme(shown);
  }
}

const troubles = new WeakMap<Page, string[]>();

/** Keeps a page's failed requests, error answers and console errors, for a report when it misbehaves. */
export function watchTrouble(page: Page): void {
  const seen: string[] = [];
  troubles.set(page, seen);
  page.on('requestfailed', (r) => seen.push(`${r.method()} ${r.url()} failed: ${r.failure()?.errorText}`));
  page.on('response', (r) => void (r.status() >= 400 && seen.push(`${r.request().method()} ${r.url()} ${r.status()}`)));
  page.on('console', (m) => void (m.type() === 'error' && seen.push(`console: ${m.text()}`)));
}

/** Writes to stderr what a misbehaving page shows and the trouble `watchTrouble` saw on its way. */
async function reportTrouble(page: Page, what: string): Promise<void> {
  const body = (
    await page
      .locator('body')
      .innerText()
      .catch(() => '')
  ).slice(0, 400);
  const seen = (troubles.get(page) ?? []).slice(-10).join('; ');
  process.stderr.write(`${what} ${page.url()}; page: ${JSON.stringify(body)}; trouble: ${seen || 'none'}\n`);
}

/**
 * The panel's sign-in page with its form drawn. In full CI runs (never alone) the form has not
 * drawn within 30 s three times, in different tests, each time in a second browser context opened
 * while another one had a page of the panel; cause not found. This says what the page showed and
 * what went wrong on its way (search the log for "sign-in form missing"), then loads it once more.
 */
export async function openSignInForm(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  try {
    await page.getByLabel('Email').waitFor({ timeout: 20_000 });
  } catch {
    await reportTrouble(page, 'sign-in form missing at');
    await page.reload();
  }
}

/** Waits for the server list after the sign-in form was sent; when it does not come, says what the page showed and went wrong first. */
export async function awaitSignedIn(page: Page): Promise<void> {
  try {
    await page.waitForURL(/\/servers$/);
  } catch (err) {
    await reportTrouble(page, 'sign-in did not reach /servers from');
    throw err;
  }
}

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

/**
 * Pages of one Chromium for a browser test: each page in its own context (its own cookies, so
 * one person per page), script errors collected, sign-in through the panel's form, screenshots.
 */
export class BrowserPages {
  readonly errors: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly baseUrl: () => string,
  ) {}

  async newPage(
    options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; locale?: string; permissions?: string[] } = {},
  ): Promise<Page> {
    const context = await this.browser.newContext({
      viewport: options.viewport ?? DESKTOP,
      colorScheme: options.colorScheme ?? 'light',
      locale: options.locale ?? 'en-US',
    });
    if (options.permissions) await context.grantPermissions(options.permissions, { origin: this.baseUrl() });
    this.contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => this.errors.push(err.message));
    watchTrouble(page);
    return page;
  }

  /** Signs in with the English form and waits for the server list. */
  async signIn(page: Page, email: string, password: string): Promise<void> {
    await openSignInForm(page, this.baseUrl());
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await awaitSignedIn(page);
  }

  async shoot(page: Page, name: string): Promise<void> {
    await new Promise((r) => setTimeout(r, 300));
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  }

  async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
    await this.browser.close();
  }
}

/**
 * Answers the panel's confirmation dialog (panel-ui's ConfirmDialog, a modal <dialog>) that the
 * last click opened: confirms it, or cancels it with `accept: false`. Returns its question.
 */
export async function answerConfirm(page: Page, accept = true): Promise<string> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const question = await dialog.locator('#confirm-message').innerText();
  await (accept ? dialog.getByTestId('confirm-accept') : dialog.getByRole('button', { name: 'Cancel' })).click();
  await dialog.waitFor({ state: 'hidden' });
  return question;
}
