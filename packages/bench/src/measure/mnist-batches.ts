// Real training data for the measurements: digits of Backprop's fixed 8,000 / 2,000 MNIST split,
// shipped by @backprop/datasets (nothing is downloaded), cut into batches. Imports no library under test.
import { mnistSplit } from '@backprop/datasets';
import { loadMnistSync } from '@backprop/datasets/node';
import type { Batch } from './library.js';

/**
 * The first `count` training digits (pixels scaled to 0..1) in batches of `size`; the last batch
 * is shorter when `size` does not divide `count`. Every batch views one shared Float32Array.
 *
 * @example
 * ```ts
 * const [batch] = mnistBatches(256, 256); // one batch: images [256 × 784], labels [256]
 * ```
 */
export function mnistBatches(size: number, count: number): Batch[] {
  const { train } = mnistSplit(loadMnistSync());
  if (!(Number.isInteger(size) && size >= 1 && Number.isInteger(count) && count >= 1 && count <= train.count)) {
    throw new Error(
      `mnistBatches: need whole numbers 1 ≤ size and 1 ≤ count ≤ ${train.count}, got size ${size}, count ${count}`,
    );
  }
  const pixels = train.rows * train.cols;
  // A plain loop: Float32Array.from with a map function builds a JS array of millions of numbers first.
  const images = new Float32Array(count * pixels);
  for (let i = 0; i < images.length; i++) images[i] = train.images[i]! / 255;
  const labels = Float32Array.from(train.labels.subarray(0, count));
  const batches: Batch[] = [];
  for (let start = 0; start < count; start += size) {
    const end = Math.min(start + size, count);
    batches.push({
      images: images.subarray(start * pixels, end * pixels),
      labels: labels.subarray(start, end),
      size: end - start,
    });
  }
  return batches;
}
