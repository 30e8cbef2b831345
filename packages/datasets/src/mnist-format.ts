// The Backprop MNIST binary format: encodeMnist / decodeMnist between bytes and plain typed arrays.
// Pure and browser-safe: imports only crc32; no node:*, no @backprop/core.

import { crc32 } from './crc32.js';

/**
 * Digits as plain typed arrays (no tensors, so this package needs no @backprop/core).
 *
 * `images` holds `count` images of `rows × cols` uint8 pixels, image after image, each row-major:
 * pixel (row r, column c) of image i is `images[i * rows * cols + r * cols + c]`, 0 is the
 * background and 255 full ink. `labels[i]` is the digit 0..9 drawn in image i.
 * Divide by 255 for floats in [0, 1].
 */
export interface MnistData {
  /** `count × rows × cols` pixels, 0..255, image-major and row-major. */
  readonly images: Uint8Array;
  /** `count` labels, each 0..9. */
  readonly labels: Uint8Array;
  /** Number of images. */
  readonly count: number;
  /** Image height in pixels (28 for MNIST). */
  readonly rows: number;
  /** Image width in pixels (28 for MNIST). */
  readonly cols: number;
}

/** The four ASCII bytes every file in this format starts with: "BPMN". */
export const MNIST_MAGIC = Uint8Array.of(0x42, 0x50, 0x4d, 0x4e);
/** The format version this code reads and writes. */
export const MNIST_FORMAT_VERSION = 1;
/** Bytes before the pixels. */
export const MNIST_HEADER_BYTES = 16;
/** Labels are digits: every label must be below this. */
export const MNIST_CLASS_COUNT = 10;

// NOTE(format): layout, every integer little-endian:
//   offset  size  field
//   0       4     magic "BPMN" (0x42 0x50 0x4D 0x4E)
//   4       1     format version, 1
//   5       1     rows (1..255; 28 for MNIST)
//   6       1     cols (1..255; 28 for MNIST)
//   7       1     reserved, 0
//   8       4     count: number of images (uint32)
//   12      4     CRC-32 (IEEE, as in gzip) of every byte after the header (uint32)
//   16      count·rows·cols   pixels, uint8, image-major then row-major
//   ...     count             labels, uint8, 0..9
// The whole file is exactly 16 + count·(rows·cols + 1) bytes. The shipped file is this, gzip'd.

/**
 * Encodes digits into the Backprop MNIST binary format (see the package README, "File format").
 *
 * @example
 * ```ts
 * const bytes = encodeMnist({ images: new Uint8Array(2 * 784), labels: Uint8Array.of(3, 7), count: 2, rows: 28, cols: 28 });
 * decodeMnist(bytes).labels; // Uint8Array [3, 7]
 * ```
 */
export function encodeMnist(data: MnistData): Uint8Array {
  const { images, labels, count, rows, cols } = data;
  for (const [name, value] of [
    ['rows', rows],
    ['cols', cols],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 255) {
      throw new RangeError(`encodeMnist: ${name} (${value}) must be an integer in 1..255`);
    }
  }
  if (!Number.isInteger(count) || count < 0 || count > 0xffff_ffff) {
    throw new RangeError(`encodeMnist: count (${count}) must be an integer in 0..2^32-1`);
  }
  const pixelCount = count * rows * cols;
  if (images.length !== pixelCount) {
    throw new RangeError(
      `encodeMnist: images has ${images.length} bytes, expected count × rows × cols = ${count} × ${rows} × ${cols} = ${pixelCount}`,
    );
  }
  if (labels.length !== count) {
    throw new RangeError(`encodeMnist: labels has ${labels.length} entries, expected count = ${count}`);
  }
  const badLabel = labels.findIndex((label) => label >= MNIST_CLASS_COUNT);
  if (badLabel >= 0) {
    throw new RangeError(`encodeMnist: label ${labels[badLabel]} at index ${badLabel} is not a digit 0..9`);
  }

  const bytes = new Uint8Array(MNIST_HEADER_BYTES + pixelCount + count);
  bytes.set(images, MNIST_HEADER_BYTES);
  bytes.set(labels, MNIST_HEADER_BYTES + pixelCount);
  bytes.set(MNIST_MAGIC, 0);
  const header = new DataView(bytes.buffer, bytes.byteOffset, MNIST_HEADER_BYTES);
  header.setUint8(4, MNIST_FORMAT_VERSION);
  header.setUint8(5, rows);
  header.setUint8(6, cols);
  header.setUint8(7, 0);
  header.setUint32(8, count, true);
  header.setUint32(12, crc32(bytes.subarray(MNIST_HEADER_BYTES)), true);
  return bytes;
}

