// @backprop/datasets/node: loads the shipped MNIST file from disk, and pictures (PNG/JPEG files and
// image folders). Node-only (node:fs, node:zlib); browsers use the main entry. Must not import @backprop/core.

import { fileURLToPath } from 'node:url';
import { gunzip, gunzipSync, type ZlibOptions } from 'node:zlib';
import { promisify } from 'node:util';
import { MNIST_FILE } from './mnist-file.js';
import { decodeMnist, type MnistData } from './mnist-format.js';
import { FileProblem, readRegularFileSync } from './read-regular-file.js';

export type { MnistData } from './mnist-format.js';

// NOTE(data-path): this file sits one level below the package root both as src/node.ts (tsx,
// vitest) and as dist/node.js (built), so ../data/ is the package's data/ folder in both cases.
/** Absolute path of the shipped `data/mnist-10k.bin.gz`. */
export const MNIST_DATA_PATH: string = fileURLToPath(new URL(`../data/${MNIST_FILE.name}`, import.meta.url));

/** Options of {@link loadMnist} and {@link loadMnistSync}. */
export interface LoadMnistOptions {
  /** A gzip'd file in the Backprop MNIST format; default {@link MNIST_DATA_PATH}. */
  readonly path?: string | URL;
  /**
   * Most bytes read from the file and most bytes it may inflate to; default {@link MAX_MNIST_BYTES}
   * (the shipped file is 1.7 MB, 7.9 MB inflated; all 70,000 MNIST digits would be 55 MB).
   */
  readonly maxBytes?: number;
}

/** The default `maxBytes` of {@link loadMnist}: 256 MiB. */
export const MAX_MNIST_BYTES = 256 * 2 ** 20;

const gunzipAsync = promisify(gunzip);

/**
 * Loads the 10,000 shipped MNIST digits (about 0.1 s): reads `data/mnist-10k.bin.gz`, gunzips
 * it and decodes it. Nothing is downloaded.
 *
 * @example
 * ```ts
 * import { mnistSplit } from '@backprop/datasets';
 * import { loadMnist } from '@backprop/datasets/node';
 * const mnist = await loadMnist(); // { images: Uint8Array(7_840_000), labels: Uint8Array(10_000), count: 10000, rows: 28, cols: 28 }
 * const { train, test } = mnistSplit(mnist); // 8,000 / 2,000
 * ```
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  const path = options.path ?? MNIST_DATA_PATH;
  const maxBytes = options.maxBytes ?? MAX_MNIST_BYTES;
  const compressed = readMnistFile('loadMnist', path, maxBytes);
  let raw: Uint8Array;
  try {
    raw = await gunzipAsync(compressed, { maxOutputLength: maxBytes } satisfies ZlibOptions);
  } catch (error) {
    throw gunzipError('loadMnist', path, maxBytes, error);
  }
  return decodeMnist(raw);
}

/**
 * The synchronous twin of {@link loadMnist}, for scripts and CLIs.
 *
 * @example
 * ```ts
 * const { images, labels } = loadMnistSync();
 * ```
 */
export function loadMnistSync(options: LoadMnistOptions = {}): MnistData {
  const path = options.path ?? MNIST_DATA_PATH;
  const maxBytes = options.maxBytes ?? MAX_MNIST_BYTES;
  const compressed = readMnistFile('loadMnistSync', path, maxBytes);
  let raw: Uint8Array;
  try {
    raw = gunzipSync(compressed, { maxOutputLength: maxBytes });
  } catch (error) {
    throw gunzipError('loadMnistSync', path, maxBytes, error);
  }
  return decodeMnist(raw);
}

/** The gzip'd bytes of `path`: a regular file of at most `maxBytes` bytes. */
function readMnistFile(caller: string, path: string | URL, maxBytes: number): Uint8Array {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  try {
    return readRegularFileSync(file, { maxBytes, limitName: 'maxBytes', kind: "a gzip'd MNIST file" });
  } catch (error) {
    if (!(error instanceof FileProblem)) throw error;
    const code = (error.cause as { code?: string } | undefined)?.code;
    const fix =
      code === 'ENOENT'
        ? "the file ships in the package's data/ folder; reinstall @backprop/datasets or regenerate it with `pnpm --filter @backprop/datasets convert`"
        : error.fix;
    throw new Error(
      `${caller}: cannot read ${file}: ${code === 'ENOENT' ? 'ENOENT, no such file' : error.problem}; ${fix}`,
      { cause: error },
    );
  }
}

function gunzipError(caller: string, path: string | URL, maxBytes: number, error: unknown): Error {
  if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
    return new Error(
      `${caller}: ${String(path)} inflates to more than the ${maxBytes.toLocaleString('en-US')}-byte limit (maxBytes); raise maxBytes if the file is trusted`,
      { cause: error },
    );
  }
  return new Error(`${caller}: ${String(path)} is not valid gzip data: ${(error as Error).message}`, { cause: error });
}

// Pictures: PNG and JPEG decoding, resizing, image folders (fast-png, jpeg-js, fflate).
export { checkImage, decodeImage, type DecodeImageOptions, type ImageHeader } from './image/decode-image.js';
export { ImageError } from './image/image-error.js';
export { imageToTensor, type ImageTensorOptions } from './image/image-tensor.js';
export { IMAGE_LIMITS, type ImageLimits } from './image/limits.js';
export {
  compareCodePoints,
  IMAGE_EXTENSIONS,
  listImageFolder,
  type FolderEntry,
  type FolderListing,
} from './image/folder-walk.js';
export {
  loadImageFolder,
  loadImageSync,
  type ImageFolderData,
  type ImageFolderOptions,
  type LoadImageOptions,
} from './image/image-folder.js';
export { readImageFileSync } from './image/read-image-file.js';
export type { Orientation, Raster } from './image/raster.js';
export { inkPolarity, type InkPolarity } from './image/ink-polarity.js';
