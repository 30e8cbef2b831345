// BatchNorm affine: false, momentum: null (cumulative average) and trackRunningStats: false, and
// LayerNorm elementwiseAffine: false, against PyTorch 1.13.1; specs; gradchecks.
import { describe, expect, it } from 'vitest';
import { expectClose, input } from '../../test/helpers.js';
import { outputWeights } from '../../test/torch-inputs.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { buildModel, Tensor } from '../index.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from './normalization.js';
import { torchReference } from '../../test/torch-reference-values.js';

/** Batch k as test/torch-reference/normalization.py builds it: x[i] = ((i·37 + 11·k) mod 101)/10 − 5 + k. */
function batch(k: number, shape = [4, 3, 2, 2]): Tensor {
  const size = shape.reduce((s, n) => s * n, 1);
  return new Tensor(
    Float32Array.from({ length: size }, (_, i) => ((i * 37 + 11 * k) % 101) / 10 - 5 + k),
    shape,
    true,
  );
}
// Reference: PyTorch 1.13.1, test/torch-reference/normalization.py.
// nn.BatchNorm2d(3, affine=False, momentum=None) after training on batches 0, 1, 2, then eval on batch 3:
const CUMULATIVE = torchReference<{
  cumulative: { runningMean: number[]; runningVar: number[]; eval: number[]; gradient: number[] };
}>('normalization').cumulative;
// nn.BatchNorm2d(3, track_running_stats=False).eval() on batch 1 (batch statistics, as in training):
const UNTRACKED = torchReference<{ 'untracked eval': { value: number[]; gradient: number[] } }>('normalization')[
  'untracked eval'
];
// nn.LayerNorm([2, 2], elementwise_affine=False) on batch 2:
const LAYER_NORM = torchReference<{ layerNorm: { value: number[]; gradient: number[] } }>('normalization').layerNorm;

describe('BatchNorm options match PyTorch 1.13.1', () => {
  it('affine: false, momentum: null — no parameters, running statistics are the cumulative average', () => {
    const norm = new BatchNorm2d(3, { affine: false, momentum: null });
    expect(norm.namedParameters()).toEqual([]);
    expect(Object.keys(norm.stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    for (let k = 0; k < 3; k++) norm.forward(batch(k));
    expectClose(norm.runningMean!, CUMULATIVE.runningMean, 1e-6);
    expectClose(norm.runningVar!, CUMULATIVE.runningVar, 1e-6);
    expect(norm.numBatchesTracked!.item()).toBe(3);
    norm.eval();
    const x = batch(3);
    const y = norm.forward(x);
    expectClose(Array.from(y.data), CUMULATIVE.eval, 1e-5);
    y.backward(outputWeights(y.shape));
    expectClose(Array.from(x.grad!.data), CUMULATIVE.gradient, 1e-5);
  });

  it("trackRunningStats: false — no buffers, and evaluation normalises with the batch's statistics", () => {
    const norm = new BatchNorm2d(3, { trackRunningStats: false });
    expect(Object.keys(norm.stateDict())).toEqual(['weight', 'bias']);
    expect(norm.runningMean).toBeNull();
    norm.eval();
    const x = batch(1);
    const y = norm.forward(x);
    expectClose(Array.from(y.data), UNTRACKED.value, 1e-5);
    y.backward(outputWeights(y.shape));
    expectClose(Array.from(x.grad!.data), UNTRACKED.gradient, 1e-5);
    norm.train();
    norm.forward(batch(2));
    expect(norm.lastBatchStatistics).toBeNull(); // nothing for a data-parallel trainer to replay
    expect(() => norm.updateRunningStatistics(Float32Array.of(0, 0, 0), Float32Array.of(1, 1, 1), 4)).toThrow(
      'batchNorm2d.updateRunningStatistics: this layer keeps no running statistics (trackRunningStats: false)',
    );
  });

  it('gradcheck without affine parameters, training and untracked evaluation', () => {
    const norm = new BatchNorm1d(3, { affine: false });
    gradcheck((x) => norm.forward(x).mul(new Tensor(Float32Array.of(1, 2, 3), [3])), [input([4, 3], { seed: 71 })]);
    const untracked = new BatchNorm2d(2, { trackRunningStats: false });
    untracked.eval();
    gradcheck(
      (x, w) => untracked.forward(x).mul(w),
      [input([2, 2, 3, 2], { seed: 72 }), input([2, 1, 1], { seed: 73 })],
    );
  });
});

describe('LayerNorm elementwiseAffine: false', () => {
  it('has no parameters and matches PyTorch 1.13.1', () => {
    const norm = new LayerNorm([2, 2], { elementwiseAffine: false });
    expect(Object.keys(norm.stateDict())).toEqual([]);
    const x = batch(2);
    const y = norm.forward(x);
    expectClose(Array.from(y.data), LAYER_NORM.value, 1e-5);
    y.backward(outputWeights(y.shape));
    expectClose(Array.from(x.grad!.data), LAYER_NORM.gradient, 1e-5);
    expect(new LayerNorm([4], 1e-3).eps).toBe(1e-3); // eps alone still works as the second argument
    gradcheck((a) => norm.forward(a), [input([3, 2, 2], { seed: 74 })]);
  });
});

describe('normalization specs', () => {
  it('round-trip the new options (written only when not the default) and reject bad ones', () => {
    const layers = [
      { type: 'batchNorm2d', features: 3, eps: 1e-5, momentum: null, affine: false },
      { type: 'batchNorm1d', features: 2, eps: 1e-5, momentum: 0.1, trackRunningStats: false },
      { type: 'layerNorm', shape: [4], eps: 1e-5, elementwiseAffine: false },
    ];
    expect(buildModel({ type: 'sequential', layers }).toSpec()).toEqual({ type: 'sequential', layers });
    expect(new BatchNorm1d(2).toSpec()).toEqual({ type: 'batchNorm1d', features: 2, eps: 1e-5, momentum: 0.1 });
    expect(() => buildModel({ type: 'batchNorm1d', features: 2, momentum: 'none' })).toThrow(
      'momentum: expected a number in [0, 1] or null, got "none"',
    );
    expect(() => buildModel({ type: 'batchNorm1d', features: 2, affine: 0 })).toThrow(
      'affine: expected true or false, got 0',
    );
  });
});
