/**
 * A real headless browser for tests: the system's Chromium driven by playwright-core, which
 * never downloads a browser of its own. JUNCTION_CHROMIUM names the executable (the Debian
 * package's path by default). Without one the browser tests fail saying what to install;
 * JUNCTION_SKIP_BROWSER=1 skips them instead, by explicit choice only.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.JUNCTION_CHROMIUM ?? '/usr/bin/chromium';
export const SKIP_BROWSER = process.env.JUNCTION_SKIP_BROWSER === '1';

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install it (Debian: apt-get install -y chromium), point JUNCTION_CHROMIUM at one, or set JUNCTION_SKIP_BROWSER=1 to skip the browser tests on purpose`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // launch() gives every browser a fresh temporary profile of its own and removes it on close.
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
