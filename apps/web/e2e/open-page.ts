// The teaching-view tests' site (network, one step, tour): vite preview of dist/ and Chromium for a
// test file, and opening a page that records its console errors (ready at body[data-ready]).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { APP_ROOT, launchChromium, startPreview } from './server';

/** Where the tests put their screenshots (git-ignored; look at them). */
export const RESULTS = join(APP_ROOT, 'test-results');

/**
 * Starts the isolated preview and Chromium before the file's tests and stops them after; read
 * `site.browser` and `site.base` inside tests.
 */
export function useSite(): { readonly browser: Browser; readonly base: string } {
  const site = { browser: null as Browser | null, base: '', server: null as PreviewServer | null };
  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    const preview = await startPreview({ isolated: true });
    [site.server, site.base] = [preview.server, preview.url];
    site.browser = await launchChromium();
  });
  afterAll(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return {
    get browser() {
      if (site.browser === null)
        throw new Error('e2e: the browser is not started yet (use site.browser inside a test)');
      return site.browser;
    },
    get base() {
      return site.base;
    },
  };
}

/** Generous: the machine has 2 cores and may be shared; every wait is for a condition, never a sleep. */
export const WAIT = { timeout: 60_000 };

/** Opens `path` under `base` at the given viewport; `errors` collects console errors and uncaught exceptions. */
export async function openPage(options: {
  browser: Browser;
  base: string;
  path: string;
  width?: number;
  height?: number;
}): Promise<{ page: Page; errors: string[] }> {
  const { browser, base, path, width = 1280, height = 900 } = options;
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(new URL(path, base).href);
  await page.waitForFunction(
    () =>
      document.body.dataset['ready'] === 'true' ||
      document.querySelector('#message[data-kind="error"]:not([hidden])') !== null,
    undefined,
    WAIT,
  );
  const ready = await page.waitForSelector('body[data-ready="true"]', { timeout: 5_000 }).then(
    () => true,
    () => false,
  );
  if (!ready) throw new Error(`${path} did not start: ${await page.textContent('#message')}`);
  return { page, errors };
}
