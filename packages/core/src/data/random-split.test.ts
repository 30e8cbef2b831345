// randomSplit and stratifiedSplit: disjoint, complete, seeded; counts and fractions; class proportions kept; errors that say the fix.
import { describe, expect, it } from 'vitest';
import { Generator } from '../random/generator.js';
import { arange } from '../tensor/create.js';
import { TensorDataset, type Subset } from './dataset.js';
import { randomSplit, splitCounts, stratifiedSplit } from './random-split.js';

const data = new TensorDataset(arange(100));
const members = (subset: Subset<unknown>) => Array.from(subset.indices);

describe('randomSplit', () => {
  it('partitions the dataset: disjoint and complete', () => {
    const parts = randomSplit(data, [60, 30, 10], 0);
    expect(parts.map((part) => part.length)).toEqual([60, 30, 10]);
    const all = parts.flatMap(members);
    expect(new Set(all).size).toBe(100);
    expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = randomSplit(data, [0.8, 0.2], 5).map(members);
    expect(randomSplit(data, [0.8, 0.2], 5).map(members)).toEqual(a);
    expect(randomSplit(data, [0.8, 0.2], new Generator(5)).map(members)).toEqual(a);
    expect(randomSplit(data, [0.8, 0.2], 6).map(members)).not.toEqual(a);
    expect(a[0]).not.toEqual(Array.from({ length: 80 }, (_, i) => i)); // shuffled
  });

  it('advances a generator it is given, so consecutive splits differ', () => {
    const generator = new Generator(1);
    const first = randomSplit(data, [50, 50], generator).map(members);
    expect(randomSplit(data, [50, 50], generator).map(members)).not.toEqual(first);
  });

  it('returns views whose samples are those of the dataset', () => {
    const [train] = randomSplit(data, [0.5, 0.5], 2);
    const [value] = train!.get(3);
    expect(value.item()).toBe(train!.indices[3]);
  });

  it('turns fractions into counts, dealing the remainder in order like PyTorch', () => {
    expect(splitCounts([0.8, 0.2], 10_000)).toEqual([8000, 2000]);
    expect(splitCounts([0.33, 0.33, 0.34], 10)).toEqual([4, 3, 3]);
    expect(splitCounts([0.5, 0.5], 5)).toEqual([3, 2]);
    expect(splitCounts([1, 0], 1)).toEqual([1, 0]); // counts, since they sum to the length
    expect(splitCounts([0.25, 0.25, 0.25, 0.25], 3)).toEqual([1, 1, 1, 0]);
  });

  it('says how to fix lengths that do not fit', () => {
    expect(() => randomSplit(data, [60, 30])).toThrow(
      'randomSplit: lengths [60, 30] sum to 90, but the dataset has 100 samples; give integer counts that sum to 100 or fractions that sum to 1',
    );
    expect(() => randomSplit(data, [0.5, 0.4])).toThrow('sum to 0.9');
    expect(() => randomSplit(data, [-10, 110])).toThrow('must be non-negative finite numbers');
    expect(() => randomSplit(data, [])).toThrow('lengths is empty');
  });
});

describe('stratifiedSplit', () => {
  // 100 samples: 70 of class 0, 25 of class 1, 5 of class 2.
  const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : i < 95 ? 1 : 2));

  it('splits every class by the fractions (remainder to the first split), disjoint and complete', () => {
    const [train, validation] = stratifiedSplit(data, labels, [0.8, 0.2], 3);
    const count = (subset: Subset<unknown>, label: number) => members(subset).filter((i) => labels[i] === label).length;
    expect([0, 1, 2].map((label) => count(train!, label))).toEqual([56, 20, 4]);
    expect([0, 1, 2].map((label) => count(validation!, label))).toEqual([14, 5, 1]);
    const all = [...members(train!), ...members(validation!)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('is deterministic per seed, shuffled, and differs between seeds', () => {
    const first = stratifiedSplit(data, labels, [0.8, 0.2], 3).map(members);
    expect(stratifiedSplit(data, labels, [0.8, 0.2], 3).map(members)).toEqual(first);
    expect(stratifiedSplit(data, labels, [0.8, 0.2], 4).map(members)).not.toEqual(first);
    expect(first[0]).not.toEqual([...first[0]!].sort((a, b) => a - b)); // not grouped by class
  });

  it('names bad input', () => {
    expect(() => stratifiedSplit(data, labels.subarray(0, 10), [0.8, 0.2], 0)).toThrow(
      'stratifiedSplit: 10 labels for a dataset of 100 samples',
    );
    expect(() => stratifiedSplit(data, labels, [0.8, 0.3], 0)).toThrow(
      'stratifiedSplit: fractions [0.8, 0.3] must sum to 1',
    );
  });
});
