// The IDX format of MNIST / Fashion-MNIST: parse bytes, turn images and labels into tensors.
// Works on bytes already in memory: must not import `node:` modules (gzip and files: idx-node.ts).
import { checkElements } from '../kernels/element-limit.js';
import { Tensor } from '../tensor/tensor.js';
import { TensorDataset } from './dataset.js';

/** An IDX array: its element type, its shape and its values (big-endian input, native output). */
export type IdxArray =
  | { dtype: 'uint8'; shape: number[]; data: Uint8Array }
  | { dtype: 'int8'; shape: number[]; data: Int8Array }
  | { dtype: 'int16'; shape: number[]; data: Int16Array }
  | { dtype: 'int32'; shape: number[]; data: Int32Array }
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'float64'; shape: number[]; data: Float64Array };

/** Options of {@link parseIdx}. */
export interface ParseIdxOptions {
  /** The exact magic number required, e.g. 0x00000803 for uint8 images [N, rows, cols]. */
  magic?: number;
  /** The most bytes the header may declare (default {@link DEFAULT_MAX_IDX_BYTES}, 256 MiB). */
  maxBytes?: number;
}

// NOTE(idx-limit): 256 MiB of uint8 values become 2^28 float32 values — exactly the default
// tensor element limit (maxTensorElements) — so a file within it always fits in one tensor. The
// full MNIST training images are 47 MB.
/** Default `maxBytes` of the IDX readers: 268,435,456 bytes (256 MiB). */
export const DEFAULT_MAX_IDX_BYTES = 2 ** 28;

/** Magic numbers of the MNIST files: uint8 images with 3 dimensions, uint8 labels with 1. */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

