// readIdxFile / readMnistFiles on real files in a temp folder, gzipped (node:zlib) and plain.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readIdxBytes, readIdxFile, readMnistFiles } from './idx-node.js';

const IMAGES = Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255, 51, 102);
const LABELS = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 2, 4, 9);

const folder = mkdtempSync(join(tmpdir(), 'backprop-idx-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return path;
}

describe('readIdxFile', () => {
  it('reads a plain IDX file', () => {
    const idx = readIdxFile(write('plain-idx3-ubyte', IMAGES));
    expect(idx.shape).toEqual([2, 1, 2]);
    expect(Array.from(idx.data)).toEqual([0, 255, 51, 102]);
  });

  it('gunzips a file that starts with 1f 8b, whatever its name', () => {
    const gzipped = gzipSync(IMAGES);
    expect([gzipped[0], gzipped[1]]).toEqual([0x1f, 0x8b]);
    expect(Array.from(readIdxBytes(write('images.gz', gzipped)))).toEqual(Array.from(IMAGES));
    expect(readIdxFile(write('no-extension', gzipped)).shape).toEqual([2, 1, 2]);
  });

  it('names the path in errors', () => {
    const path = write('labels-idx1-ubyte.gz', gzipSync(LABELS));
    expect(() => readIdxFile(path, { magic: 0x00000803 })).toThrow(`${path}: wrong magic number: expected 0x00000803`);
    const broken = write('broken.gz', Uint8Array.of(0x1f, 0x8b, 1, 2, 3));
    expect(() => readIdxFile(broken)).toThrow(`${broken}: starts like a gzip file (1f 8b) but does not gunzip`);
    const truncated = write('truncated.gz', gzipSync(IMAGES.subarray(0, 18)));
    expect(() => readIdxFile(truncated)).toThrow(`${truncated}: truncated file: expected 20 bytes`);
  });
});

describe('readMnistFiles', () => {
  it('pairs an images file and a labels file, gzipped or not', () => {
    const mnist = readMnistFiles(write('i.gz', gzipSync(IMAGES)), write('l', LABELS), { flatten: true });
    expect(mnist.length).toBe(2);
    const [image, label] = mnist.get(0);
    expect(image.shape).toEqual([2]);
    expect(Array.from(image.data)).toEqual([0, 1]);
    expect(label.item()).toBe(4);
  });

  it('names both paths on a count mismatch', () => {
    const images = write('mismatch-images', IMAGES);
    const labels = write('mismatch-labels', Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 1, 4));
    expect(() => readMnistFiles(images, labels)).toThrow(
      `mnistFromIdx: ${images} has 2 images but ${labels} has 1 labels`,
    );
  });
});

describe('bounded reading and decompression (12, 13)', () => {
  it('caps gzip output at maxBytes: a small bomb is refused without inflating it all', () => {
    const zeros = new Uint8Array(64 * 1024 * 1024); // 64 MiB of zeros gzip to ~64 KB
    const bomb = write('bomb-idx3-ubyte.gz', gzipSync(zeros));
    expect(() => readIdxBytes(bomb, { maxBytes: 1024 * 1024 })).toThrow(
      `${bomb}: decompresses to more than 1,048,576 bytes, over the limit (maxBytes); raise maxBytes if the file is trusted`,
    );
    expect(readIdxBytes(bomb, { maxBytes: zeros.length }).length).toBe(zeros.length);
  });

  it('refuses a header that declares more than maxBytes, before reading values', () => {
    // 60000×28×28 declared, 16 bytes present: the declared size is checked first.
    const header = Uint8Array.of(0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28);
    expect(() => readIdxFile(write('big-idx3-ubyte', header), { maxBytes: 1_000_000 })).toThrow(
      'big-idx3-ubyte: 60000×28×28 uint8 values = 47,040,016 bytes declared, over the 1,000,000-byte limit (maxBytes); raise maxBytes if the file is trusted',
    );
    const huge = Uint8Array.of(0, 0, 0x0e, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    expect(() => readIdxFile(write('huge-idx2-double', huge))).toThrow(
      /4294967295×4294967295 float64 values = 147,573,952,520,[\d,]+ bytes declared, over the 268,435,456-byte limit \(maxBytes\)/,
    );
  });

  it('refuses a plain file over maxBytes before reading it', () => {
    const path = write('plain-over-idx3-ubyte', IMAGES);
    expect(() => readIdxFile(path, { maxBytes: IMAGES.length - 1 })).toThrow(
      `is ${IMAGES.length} bytes, over the ${IMAGES.length - 1}-byte limit (maxBytes)`,
    );
    expect(readIdxFile(path, { maxBytes: IMAGES.length }).shape).toEqual([2, 1, 2]);
  });
});
