// @backprop/datasets/node: loads the shipped MNIST file from disk, and pictures (PNG/JPEG files and
// image folders). Node-only (node:fs, node:zlib); browsers use the main entry. Must not import @backprop/core.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzip, gunzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { MNIST_FILE } from './mnist-file.js';
import { decodeMnist, type MnistData } from './mnist-format.js';

export type { MnistData } from './mnist-format.js';

// NOTE(data-path): this file sits one level below the package root both as src/node.ts (tsx,
// vitest) and as dist/node.js (built), so ../data/ is the package's data/ folder in both cases.
/** Absolute path of the shipped `data/mnist-10k.bin.gz`. */
export const MNIST_DATA_PATH: string = fileURLToPath(new URL(`../data/${MNIST_FILE.name}`, import.meta.url));

/** Options of {@link loadMnist} and {@link loadMnistSync}. */
export interface LoadMnistOptions {
  /** A gzip'd file in the Backprop MNIST format; default {@link MNIST_DATA_PATH}. */
  readonly path?: string | URL;
}

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
  let compressed: Uint8Array;
  try {
    compressed = await readFile(path);
  } catch (error) {
    throw readError('loadMnist', path, error);
  }
  let raw: Uint8Array;
  try {
    raw = await gunzipAsync(compressed);
  } catch (error) {
    throw gunzipError('loadMnist', path, error);
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
  let compressed: Uint8Array;
  try {
    compressed = readFileSync(path);
  } catch (error) {
    throw readError('loadMnistSync', path, error);
  }
  let raw: Uint8Array;
  try {
    raw = gunzipSync(compressed);
  } catch (error) {
    throw gunzipError('loadMnistSync', path, error);
  }
  return decodeMnist(raw);
}

function readError(caller: string, path: string | URL, error: unknown): Error {
  return new Error(
    `${caller}: cannot read ${String(path)}: ${(error as Error).message}. The file ships in the ` +
      "package's data/ folder; reinstall @backprop/datasets or regenerate it with `pnpm --filter @backprop/datasets convert`",
    { cause: error },
  );
}

function gunzipError(caller: string, path: string | URL, error: unknown): Error {
  return new Error(`${caller}: ${String(path)} is not valid gzip data: ${(error as Error).message}`, { cause: error });
}

// Pictures: PNG and JPEG decoding, resizing, image folders (fast-png, jpeg-js, fflate).
export { decodeImage, type DecodeImageOptions } from './image/decode-image.js';
export { ImageError } from './image/image-error.js';
export { imageToTensor, type ImageTensorOptions } from './image/image-tensor.js';
export { IMAGE_LIMITS, type ImageLimits } from './image/limits.js';
export { compareCodePoints, IMAGE_EXTENSIONS, listImageFolder, type FolderEntry, type FolderListing } from './image/folder-walk.js';
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