/**
 * Decodes the Backprop MNIST binary format (uncompressed) into plain typed arrays. Pure: works the
 * same in Node and in a browser. The result owns fresh copies of the pixels and labels.
 *
 * Throws an Error naming the problem for bytes that are gzip'd (decompress first, or use
 * `decodeMnistGzip` / `loadMnist`), not in this format, of another version, truncated, too long,
 * corrupt (CRC-32 mismatch) or holding a label outside 0..9.
 *
 * @example
 * ```ts
 * const response = await fetch(url); // an uncompressed .bin
 * const { images, labels, count } = decodeMnist(new Uint8Array(await response.arrayBuffer()));
 * ```
 */
export function decodeMnist(bytes: Uint8Array): MnistData {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`decodeMnist: expected a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new Error(
      'decodeMnist: these bytes are gzip-compressed; use decodeMnistGzip(bytes), or loadMnist() from ' +
        "'@backprop/datasets/node', or decompress them first",
    );
  }
  if (bytes.length < MNIST_HEADER_BYTES) {
    throw new Error(
      `decodeMnist: truncated: ${bytes.length} bytes is shorter than the ${MNIST_HEADER_BYTES}-byte header`,
    );
  }
  for (let i = 0; i < MNIST_MAGIC.length; i++) {
    if (bytes[i] !== MNIST_MAGIC[i]) {
      const found = Array.from(bytes.subarray(0, 4), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
      throw new Error(
        `decodeMnist: not a Backprop MNIST file: magic bytes are ${found}, expected 42 50 4d 4e ("BPMN")`,
      );
    }
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset, MNIST_HEADER_BYTES);
  const version = header.getUint8(4);
  if (version !== MNIST_FORMAT_VERSION) {
    throw new Error(
      `decodeMnist: unsupported format version ${version}; this build of @backprop/datasets reads version ${MNIST_FORMAT_VERSION}`,
    );
  }
  const rows = header.getUint8(5);
  const cols = header.getUint8(6);
  const reserved = header.getUint8(7);
  const count = header.getUint32(8, true);
  const expectedCrc = header.getUint32(12, true);
  if (rows === 0 || cols === 0 || reserved !== 0) {
    throw new Error(
      `decodeMnist: corrupt header: rows ${rows}, cols ${cols}, reserved byte ${reserved} (expected rows, cols ≥ 1 and reserved 0)`,
    );
  }
  const pixelCount = count * rows * cols;
  const expectedLength = MNIST_HEADER_BYTES + pixelCount + count;
  if (bytes.length < expectedLength) {
    throw new Error(
      `decodeMnist: truncated: ${bytes.length} bytes, but the header promises ${count} images of ${rows}×${cols} ` +
        `plus labels = ${expectedLength} bytes`,
    );
  }
  if (bytes.length > expectedLength) {
    throw new Error(
      `decodeMnist: ${bytes.length - expectedLength} unexpected bytes after the data: got ${bytes.length} bytes, ` +
        `the header promises ${count} images of ${rows}×${cols} plus labels = ${expectedLength} bytes`,
    );
  }
  const actualCrc = crc32(bytes.subarray(MNIST_HEADER_BYTES));
  if (actualCrc !== expectedCrc) {
    throw new Error(
      `decodeMnist: corrupt data: CRC-32 of the ${expectedLength - MNIST_HEADER_BYTES} data bytes is ${hex32(actualCrc)}, ` +
        `the header records ${hex32(expectedCrc)}`,
    );
  }
  // new Uint8Array(view) copies into a plain Uint8Array; bytes.slice would return a shared view
  // (and a Buffer) when handed a Node Buffer.
  const images = new Uint8Array(bytes.subarray(MNIST_HEADER_BYTES, MNIST_HEADER_BYTES + pixelCount));
  const labels = new Uint8Array(bytes.subarray(MNIST_HEADER_BYTES + pixelCount, expectedLength));
  const badLabel = labels.findIndex((label) => label >= MNIST_CLASS_COUNT);
  if (badLabel >= 0) {
    throw new Error(`decodeMnist: corrupt data: label ${labels[badLabel]} at index ${badLabel} is not a digit 0..9`);
  }
  return { images, labels, count, rows, cols };
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
