// Tests for encodeMnist / decodeMnist on tiny hand-built buffers, including every corruption error.

import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';
import { decodeMnist, encodeMnist, type MnistData } from './mnist-format.js';

/** Two 2×3 images and their labels, written byte by byte as the README's layout table says. */
function handBuilt(): Uint8Array {
  const payload = Uint8Array.of(
    0,
    255,
    0,
    128,
    64,
    32, // image 0: rows [0 255 0], [128 64 32]
    1,
    2,
    3,
    4,
    5,
    6, // image 1
    7,
    0, // labels
  );
  const crc = crc32(payload);
  const header = Uint8Array.of(
    0x42,
    0x50,
    0x4d,
    0x4e, // "BPMN"
    1,
    2,
    3,
    0, // version, rows, cols, reserved
    2,
    0,
    0,
    0, // count = 2, little-endian
    crc & 0xff,
    (crc >>> 8) & 0xff,
    (crc >>> 16) & 0xff,
    crc >>> 24,
  );
  const bytes = new Uint8Array(header.length + payload.length);
  bytes.set(header);
  bytes.set(payload, header.length);
  return bytes;
}

const tiny: MnistData = {
  images: Uint8Array.of(0, 255, 0, 128, 64, 32, 1, 2, 3, 4, 5, 6),
  labels: Uint8Array.of(7, 0),
  count: 2,
  rows: 2,
  cols: 3,
};

/** Rewrites the header CRC so that only the intended corruption is left. */
function withFreshCrc(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer).setUint32(12, crc32(bytes.subarray(16)), true);
  return bytes;
}

describe('decodeMnist', () => {
  it('decodes a hand-built buffer', () => {
    expect(decodeMnist(handBuilt())).toEqual(tiny);
  });

  it('round-trips with encodeMnist, byte for byte', () => {
    expect(encodeMnist(tiny)).toEqual(handBuilt());
    expect(decodeMnist(encodeMnist(tiny))).toEqual(tiny);
  });

  it('round-trips an empty set and 28×28 images', () => {
    const empty: MnistData = { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, rows: 28, cols: 28 };
    expect(decodeMnist(encodeMnist(empty))).toEqual(empty);
    const images = Uint8Array.from({ length: 3 * 784 }, (_, i) => (i * 31) & 0xff);
    const digits: MnistData = { images, labels: Uint8Array.of(9, 0, 4), count: 3, rows: 28, cols: 28 };
    expect(decodeMnist(encodeMnist(digits))).toEqual(digits);
  });

  it('copies: the result does not alias the input bytes', () => {
    const bytes = handBuilt();
    const decoded = decodeMnist(bytes);
    bytes.fill(0);
    expect(decoded.images[1]).toBe(255);
  });

  it('returns plain, unshared Uint8Arrays when given a Node Buffer', () => {
    const buffer = Buffer.from(handBuilt());
    const decoded = decodeMnist(buffer);
    expect(Object.getPrototypeOf(decoded.images)).toBe(Uint8Array.prototype);
    expect(Object.getPrototypeOf(decoded.labels)).toBe(Uint8Array.prototype);
    buffer.fill(0);
    expect(decoded.images[1]).toBe(255);
    expect(decoded.labels[0]).toBe(7);
  });

  it('reads a buffer that is a view at an offset into a larger one', () => {
    const inner = handBuilt();
    const outer = new Uint8Array(inner.length + 5);
    outer.set(inner, 3);
    expect(decodeMnist(outer.subarray(3, 3 + inner.length))).toEqual(tiny);
  });

  it('names truncation of the header and of the data', () => {
    expect(() => decodeMnist(handBuilt().subarray(0, 10))).toThrow(
      'decodeMnist: truncated: 10 bytes is shorter than the 16-byte header',
    );
    expect(() => decodeMnist(handBuilt().subarray(0, 29))).toThrow(
      'decodeMnist: truncated: 29 bytes, but the header promises 2 images of 2×3 plus labels = 30 bytes',
    );
  });

  it('names extra bytes after the data', () => {
    const bytes = new Uint8Array(31);
    bytes.set(handBuilt());
    expect(() => decodeMnist(bytes)).toThrow('decodeMnist: 1 unexpected bytes after the data');
  });

  it('names a wrong magic, version or reserved byte', () => {
    const notOurs = handBuilt();
    notOurs[0] = 0x50; // 'P'
    expect(() => decodeMnist(notOurs)).toThrow(
      'decodeMnist: not a Backprop MNIST file: magic bytes are 50 50 4d 4e, expected 42 50 4d 4e ("BPMN")',
    );
    const future = handBuilt();
    future[4] = 2;
    expect(() => decodeMnist(future)).toThrow('decodeMnist: unsupported format version 2');
    const reserved = handBuilt();
    reserved[7] = 1;
    expect(() => decodeMnist(reserved)).toThrow('decodeMnist: corrupt header: rows 2, cols 3, reserved byte 1');
  });

  it('detects a flipped pixel through the CRC-32', () => {
    const bytes = handBuilt();
    bytes[17] ^= 0x01;
    expect(() => decodeMnist(bytes)).toThrow(
      /^decodeMnist: corrupt data: CRC-32 of the 14 data bytes is 0x[0-9a-f]{8}, the header records 0x[0-9a-f]{8}$/,
    );
  });

  it('rejects a label outside 0..9 even with a matching CRC', () => {
    const bytes = handBuilt();
    bytes[29] = 10;
    expect(() => decodeMnist(withFreshCrc(bytes))).toThrow(
      'decodeMnist: corrupt data: label 10 at index 1 is not a digit 0..9',
    );
  });

  it('points gzip bytes to decodeMnistGzip / loadMnist, and rejects non-bytes', () => {
    expect(() => decodeMnist(Uint8Array.of(0x1f, 0x8b, 8, 0))).toThrow(
      /gzip-compressed; use decodeMnistGzip\(bytes\), or loadMnist\(\)/,
    );
    expect(() => decodeMnist([1, 2, 3] as unknown as Uint8Array)).toThrow(
      'decodeMnist: expected a Uint8Array, got Array',
    );
  });
});

describe('encodeMnist', () => {
  it('checks sizes and labels with actionable messages', () => {
    expect(() => encodeMnist({ ...tiny, images: new Uint8Array(11) })).toThrow(
      'encodeMnist: images has 11 bytes, expected count × rows × cols = 2 × 2 × 3 = 12',
    );
    expect(() => encodeMnist({ ...tiny, labels: Uint8Array.of(1) })).toThrow(
      'encodeMnist: labels has 1 entries, expected count = 2',
    );
    expect(() => encodeMnist({ ...tiny, labels: Uint8Array.of(1, 12) })).toThrow(
      'encodeMnist: label 12 at index 1 is not a digit 0..9',
    );
    expect(() => encodeMnist({ ...tiny, rows: 256 })).toThrow('encodeMnist: rows (256) must be an integer in 1..255');
  });
});
