// BatchNorm and LayerNorm: statistics, running averages, eval mode, gradients.
import { describe, expect, it } from 'vitest';
import { input } from '../../test/helpers.js';
import { gradcheck, tensor } from '../index.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from './normalization.js';

describe('BatchNorm', () => {
  it('exposes the last training batch statistics, and replaying them gives the forward’s running statistics', () => {
    const norm = new BatchNorm1d(2, { momentum: 0.5 });
    expect(norm.lastBatchStatistics).toBeNull();
    norm.forward(
      tensor([
        [1, 10],
        [3, 20],
        [5, 30],
      ]),
    );
    const { mean, variance, count } = norm.lastBatchStatistics!;
    expect([Array.from(mean), Array.from(variance), count]).toEqual([[3, 20], [8 / 3, 200 / 3].map(Math.fround), 3]);
    const replay = new BatchNorm1d(2, { momentum: 0.5 });
    replay.updateRunningStatistics(mean, variance, count);
    expect(replay.stateDict()).toEqual(norm.stateDict());
    norm.eval().forward(tensor([[0, 0]]));
    expect(norm.lastBatchStatistics!.mean).toBe(mean); // evaluation leaves it alone
    expect(() => replay.updateRunningStatistics(Float32Array.of(1), variance, 3)).toThrow(
      /expected 2 values each, got mean 1/,
    );
    expect(() => replay.updateRunningStatistics(mean, variance, 1)).toThrow(/count must be ≥ 2/);
  });

  it('normalises each channel in training and updates the running statistics (PyTorch rule)', () => {
    const norm = new BatchNorm1d(2, { momentum: 0.5 });
    const x = tensor([
      [1, 10],
      [3, 20],
      [5, 30],
    ]);
    const y = norm.forward(x);
    expect(Array.from(y.mean(0).data, (v) => Math.abs(v) < 1e-6)).toEqual([true, true]);
    expect(Array.from(y.var(0, { correction: 0 }).data, (v) => Math.abs(v - 1) < 1e-3)).toEqual([true, true]);
    // running = 0.5·initial + 0.5·batch; the variance is the unbiased one: [4, 100].
    expect(norm.runningMean!.toArray()).toEqual([1.5, 10]);
    expect(norm.runningVar!.toArray()).toEqual([2.5, 50.5]);
    expect(norm.numBatchesTracked!.item()).toBe(1);
    norm.eval();
    const evaluated = norm.forward(tensor([[1.5, 10]]));
    expect(evaluated.toArray()).toEqual([[0, 0]]);
  });

  it('has correct gradients in training mode, for 1-D and 2-D inputs', () => {
    const norm1 = new BatchNorm1d(3);
    norm1.weight!.data.set([0.5, -1.5, 2]);
    norm1.bias!.data.set([0.1, 0.2, -0.3]);
    // gradcheck perturbs the module's own weight and bias in place, so forward sees them.
    gradcheck((x) => norm1.forward(x).mul(tensor([1, 2, 3])), [input([4, 3], { seed: 1 }), norm1.weight!, norm1.bias!]);
    const norm2 = new BatchNorm2d(2);
    gradcheck((x) => norm2.forward(x).mul(tensor([[[[1]], [[2]]]])), [input([2, 2, 3, 2], { seed: 4 })]);
  });

  it('names the expected input', () => {
    expect(() => new BatchNorm2d(3).forward(tensor([[1, 2, 3]]))).toThrow(
      'batchNorm2d: expected input of rank 4 with 3 channels on axis 1, got [1,3]',
    );
  });
});

describe('LayerNorm', () => {
  it('normalises over the trailing axes and has correct gradients', () => {
    const norm = new LayerNorm([4]);
    const y = norm.forward(
      tensor([
        [1, 2, 3, 4],
        [10, 10, 20, 20],
      ]),
    );
    expect(Array.from(y.mean(-1).data, (v) => Math.abs(v) < 1e-6)).toEqual([true, true]);
    gradcheck((x) => norm.forward(x), [input([3, 4], { seed: 5 })]);
    gradcheck((x) => new LayerNorm([2, 3]).forward(x), [input([2, 2, 3], { seed: 6 })]);
    expect(() => norm.forward(tensor([1, 2, 3]))).toThrow(
      'layerNorm: input [3] does not end with the normalized shape [4]',
    );
  });
});
