// MNIST digits as IDX arrays (dtype, shape, data): the form @backprop/core's idxImagesToTensor and
// idxLabelsToTensor take, so one function in core turns bytes into float tensors. Views, no copies.
// Browser-safe; must not import node:* nor @backprop/core (the shapes match core's IdxArray structurally).
import type { MnistData } from './mnist-format.js';

/** The images [N, rows, cols] and labels [N] of {@link mnistAsIdx}, shaped like core's `IdxArray`. */
export interface MnistIdx {
  images: { dtype: 'uint8'; shape: number[]; data: Uint8Array };
  labels: { dtype: 'uint8'; shape: number[]; data: Uint8Array };
}

/**
 * The first `limit` digits of `data` (all by default) as IDX arrays that view its bytes.
 *
 * @example
 * ```ts
 * import { idxImagesToTensor, idxLabelsToTensor } from '@backprop/core';
 * const { images, labels } = mnistAsIdx(mnistSplit(data).test);
 * const x = idxImagesToTensor(images, { flatten: true }); // [2000, 784] in [0, 1]
 * const y = idxLabelsToTensor(labels);                     // [2000] class indices
 * ```
 */
export function mnistAsIdx(data: MnistData, limit = data.count): MnistIdx {
  if (!(Number.isInteger(limit) || limit === Number.POSITIVE_INFINITY) || limit < 0) {
    throw new Error(`mnistAsIdx: limit must be a whole number ≥ 0, got ${String(limit)}`);
  }
  const count = Math.min(limit, data.count);
  const pixels = data.rows * data.cols;
  return {
    images: { dtype: 'uint8', shape: [count, data.rows, data.cols], data: data.images.subarray(0, count * pixels) },
    labels: { dtype: 'uint8', shape: [count], data: data.labels.subarray(0, count) },
  };
}
