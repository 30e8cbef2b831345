// Node-only IDX file reading (gunzips `.gz` files): exported from '@backprop/core/node', never the main index.
// The only data file that may import `node:` modules; nothing in the main entry may import it.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorDataset } from './dataset.js';
import { mnistFromIdx, parseIdx, type IdxArray, type MnistFromIdxOptions, type ParseIdxOptions } from './idx.js';

/**
 * The bytes of a file, gunzipped when it starts with the gzip signature 1f 8b (whatever its name).
 *
 * @example
 * ```ts
 * const bytes = readIdxBytes('data/train-images-idx3-ubyte.gz');
 * ```
 */
export function readIdxBytes(path: string): Uint8Array {
  const raw = readFileSync(path);
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw);
  } catch (error) {
    throw new Error(`${path}: starts like a gzip file (1f 8b) but does not gunzip: ${(error as Error).message}`);
  }
}

/**
 * Reads and parses an IDX file (`*-idx3-ubyte` or `*-idx3-ubyte.gz`); errors name the path.
 *
 * @example
 * ```ts
 * const images = readIdxFile('t10k-images-idx3-ubyte.gz'); // { dtype: 'uint8', shape: [10000, 28, 28], data }
 * ```
 */
export function readIdxFile(path: string, options: ParseIdxOptions = {}): IdxArray {
  return parseIdx(readIdxBytes(path), path, options);
}

/**
 * MNIST / Fashion-MNIST from an images file and a labels file, gzipped or not: a `TensorDataset`
 * of `[image, label]` (see `mnistFromIdx`).
 *
 * @example
 * ```ts
 * const test = readMnistFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', { flatten: true });
 * ```
 */
export function readMnistFiles(
  imagesPath: string,
  labelsPath: string,
  options: Pick<MnistFromIdxOptions, 'flatten'> = {},
): TensorDataset<[Tensor, Tensor]> {
  return mnistFromIdx(readIdxBytes(imagesPath), readIdxBytes(labelsPath), {
    ...options,
    imagesName: imagesPath,
    labelsName: labelsPath,
  });
}
