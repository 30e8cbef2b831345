// `--data mnist`: the 10,000 embedded MNIST digits with Backprop's fixed 8,000 / 2,000 split.
// Node-only (reads the data file of @backprop/datasets).
import { idxImagesToTensor, idxLabelsToTensor, TensorDataset } from '@backprop/core';
import { mnistAsIdx, mnistSplit, type MnistData } from '@backprop/datasets';
import { loadMnistSync } from '@backprop/datasets/node';
import type { LabelledData, LabelledSet } from './labelled-data.js';

function toSet(part: MnistData): LabelledSet {
  const { images, labels } = mnistAsIdx(part);
  return new TensorDataset(idxImagesToTensor(images), idxLabelsToTensor(labels));
}

/**
 * The embedded MNIST digits: images [N, 1, 28, 28] in 0..1, labels 0..9.
 *
 * @example
 * ```ts
 * const { train, test } = loadEmbeddedMnist(); // 8,000 and 2,000 digits
 * ```
 */
export function loadEmbeddedMnist(): LabelledData {
  const { train, test } = mnistSplit(loadMnistSync());
  return {
    description: 'MNIST, embedded 10,000 digits, fixed 8,000 / 2,000 split',
    train: toSet(train),
    test: toSet(test),
    sampleShape: [1, 28, 28],
    classes: 10,
    pixelScale: 255,
    warnings: [],
  };
}
