// crossEntropy and nllLoss with class weights, ignoreIndex, label smoothing and probability targets,
// against PyTorch 1.13.1 (values and gradients); gradchecks; errors.
import { describe, expect, it } from 'vitest';
import { expectClose, input } from '../../test/helpers.js';
import { outputWeights, sequence } from '../../test/torch-inputs.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { Tensor, tensor } from '../index.js';
import { crossEntropy, nllLoss, type CrossEntropyOptions } from './classification-losses.js';
import { torchReference } from '../../test/torch-reference-values.js';

const scoresOf = (shape: number[]) => sequence(shape, (i) => ((i * 37) % 101) / 20 - 2.5, true);
const outputWeightsOrNone = (shape: readonly number[]) => (shape.length === 0 ? undefined : outputWeights(shape));

const W3 = tensor([0.5, 2, 1]);
const LABELS = [0, 2, -100, 1];
const SPATIAL = tensor([
  [
    [2, 1],
    [0, 1],
  ],
  [
    [1, 1],
    [2, 0],
  ],
]);
const PROBABILITIES = tensor([
  [0.2, 0.5, 0.3],
  [1, 0, 0],
  [0.1, 0.1, 0.8],
  [0.6, 0.3, 0.1],
]);

// Reference: PyTorch 1.13.1, test/torch-reference/cross-entropy.py — F.cross_entropy / F.nll_loss of
// scoresOf(shape) with the options named, then loss.backward(outputWeights(loss.shape)): the loss
// (flattened) and the scores' gradient, 7 significant digits.
const REFERENCE = torchReference<{ cases: Record<string, { loss: number[]; gradient: number[] }> }>(
  'cross-entropy',
).cases;

const CASES: Array<[string, number[], (s: Tensor) => Tensor]> = [
  ['weight, ignored label, mean', [4, 3], (s) => crossEntropy(s, LABELS, { weight: W3 })],
  ['weight, ignored label, sum', [4, 3], (s) => crossEntropy(s, LABELS, { weight: W3, reduction: 'sum' })],
  ['weight, ignored label, none', [4, 3], (s) => crossEntropy(s, LABELS, { weight: W3, reduction: 'none' })],
  [
    'weight, ignored label, smoothing 0.2, mean',
    [4, 3],
    (s) => crossEntropy(s, LABELS, { weight: W3, labelSmoothing: 0.2 }),
  ],
  ['ignored label, smoothing 0.2, mean', [4, 3], (s) => crossEntropy(s, LABELS, { labelSmoothing: 0.2 })],
  [
    'weight, smoothing 0.2, none',
    [4, 3],
    (s) => crossEntropy(s, LABELS, { weight: W3, labelSmoothing: 0.2, reduction: 'none' }),
  ],
  [
    'spatial [2,3,2,2], ignoreIndex 1, weight, mean',
    [2, 3, 2, 2],
    (s) => crossEntropy(s, SPATIAL, { weight: W3, ignoreIndex: 1 }),
  ],
  ['nll: weight, ignored label, mean', [4, 3], (s) => nllLoss(s, LABELS, { weight: W3 })],
];

// Reference: same script — F.cross_entropy(scoresOf([4, 3]), PROBABILITIES (requires grad), **options).
const SOFT_REFERENCE = torchReference<{
  soft: Record<string, { loss: number[]; gradient: number[]; targetGradient: number[] }>;
}>('cross-entropy').soft;

const SOFT_CASES: Array<[string, CrossEntropyOptions]> = [
  ['probabilities, mean', {}],
  ['probabilities, weight, smoothing 0.1, mean', { weight: W3, labelSmoothing: 0.1 }],
  ['probabilities, weight, sum', { weight: W3, reduction: 'sum' }],
  ['probabilities, none', { reduction: 'none' }],
];

