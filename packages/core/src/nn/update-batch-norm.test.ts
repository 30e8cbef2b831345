// updateBatchNorm as torch.optim.swa_utils.update_bn: running statistics = the mean of the batch
// statistics (a PyTorch BatchNorm with momentum None after a reset), parameters and mode untouched.
import { describe, expect, it } from 'vitest';
import { DataLoader, Generator, randn, Tensor, TensorDataset } from '../index.js';
import { Linear } from './linear.js';
import { BatchNorm1d, BatchNorm2d } from './normalization.js';
import { Sequential } from './sequential.js';
import { updateBatchNorm } from './update-batch-norm.js';

describe('updateBatchNorm', () => {
  it("equals a fresh momentum-None BatchNorm fed the same batches (PyTorch's cumulative average)", () => {
    const generator = new Generator(3);
    const x = randn([10, 2, 3, 3], { generator }).mul(2).add(1);
    const lagging = new BatchNorm2d(2); // momentum 0.1: after 3 batches its running statistics are still near (0, 1)
    const cumulative = new BatchNorm2d(2, { momentum: null });
    const batches = [x.slice(0, 0, 4), x.slice(0, 4, 8), x.slice(0, 8, 10)];
    for (const batch of batches) cumulative.forward(batch);
    updateBatchNorm(lagging, batches);
    for (let c = 0; c < 2; c++) {
      expect(lagging.runningMean!.data[c]).toBeCloseTo(cumulative.runningMean!.data[c]!, 6);
      expect(lagging.runningVar!.data[c]).toBeCloseTo(cumulative.runningVar!.data[c]!, 5);
    }
    expect(lagging.numBatchesTracked!.data[0]).toBe(3);
    expect(lagging.training).toBe(true);
  });

  it('averages per batch through a whole model, leaves weights and eval mode alone, reads DataLoader tuples', () => {
    const generator = new Generator(5);
    const linear = new Linear(3, 4, { generator });
    const norm = new BatchNorm1d(4);
    const model = new Sequential(linear, norm);
    model.eval();
    const weights = model.parameters().map((p) => p.data.slice());
    const inputs = randn([12, 3], { generator });
    const loader = new DataLoader(new TensorDataset(inputs, new Tensor(new Float32Array(12), [12])), { batchSize: 5 }); // 5, 5, 2
    updateBatchNorm(model, loader);
    expect(model.training).toBe(false);
    model.parameters().forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(weights[i]!)));
    // By hand: each batch's per-feature mean and unbiased variance of the Linear's output, averaged over the 3 batches.
    const expectedMean = new Float64Array(4);
    const expectedVar = new Float64Array(4);
    for (const [start, end] of [
      [0, 5],
      [5, 10],
      [10, 12],
    ] as const) {
      const out = linear.forward(inputs.slice(0, start, end));
      const n = end - start;
      for (let f = 0; f < 4; f++) {
        const column = Array.from({ length: n }, (_, r) => out.data[r * 4 + f]!);
        const mean = column.reduce((a, b) => a + b, 0) / n;
        expectedMean[f]! += mean / 3;
        expectedVar[f]! += column.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) / 3;
      }
    }
    for (let f = 0; f < 4; f++) {
      expect(norm.runningMean!.data[f]).toBeCloseTo(expectedMean[f]!, 5);
      expect(norm.runningVar!.data[f]).toBeCloseTo(expectedVar[f]!, 5);
    }
  });

  it('refuses no batches, and does nothing to a model without running statistics', () => {
    expect(() => updateBatchNorm(new BatchNorm1d(2), [])).toThrow(
      'updateBatchNorm: batches yielded nothing; give the training data (e.g. a DataLoader over it)',
    );
    const free = new BatchNorm1d(2, { trackRunningStats: false });
    expect(() => updateBatchNorm(free, [])).not.toThrow();
  });
});
