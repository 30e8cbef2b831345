// randomSplit and stratifiedSplit: seeded partitions of a dataset into disjoint Subsets (torch.utils.data.random_split; per class).
// Imports data/dataset and random/ (generator, global-generator) only: no `node:` modules (browsers).
import { Generator } from '../random/generator.js';
import { globalGenerator } from '../random/global-generator.js';
import { Subset, type Dataset } from './dataset.js';

/**
 * Splits `dataset` into disjoint random subsets that together hold every sample once.
 *
 * `lengths` are either sample counts summing to `dataset.length`, or fractions summing to 1:
 * then each split gets `floor(fraction · N)` samples and the remainder is dealt one at a time to
 * the splits in order (PyTorch's rule). The permutation comes from `seedOrGenerator`: a seed
 * (same seed → same split), a `Generator` (advanced), or by default the global generator.
 *
 * @example
 * ```ts
 * const [train, test] = randomSplit(mnist, [0.8, 0.2], 0); // 8,000 / 2,000 of 10,000
 * const [a, b, c] = randomSplit(data, [50, 30, 20], new Generator(1));
 * ```
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  seedOrGenerator: number | Generator = globalGenerator(),
): Subset<T>[] {
  const counts = splitCounts(lengths, dataset.length);
  const generator = typeof seedOrGenerator === 'number' ? new Generator(seedOrGenerator) : seedOrGenerator;
  const order = new Int32Array(dataset.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  generator.shuffle(order);
  let start = 0;
  return counts.map((count) => {
    const subset = new Subset(dataset, order.subarray(start, start + count));
    start += count;
    return subset;
  });
}

/** Turns counts or fractions into counts that sum to `total`, or throws saying how to fix them. */
export function splitCounts(lengths: readonly number[], total: number): number[] {
  const shown = `[${lengths.join(', ')}]`;
  if (lengths.length === 0) throw new Error('randomSplit: lengths is empty; give counts or fractions, e.g. [0.8, 0.2]');
  if (lengths.some((length) => typeof length !== 'number' || !Number.isFinite(length) || length < 0)) {
    throw new RangeError(`randomSplit: lengths ${shown} must be non-negative finite numbers`);
  }
  const sum = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every(Number.isInteger) && sum === total) return [...lengths];
  if (lengths.every((length) => length <= 1) && Math.abs(sum - 1) <= 1e-6) {
    const counts = lengths.map((fraction) => Math.floor(fraction * total));
    let remainder = total - counts.reduce((a, b) => a + b, 0);
    if (remainder < 0) throw new Error(`randomSplit: fractions ${shown} exceed 1; make them sum to exactly 1`);
    for (let i = 0; remainder > 0; i = (i + 1) % counts.length, remainder--) counts[i]!++;
    return counts;
  }
  throw new Error(
    `randomSplit: lengths ${shown} sum to ${sum}, but the dataset has ${total} samples; ` +
      `give integer counts that sum to ${total} or fractions that sum to 1`,
  );
}

/**
 * Like {@link randomSplit} with fractions, but per class: each class's samples are shuffled and
 * split by `fractions` on their own (PyTorch's rule for the remainder, per class), so every split
 * keeps the class proportions — scikit-learn's `train_test_split(stratify=labels)`. Each split's
 * samples come in a seeded random order. `labels[i]` is sample i's class (any integers).
 *
 * @example
 * ```ts
 * const [train, validation] = stratifiedSplit(pictures, labels, [0.8, 0.2], 0); // 80 / 20 of every class
 * ```
 */
export function stratifiedSplit<T>(
  dataset: Dataset<T>,
  labels: ArrayLike<number>,
  fractions: readonly number[],
  seedOrGenerator: number | Generator = globalGenerator(),
): Subset<T>[] {
  if (labels.length !== dataset.length) {
    throw new Error(
      `stratifiedSplit: ${labels.length} labels for a dataset of ${dataset.length} samples; give one label per sample`,
    );
  }
  if (fractions.some((fraction) => fraction > 1) || Math.abs(fractions.reduce((a, b) => a + b, 0) - 1) > 1e-6) {
    throw new Error(`stratifiedSplit: fractions [${fractions.join(', ')}] must sum to 1, e.g. [0.8, 0.2]`);
  }
  const generator = typeof seedOrGenerator === 'number' ? new Generator(seedOrGenerator) : seedOrGenerator;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = byClass.get(labels[i]!);
    if (members === undefined) byClass.set(labels[i]!, [i]);
    else members.push(i);
  }
  const parts: number[][] = fractions.map(() => []);
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = Int32Array.from(byClass.get(label)!);
    generator.shuffle(members);
    let start = 0;
    splitCounts(fractions, members.length).forEach((count, part) => {
      parts[part]!.push(...members.subarray(start, start + count));
      start += count;
    });
  }
  return parts.map((indices) => {
    const order = Int32Array.from(indices);
    generator.shuffle(order);
    return new Subset(dataset, order);
  });
}
