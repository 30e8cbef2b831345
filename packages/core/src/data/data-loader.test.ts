// DataLoader: batching, dropLast, seeded per-epoch shuffling, resuming, validation, collation paths.
import { describe, expect, it } from 'vitest';
import { Generator } from '../random/generator.js';
import { globalGenerator } from '../random/global-generator.js';
import { arange } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { DataLoader } from './data-loader.js';
import { Subset, TensorDataset, type Dataset } from './dataset.js';

/** N samples: inputs row i = [i, -i], labels i. */
function numbered(count: number): TensorDataset<[Tensor, Tensor]> {
  const inputs = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) inputs.set([i, -i], 2 * i);
  return new TensorDataset(new Tensor(inputs, [count, 2]), arange(count));
}

/** The label values of each batch of one epoch. */
function epochLabels(loader: Iterable<[Tensor, Tensor]>): number[][] {
  return Array.from(loader, ([, y]) => Array.from(y.data));
}

describe('DataLoader: batches', () => {
  it('yields stacked batches in order, the last one partial', () => {
    const loader = new DataLoader(numbered(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = Array.from(loader);
    expect(batches.map(([x, y]) => [x.shape, y.shape])).toEqual([
      [[4, 2], [4]],
      [[4, 2], [4]],
      [[2, 2], [2]],
    ]);
    expect(batches[2]![0].toArray()).toEqual([
      [8, -8],
      [9, -9],
    ]);
    expect(epochLabels(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('drops the partial batch with dropLast', () => {
    const loader = new DataLoader(numbered(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(epochLabels(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(new DataLoader(numbered(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(new DataLoader(numbered(3), { batchSize: 4, dropLast: true }).length).toBe(0);
    expect(Array.from(new DataLoader(numbered(3), { batchSize: 4, dropLast: true }))).toEqual([]);
  });

  it('defaults to batches of one sample', () => {
    const loader = new DataLoader(numbered(3));
    expect(loader.length).toBe(3);
    expect(Array.from(loader, ([x]) => x.shape)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it('validates batchSize with an actionable message', () => {
    for (const batchSize of [0, -2, 1.5, Number.NaN, '4' as unknown as number]) {
      expect(() => new DataLoader(numbered(4), { batchSize })).toThrow(
        /DataLoader: batchSize must be a positive integer, got .*; e\.g\. \{ batchSize: 32 \}/,
      );
    }
  });

  it('batches a plain Dataset with defaultCollate, or with a collate function', () => {
    const squares: Dataset<{ x: number; y: number }> = { length: 5, get: (i) => ({ x: i, y: i * i }) };
    const batches = Array.from(new DataLoader(squares, { batchSize: 2 }));
    expect(batches.map((batch) => Array.from(batch.y.data))).toEqual([[0, 1], [4, 9], [16]]);
    const sums = new DataLoader(squares, {
      batchSize: 5,
      collate: (samples) => samples.reduce((sum, s) => sum + s.y, 0),
    });
    expect(Array.from(sums)).toEqual([30]);
  });

  it('uses the fast path through a Subset of a TensorDataset', () => {
    const loader = new DataLoader(new Subset(numbered(10), [9, 3, 5]), { batchSize: 2 });
    expect(epochLabels(loader)).toEqual([[9, 3], [5]]);
  });
});

describe('DataLoader: shuffling', () => {
  const options = { batchSize: 3, shuffle: true, seed: 7 };

  it('visits every sample exactly once per epoch', () => {
    const loader = new DataLoader(numbered(11), options);
    for (let epoch = 0; epoch < 5; epoch++) {
      const seen = epochLabels(loader).flat();
      expect(seen).toHaveLength(11);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    }
  });

  it('keeps rows and labels together', () => {
    for (const [x, y] of new DataLoader(numbered(11), options)) {
      expect(Array.from(x.data)).toEqual(Array.from(y.data).flatMap((i) => [i, -i]));
    }
  });

  it('is deterministic per seed, and differs between seeds and between epochs', () => {
    const a = new DataLoader(numbered(20), options);
    const b = new DataLoader(numbered(20), options);
    const a0 = epochLabels(a);
    const a1 = epochLabels(a);
    expect(epochLabels(b)).toEqual(a0);
    expect(epochLabels(b)).toEqual(a1);
    expect(a1).not.toEqual(a0);
    expect(a0.flat()).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(epochLabels(new DataLoader(numbered(20), { ...options, seed: 8 }))).not.toEqual(a0);
  });

  it('does not repeat another seed’s next epoch (seed and epoch are mixed, not added)', () => {
    const seed7epoch1 = new DataLoader(numbered(20), { ...options, epoch: 1 }).order();
    const seed8epoch0 = new DataLoader(numbered(20), { ...options, seed: 8 }).order();
    expect(Array.from(seed7epoch1)).not.toEqual(Array.from(seed8epoch0));
  });

  it('counts epochs, and resumes exactly from stateDict or { epoch }', () => {
    const original = new DataLoader(numbered(20), options);
    expect(original.epoch).toBe(0);
    epochLabels(original);
    epochLabels(original);
    expect(original.epoch).toBe(2);
    const saved = JSON.parse(JSON.stringify(original.stateDict()));
    expect(saved).toEqual({ epoch: 2, seed: 7 });
    const third = epochLabels(original);

    const resumed = new DataLoader(numbered(20), { batchSize: 3, shuffle: true });
    resumed.loadStateDict(saved);
    expect(epochLabels(resumed)).toEqual(third);
    expect(epochLabels(new DataLoader(numbered(20), { ...options, epoch: 2 }))).toEqual(third);
    const rewound = new DataLoader(numbered(20), options);
    rewound.epoch = 2;
    expect(epochLabels(rewound)).toEqual(third);
  });

  it('advances the epoch when a loop starts, even if it breaks early', () => {
    const loader = new DataLoader(numbered(20), options);
    const first = epochLabels(new DataLoader(numbered(20), options))[0];
    for (const [, y] of loader) {
      expect(Array.from(y.data)).toEqual(first);
      break;
    }
    expect(loader.epoch).toBe(1);
    expect(epochLabels(loader)[0]).not.toEqual(first);
  });

  it('draws its seed once from a generator, or from the global generator only when shuffling', () => {
    const a = new DataLoader(numbered(20), { batchSize: 4, shuffle: true, generator: new Generator(3) });
    const b = new DataLoader(numbered(20), { batchSize: 4, shuffle: true, generator: new Generator(3) });
    expect(epochLabels(a)).toEqual(epochLabels(b));
    expect(a.stateDict().seed).toBe(b.stateDict().seed);

    const before = globalGenerator().getState();
    const sequential = new DataLoader(numbered(5), { batchSize: 2 });
    expect(globalGenerator().getState()).toEqual(before);
    expect(sequential.stateDict()).toEqual({ epoch: 0, seed: null });
  });

  it('validates seed, epoch and state', () => {
    expect(() => new DataLoader(numbered(4), { shuffle: true, seed: 1, generator: new Generator(1) })).toThrow(
      'either seed or generator',
    );
    expect(() => new DataLoader(numbered(4), { shuffle: true, seed: 0.5 })).toThrow(
      'DataLoader: seed must be a safe integer, got 0.5',
    );
    expect(() => new DataLoader(numbered(4), { epoch: -1 })).toThrow(
      'DataLoader: epoch must be a non-negative integer, got -1',
    );
    const loader = new DataLoader(numbered(4), { shuffle: true, seed: 1 });
    expect(() => loader.loadStateDict({ epoch: 1, seed: null })).toThrow('state has seed null');
    expect(() => (loader.epoch = 1.5)).toThrow('DataLoader.epoch: epoch must be a non-negative integer');
  });
});
