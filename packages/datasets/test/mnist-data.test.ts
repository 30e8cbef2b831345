// The shipped file and the fixed split, pinned forever: checksums, counts, label histograms, pixel range.
// A failure here means the data or the split changed; that breaks every published figure.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MNIST_FILE,
  MNIST_SPLIT,
  decodeMnistGzip,
  mnistSplit,
  mnistSplitIndices,
  type MnistData,
} from '../src/index.js';
import { MNIST_DATA_PATH, loadMnist, loadMnistSync } from '../src/node.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function histogram(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/** Class counts of the `mnist` package, which equal those of the first 10,000 MNIST training images. */
const ALL_HISTOGRAM = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const TRAIN_HISTOGRAM = [790, 922, 793, 840, 778, 687, 808, 860, 750, 772];
const TEST_HISTOGRAM = [211, 205, 198, 192, 202, 176, 206, 210, 194, 206];
/** SHA-256 of the 2,000 test indices as little-endian uint32, in split order. */
const TEST_INDICES_SHA256 = 'b7417a2a09753145bfe09848b0cdf826df49a4c0f4908c369436827c1f73e11a';
const TRAIN_INDICES_SHA256 = '101ba5913d489490439b413ebce680761fc7e0fa923dec449f6bcb19cf4acede';

const bytesOf = (array: Uint8Array): Buffer => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/** Asserts two data sets are identical by byte comparison (toEqual on 7.8 MB arrays takes minutes). */
function expectSameData(actual: MnistData, expected: MnistData): void {
  expect([actual.count, actual.rows, actual.cols]).toEqual([expected.count, expected.rows, expected.cols]);
  expect(Buffer.compare(bytesOf(actual.images), bytesOf(expected.images))).toBe(0);
  expect(Buffer.compare(bytesOf(actual.labels), bytesOf(expected.labels))).toBe(0);
}

let mnist: MnistData;
beforeAll(async () => {
  mnist = await loadMnist();
});

describe('the shipped file', () => {
  it('matches the SHA-256 and size recorded in MNIST_FILE', () => {
    const compressed = readFileSync(MNIST_DATA_PATH);
    expect(compressed.length).toBe(MNIST_FILE.bytes);
    expect(sha256(compressed)).toBe(MNIST_FILE.sha256);
    const raw = gunzipSync(compressed);
    expect(raw.length).toBe(MNIST_FILE.rawBytes);
    expect(sha256(raw)).toBe(MNIST_FILE.rawSha256);
  });

  it('holds 10,000 28×28 digits with every label 0..9 present', () => {
    expect(mnist.count).toBe(10_000);
    expect([mnist.rows, mnist.cols]).toEqual([28, 28]);
    expect(mnist.images.length).toBe(10_000 * 784);
    expect(mnist.labels.length).toBe(10_000);
    expect(histogram(mnist.labels)).toEqual(ALL_HISTOGRAM);
  });

  it('keeps the source order: grouped by class, 0s first', () => {
    const firstOfEach = ALL_HISTOGRAM.map((_, digit) => mnist.labels.indexOf(digit));
    expect(firstOfEach).toEqual([0, 1001, 2128, 3119, 4151, 5131, 5994, 7008, 8078, 9022]);
  });

  it('has pixels spanning 0..255 and ink in every image', () => {
    let min = 255;
    let max = 0;
    for (const pixel of mnist.images) {
      if (pixel < min) min = pixel;
      if (pixel > max) max = pixel;
    }
    expect([min, max]).toEqual([0, 255]);
    for (let i = 0; i < mnist.count; i++) {
      const image = mnist.images.subarray(i * 784, (i + 1) * 784);
      expect(
        image.some((pixel) => pixel > 128),
        `image ${i} has no ink`,
      ).toBe(true);
      expect(image[0], `image ${i} has a dark corner`).toBe(0); // MNIST digits are centred in a blank border
    }
  });

  it('loads the same through loadMnistSync and the browser path decodeMnistGzip', async () => {
    expectSameData(loadMnistSync(), mnist);
    expectSameData(await decodeMnistGzip(readFileSync(MNIST_DATA_PATH)), mnist);
  });
});

describe('the fixed split (seed 0x5eed, 8,000 / 2,000)', () => {
  it('has the documented constants', () => {
    expect(MNIST_SPLIT).toEqual({ seed: 0x5eed, count: 10_000, trainCount: 8_000, testCount: 2_000 });
  });

  it('is disjoint and covers all 10,000 digits', () => {
    const { train, test } = mnistSplitIndices();
    expect(train.length).toBe(8_000);
    expect(test.length).toBe(2_000);
    const seen = new Uint8Array(10_000);
    for (const index of [...train, ...test]) seen[index]++;
    expect(seen.every((times) => times === 1)).toBe(true);
  });

  it('never changes: pinned index checksums and first indices', () => {
    const { train, test } = mnistSplitIndices();
    expect(sha256(new Uint8Array(test.buffer, test.byteOffset, test.byteLength))).toBe(TEST_INDICES_SHA256);
    expect(sha256(new Uint8Array(train.buffer, train.byteOffset, train.byteLength))).toBe(TRAIN_INDICES_SHA256);
    expect(Array.from(test.subarray(0, 4))).toEqual([2239, 2682, 8908, 8529]);
    expect(Array.from(train.subarray(0, 4))).toEqual([1633, 3368, 2385, 7274]);
  });

  it('never changes: pinned class histograms of both parts, every class near 20 % in test', () => {
    const { train, test } = mnistSplit(mnist);
    expect(histogram(train.labels)).toEqual(TRAIN_HISTOGRAM);
    expect(histogram(test.labels)).toEqual(TEST_HISTOGRAM);
    TEST_HISTOGRAM.forEach((count, digit) => {
      const share = count / ALL_HISTOGRAM[digit];
      expect(share).toBeGreaterThan(0.17);
      expect(share).toBeLessThan(0.23);
    });
  });

  it('copies the right images and labels in split order', () => {
    const { train, test, indices } = mnistSplit(mnist);
    expect([train.count, test.count, train.rows, test.cols]).toEqual([8_000, 2_000, 28, 28]);
    expect(train.images.length).toBe(8_000 * 784);
    expect(test.images.length).toBe(2_000 * 784);
    for (const [part, order] of [
      [train, indices.train],
      [test, indices.test],
    ] as const) {
      for (const position of [0, 1, 777, order.length - 1]) {
        const source = order[position];
        expect(part.labels[position]).toBe(mnist.labels[source]);
        expect(Array.from(part.images.subarray(position * 784, (position + 1) * 784))).toEqual(
          Array.from(mnist.images.subarray(source * 784, (source + 1) * 784)),
        );
      }
    }
  });

  it('refuses data that is not the 10,000 shipped digits', () => {
    const small = {
      ...mnist,
      count: 3,
      images: mnist.images.subarray(0, 3 * 784),
      labels: mnist.labels.subarray(0, 3),
    };
    expect(() => mnistSplit(small)).toThrow(
      'mnistSplit: the fixed split is defined for the 10000 shipped digits (loadMnist()), got 3',
    );
  });
});