describe('crossEntropy and nllLoss match PyTorch 1.13.1 (weighted mean divides by the weights of the labels kept)', () => {
  for (const [name, shape, fn] of CASES) {
    it(name, () => {
      const s = scoresOf(shape);
      const loss = fn(s);
      expectClose(Array.from(loss.data), REFERENCE[name]!.loss, 1e-6);
      loss.backward(outputWeightsOrNone(loss.shape));
      expectClose(Array.from(s.grad!.data), REFERENCE[name]!.gradient, 1e-6);
    });
  }
  for (const [name, options] of SOFT_CASES) {
    it(name, () => {
      const s = scoresOf([4, 3]);
      const targets = new Tensor(PROBABILITIES.data.slice(), [4, 3], true);
      const loss = crossEntropy(s, targets, options);
      expectClose(Array.from(loss.data), SOFT_REFERENCE[name]!.loss, 1e-6);
      loss.backward(outputWeightsOrNone(loss.shape));
      expectClose(Array.from(s.grad!.data), SOFT_REFERENCE[name]!.gradient, 1e-6);
      expectClose(Array.from(targets.grad!.data), SOFT_REFERENCE[name]!.targetGradient, 1e-6);
    });
  }

  it('every label ignored: the mean is 0/0 = NaN, as in PyTorch', () => {
    expect(crossEntropy(scoresOf([2, 3]), [-100, -100]).item()).toBeNaN();
  });

  it('an ignored sample with a −∞ score adds nothing (masked, not multiplied by 0)', () => {
    const s = new Tensor(Float32Array.of(-Infinity, 0, 0, 1, 2, 3), [2, 3], true);
    const loss = crossEntropy(s, [-100, 2], { labelSmoothing: 0.1 });
    expect(Number.isFinite(loss.item())).toBe(true);
    loss.backward();
    expect(Array.from(s.grad!.data.subarray(0, 3))).toEqual([0, 0, 0]);
  });
});

describe('gradcheck of the weighted, ignoring, smoothed and soft cross-entropy', () => {
  it('class indices with weight, ignoreIndex and smoothing, spatial', () => {
    const labels = tensor([
      [
        [2, 1],
        [0, 1],
      ],
      [
        [1, 1],
        [2, 0],
      ],
    ]);
    gradcheck(
      (s) => crossEntropy(s, labels, { weight: W3, ignoreIndex: 1, labelSmoothing: 0.3 }),
      [input([2, 3, 2, 2], { seed: 61 })],
    );
    gradcheck(
      (s) => nllLoss(s.logSoftmax(1), [0, 2, -100, 1], { weight: W3, reduction: 'sum' }),
      [input([4, 3], { seed: 62 })],
    );
  });
  it('probability targets: both the scores and the targets', () => {
    gradcheck(
      (s, t) => crossEntropy(s, t, { weight: W3, labelSmoothing: 0.1 }),
      [input([4, 3], { seed: 63 }), input([4, 3], { seed: 64, positive: true })],
    );
  });
});

describe('errors of the new options name the op, the shapes and the fix', () => {
  const s = scoresOf([4, 3]);
  it('weight, ignoreIndex and labels', () => {
    expect(() => crossEntropy(s, [0, 1, 2, 0], { weight: tensor([1, 2]) })).toThrow(
      'crossEntropy: weight [2] must have one value per class: shape [3]',
    );
    expect(() => nllLoss(s, [0, 1, 2, 0], { ignoreIndex: 0.5 })).toThrow(
      'nllLoss: ignoreIndex must be an integer, got 0.5',
    );
    expect(() => crossEntropy(s, PROBABILITIES, { ignoreIndex: 1 })).toThrow(
      'crossEntropy: ignoreIndex applies to class indices, not to probability targets [4,3] (as in PyTorch)',
    );
    expect(() => crossEntropy(s, [0, 1, -1, 0])).toThrow(
      'crossEntropy: label -1 at position 2 is not a class index for 3 classes',
    );
  });
});
