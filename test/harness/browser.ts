import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'screenshots');

/** Flags that keep Chromium quiet on a machine without internet (see TESTING.md). */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Debian's Chromium driven by playwright-core. Playwright gives every launch a fresh temporary
 * profile (its own --user-data-dir), so no state leaks between runs; contexts isolate users.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}. Install it (Debian: sudo apt-get install -y chromium; scripts/ensure-test-deps.sh does it as root) or set CHROMIUM_PATH. Never run a Playwright browser download.`);
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
