// Chooses the Chromium that the end-to-end tests and the browser bench drive — CHROMIUM_PATH, else the
// system's /usr/bin/chromium (Debian's), else the one the @sparticuz/chromium devDependency ships — and
// starts it headless through playwright-core. Imports no app code.
import { statSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_PACKAGE, unpackChromiumPackage } from './chromium-package';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** The browser to start and what its process needs added to the environment. */
export interface ChromiumChoice {
  executablePath: string;
  source: 'CHROMIUM_PATH' | 'system' | typeof CHROMIUM_PACKAGE;
  env: Record<string, string>;
}

export interface FindChromiumOptions {
  /** Where CHROMIUM_PATH is read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The system browser, first choice when CHROMIUM_PATH is unset (default: /usr/bin/chromium). */
  systemPath?: string;
  /** Where the npm package's browser is unpacked (default: apps/web/node_modules/.cache). */
  cacheDir?: string;
}

/**
 * CHROMIUM_PATH if set (it must be a file), else /usr/bin/chromium if present, else the Chromium of the
 * @sparticuz/chromium devDependency, unpacked on first use (a few seconds, once per version).
 *
 * @example
 * ```ts
 * const { executablePath, source } = await findChromium(); // "/usr/bin/chromium", "system"
 * ```
 */
export async function findChromium(options: FindChromiumOptions = {}): Promise<ChromiumChoice> {
  const requested = (options.env ?? process.env)['CHROMIUM_PATH'];
  if (requested !== undefined && requested !== '') {
    if (!isFile(requested)) {
      throw new Error(
        `e2e: CHROMIUM_PATH=${JSON.stringify(requested.slice(0, 200))} is not a file: point it at a Chromium binary, ` +
          `or unset it to use ${SYSTEM_CHROMIUM} or the ${CHROMIUM_PACKAGE} package`,
      );
    }
    return { executablePath: requested, source: 'CHROMIUM_PATH', env: {} };
  }
  const systemPath = options.systemPath ?? SYSTEM_CHROMIUM;
  if (isFile(systemPath)) return { executablePath: systemPath, source: 'system', env: {} };
  const packaged = await unpackChromiumPackage(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
  return { executablePath: packaged.executablePath, source: CHROMIUM_PACKAGE, env: packaged.env };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Flags this closed network needs (see shared/toolchain.md): no sandbox (root), no GPU, none of
 * Chromium's own connections. (playwright-core adds --disable-dev-shm-usage for containers itself.)
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// NOTE(browser-locale): a headless shell takes navigator.language from the POSIX locale of its process,
// and for LANG=C or C.UTF-8 — the usual on a bare machine or in a container — it reports "en-US@posix",
// which is not a BCP 47 tag: `new Intl.NumberFormat(navigator.language)` throws "Invalid language tag".
// uPlot does exactly that while its module loads, so the Playground and Digits pages (the two with a
// loss chart) never started in @sparticuz/chromium, while Home and Line did. Debian's Chromium reports
// "en-US" whatever the locale. Every browser here gets LC_ALL=en_US.UTF-8: a valid tag, the same in
// either browser, on any machine.
export const BROWSER_LOCALE = 'en_US.UTF-8';

/**
 * The browser process's environment: this process's, the choice's additions (the packaged libraries
 * go before any LD_LIBRARY_PATH already set), and the locale of NOTE(browser-locale).
 *
 * @example
 * ```ts
 * browserEnvironment({ executablePath: '/usr/bin/chromium', source: 'system', env: {} }, { PATH: '/usr/bin' });
 * // { PATH: '/usr/bin', LC_ALL: 'en_US.UTF-8' }
 * ```
 */
export function browserEnvironment(choice: ChromiumChoice, base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  for (const [key, value] of Object.entries(choice.env)) {
    env[key] = key === 'LD_LIBRARY_PATH' && env[key] ? `${value}:${env[key]}` : value;
  }
  env['LC_ALL'] = BROWSER_LOCALE;
  return env;
}

/**
 * Headless Chromium as `findChromium` chooses it.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 * ```
 */
export async function launchChromium(options: FindChromiumOptions = {}): Promise<Browser> {
  const choice = await findChromium(options);
  return chromium.launch({
    executablePath: choice.executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    env: browserEnvironment(choice, process.env),
  });
}
