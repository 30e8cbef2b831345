// Node-only IDX file reading (gunzips `.gz` files): exported from '@backprop/core/node', never the main index.
// A `*-node.ts` file may import `node:` modules; nothing in the main entry may import it.
import { gunzipSync } from 'node:zlib';
import { checkByteLimit, readRegularFileSync } from '../io/read-file-node.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorDataset } from './dataset.js';
import {
  DEFAULT_MAX_IDX_BYTES,
  mnistFromIdx,
  parseIdx,
  type IdxArray,
  type MnistFromIdxOptions,
  type ParseIdxOptions,
} from './idx.js';

/** Options of the IDX file readers. */
export interface ReadIdxOptions {
  /**
   * The most bytes a file may hold, and — for a gzipped file — the most it may decompress to
   * (default 268,435,456 = 256 MiB, {@link DEFAULT_MAX_IDX_BYTES}). Checked before reading, while
   * decompressing, and against the size the IDX header declares.
   */
  maxBytes?: number;
}

// NOTE(gunzip-bound): a few MB of gzip can expand to gigabytes. zlib stops at maxOutputLength
// (ERR_BUFFER_TOO_LARGE) instead of growing without bound, so memory stays within maxBytes
// whatever the compressed file claims; parseIdx then checks the header's declared size.

/**
 * The bytes of a regular file, gunzipped when it starts with the gzip signature 1f 8b (whatever
 * its name); at most `maxBytes` read and at most `maxBytes` decompressed.
 *
 * @example
 * ```ts
 * const bytes = readIdxBytes('data/train-images-idx3-ubyte.gz');
 * ```
 */
export function readIdxBytes(path: string, options: ReadIdxOptions = {}): Uint8Array {
  const maxBytes = checkByteLimit('readIdxBytes', 'maxBytes', options.maxBytes ?? DEFAULT_MAX_IDX_BYTES);
  return gunzipIdxBytes(readRegularFileSync('readIdxBytes', path, maxBytes), { maxBytes, name: path });
}

/**
 * `raw` gunzipped when it starts with the gzip signature 1f 8b (as is otherwise), decompressing
 * at most `maxBytes` (default 256 MiB) — NOTE(gunzip-bound). `name` is named in errors.
 *
 * @example
 * ```ts
 * const bytes = gunzipIdxBytes(downloaded, { name: 'train-images-idx3-ubyte.gz' });
 * ```
 */
export function gunzipIdxBytes(raw: Uint8Array, options: ReadIdxOptions & { name?: string } = {}): Uint8Array {
  const { name: path = 'IDX data' } = options;
  const maxBytes = checkByteLimit('gunzipIdxBytes', 'maxBytes', options.maxBytes ?? DEFAULT_MAX_IDX_BYTES);
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(
        `${path}: decompresses to more than ${maxBytes.toLocaleString('en-US')} bytes, over the limit (maxBytes); raise maxBytes if the file is trusted`,
      );
    }
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
export function readIdxFile(path: string, options: ParseIdxOptions & ReadIdxOptions = {}): IdxArray {
  return parseIdx(readIdxBytes(path, options), path, options);
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
  options: Pick<MnistFromIdxOptions, 'flatten'> & ReadIdxOptions = {},
): TensorDataset<[Tensor, Tensor]> {
  const { maxBytes } = options;
  return mnistFromIdx(readIdxBytes(imagesPath, { maxBytes }), readIdxBytes(labelsPath, { maxBytes }), {
    flatten: options.flatten,
    maxBytes,
    imagesName: imagesPath,
    labelsName: labelsPath,
  });
}
