// Opens a page of the built site for the teaching-view tests (network, one step, tour) and records
// its console errors; the page is ready when it sets body[data-ready], or fails with its message.
import type { Browser, Page } from 'playwright-core';

/** Generous: the machine has 2 cores and may be shared; every wait is for a condition, never a sleep. */
export const WAIT = { timeout: 60_000 };

/** Opens `path` under `base` at the given viewport; `errors` collects console errors and uncaught exceptions. */
export async function openPage(options: { browser: Browser; base: string; path: string; width?: number; height?: number }): Promise<{ page: Page; errors: string[] }> {
  const { browser, base, path, width = 1280, height = 900 } = options;
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(new URL(path, base).href);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true' || document.querySelector('#message[data-kind="error"]:not([hidden])') !== null, undefined, WAIT);
  const ready = await page.waitForSelector('body[data-ready="true"]', { timeout: 5_000 }).then(() => true, () => false);
  if (!ready) throw new Error(`${path} did not start: ${await page.textContent('#message')}`);
  return { page, errors };
}