const DTYPES: Record<number, { dtype: IdxArray['dtype']; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

const hex = (magic: number) => `0x${magic.toString(16).padStart(8, '0')}`;

function describeMagic(magic: number): string {
  const type = DTYPES[(magic >>> 8) & 0xff];
  if (magic >>> 16 !== 0 || type === undefined) return `${hex(magic)} (not an IDX header)`;
  const ndim = magic & 0xff;
  return `${hex(magic)} (${type.dtype}, ${ndim} dimension${ndim === 1 ? '' : 's'})`;
}

/**
 * Parses an IDX file held in memory: a big-endian header (magic `0x0000TTDD`: two zero bytes, type
 * code TT, dimension count DD; then DD uint32 lengths) followed by the values, row-major.
 * All IDX types are read (0x08 uint8 … 0x0E float64); MNIST uses uint8. Errors name `name`.
 *
 * @example
 * ```ts
 * const images = parseIdx(bytes, 'train-images-idx3-ubyte', { magic: IDX_IMAGES_MAGIC });
 * images.shape; // [60000, 28, 28]
 * ```
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data', options: ParseIdxOptions = {}): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new Error(
      `${name}: looks gzip-compressed (starts with 1f 8b); gunzip it first, or read it with readIdxFile from '@backprop/core/node'`,
    );
  }
  if (bytes.length < 4) {
    throw new Error(`${name}: truncated file: expected at least 4 bytes (the magic number), found ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (options.magic !== undefined && magic !== options.magic) {
    throw new Error(
      `${name}: wrong magic number: expected ${describeMagic(options.magic)}, found ${describeMagic(magic)}`,
    );
  }
  const type = DTYPES[(magic >>> 8) & 0xff];
  if (magic >>> 16 !== 0 || type === undefined) {
    throw new Error(
      `${name}: not an IDX file: magic number ${hex(magic)} should be 0x0000TTDD ` +
        '(two zero bytes, a type code 08/09/0b/0c/0d/0e, a dimension count)',
    );
  }
  const ndim = magic & 0xff;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new Error(
      `${name}: truncated file: expected at least ${headerBytes} bytes (the header of ${ndim} dimensions), found ${bytes.length}`,
    );
  }
  const shape = Array.from({ length: ndim }, (_, axis) => view.getUint32(4 + 4 * axis));
  const count = shape.reduce((product, length) => product * length, 1);
  const expected = headerBytes + count * type.bytes;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IDX_BYTES;
  if (expected > maxBytes) {
    throw new Error(
      `${name}: ${shape.join('×') || '1'} ${type.dtype} values = ${expected.toLocaleString('en-US')} bytes declared, ` +
        `over the ${maxBytes.toLocaleString('en-US')}-byte limit (maxBytes); raise maxBytes if the file is trusted`,
    );
  }
  if (bytes.length !== expected) {
    const layout = `${headerBytes}-byte header + ${shape.join('×') || '1'} ${type.dtype} values`;
    const problem =
      bytes.length < expected ? 'truncated file' : `${bytes.length - expected} unexpected bytes after the data`;
    throw new Error(`${name}: ${problem}: expected ${expected} bytes (${layout}), found ${bytes.length}`);
  }
  return { dtype: type.dtype, shape, data: readValues(type.dtype, view, headerBytes, count) } as IdxArray;
}

function readValues(dtype: IdxArray['dtype'], view: DataView, offset: number, count: number): IdxArray['data'] {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int8':
      return new Int8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int16':
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(offset + 2 * i));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(offset + 4 * i));
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(offset + 4 * i));
    case 'float64':
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(offset + 8 * i));
  }
}

/** Options of {@link idxImagesToTensor} and {@link mnistFromIdx}. */
export interface IdxImageOptions {
  /** `true`: shape [N, rows·cols] (for an MLP); `false` (default): [N, 1, rows, cols] (for conv2d, NCHW). */
  flatten?: boolean;
  /** Named in errors. Default 'images'. */
  name?: string;
}

/**
 * uint8 images [N, rows, cols] as float32 values in [0, 1] (each byte ÷ 255).
 *
 * @example
 * ```ts
 * const x = idxImagesToTensor(parseIdx(bytes), { flatten: true }); // [N, 784]
 * ```
 */
export function idxImagesToTensor(idx: IdxArray, options: IdxImageOptions = {}): Tensor {
  const { flatten = false, name = 'images' } = options;
  if (idx.dtype !== 'uint8' || idx.shape.length !== 3) {
    throw new Error(
      `${name}: expected uint8 images of shape [N, rows, cols], got ${idx.dtype} of shape [${idx.shape.join(',')}]`,
    );
  }
  const [count, rows, cols] = idx.shape as [number, number, number];
  checkElements(name, idx.shape);
  const scale = new Float32Array(256);
  for (let value = 0; value < 256; value++) scale[value] = value / 255;
  const source = idx.data;
  const values = new Float32Array(source.length);
  for (let i = 0; i < source.length; i++) values[i] = scale[source[i]!]!;
  return new Tensor(values, flatten ? [count, rows * cols] : [count, 1, rows, cols]);
}

/**
 * Integer labels [N] as a float32 tensor of class indices (the form `gather`/`indexSelect` take).
 *
 * @example
 * ```ts
 * const y = idxLabelsToTensor(parseIdx(bytes, 'train-labels', { magic: IDX_LABELS_MAGIC })); // [N]
 * ```
 */
export function idxLabelsToTensor(idx: IdxArray, name = 'labels'): Tensor {
  if (idx.shape.length !== 1 || idx.dtype === 'float32' || idx.dtype === 'float64') {
    throw new Error(
      `${name}: expected integer labels of shape [N], got ${idx.dtype} of shape [${idx.shape.join(',')}]`,
    );
  }
  return new Tensor(Float32Array.from(idx.data), [idx.shape[0]!]);
}

/** Options of {@link mnistFromIdx}. */
export interface MnistFromIdxOptions {
  /** Names of the two files in errors. Default 'images' and 'labels'. */
  imagesName?: string;
  labelsName?: string;
  /** See {@link IdxImageOptions.flatten}. Default false: images [N, 1, 28, 28]. */
  flatten?: boolean;
  /** See {@link ParseIdxOptions.maxBytes}; applies to each file. */
  maxBytes?: number;
}

/**
 * MNIST or Fashion-MNIST from the bytes of an images file and a labels file (already gunzipped):
 * a `TensorDataset` of `[image, label]`, images in [0, 1], labels float32 class indices.
 *
 * @example
 * ```ts
 * const train = mnistFromIdx(imageBytes, labelBytes, { imagesName: 'train-images-idx3-ubyte', flatten: true });
 * const [x, y] = train.get(0); // x: [784], y: [] (a digit 0…9)
 * ```
 */
export function mnistFromIdx(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  options: MnistFromIdxOptions = {},
): TensorDataset<[Tensor, Tensor]> {
  const { imagesName = 'images', labelsName = 'labels', flatten = false, maxBytes } = options;
  const images = parseIdx(imagesBytes, imagesName, { magic: IDX_IMAGES_MAGIC, maxBytes });
  const labels = parseIdx(labelsBytes, labelsName, { magic: IDX_LABELS_MAGIC, maxBytes });
  if (images.shape[0] !== labels.shape[0]) {
    throw new Error(
      `mnistFromIdx: ${imagesName} has ${images.shape[0]} images but ${labelsName} has ${labels.shape[0]} labels; ` +
        'use the images and labels files of the same split (train-* with train-*, t10k-* with t10k-*)',
    );
  }
  return new TensorDataset(
    idxImagesToTensor(images, { flatten, name: imagesName }),
    idxLabelsToTensor(labels, labelsName),
  );
}
