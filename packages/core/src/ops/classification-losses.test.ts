// crossEntropy and nllLoss with class weights, ignoreIndex, label smoothing and probability targets,
// against PyTorch 1.13.1 (values and gradients); gradchecks; errors.
import { describe, expect, it } from 'vitest';
import { expectClose, input } from '../../test/helpers.js';
import { outputWeights, sequence } from '../../test/torch-inputs.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { Tensor, tensor } from '../index.js';
import { crossEntropy, nllLoss, type CrossEntropyOptions } from './classification-losses.js';

const scoresOf = (shape: number[]) => sequence(shape, (i) => ((i * 37) % 101) / 20 - 2.5, true);
const outputWeightsOrNone = (shape: readonly number[]) => (shape.length === 0 ? undefined : outputWeights(shape));

const W3 = tensor([0.5, 2, 1]);
const LABELS = [0, 2, -100, 1];
const SPATIAL = tensor([[[2, 1], [0, 1]], [[1, 1], [2, 0]]]);
const PROBABILITIES = tensor([[0.2, 0.5, 0.3], [1, 0, 0], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1]]);

// Reference: PyTorch 1.13.1, test/torch-reference/cross-entropy.py — F.cross_entropy / F.nll_loss of
// scoresOf(shape) with the options named, then loss.backward(outputWeights(loss.shape)): the loss
// (flattened) and the scores' gradient, 7 significant digits.
const REFERENCE: Record<string, { loss: number[]; gradient: number[] }> = {
  "weight, ignored label, mean": { loss: [0.7034479], gradient: [-0.1398689, 0.0190044, 0.1208645, 0.005976396, 0.0380088, -0.0439852, 0, 0, 0, 0.07499988, -0.09444285, 0.019443] },
  "weight, ignored label, sum": { loss: [2.462068], gradient: [-0.4895413, 0.06651539, 0.4230259, 0.02091739, 0.1330308, -0.1539482, 0, 0, 0, 0.2624996, -0.33055, 0.06805048] },
  "weight, ignored label, none": { loss: [1.933587, 0.1671747, 0, 0.3613059], gradient: [0.9790826, -0.1330308, -0.8460518, 0.02614673, 0.1662885, -0.1924352, 0, 0, 0, -0.1968747, 0.2479125, -0.05103786] },
  "weight, ignored label, smoothing 0.2, mean": { loss: [0.8870919], gradient: [-0.1200245, -0.014023, 0.1340475, -0.003348201, 0.001180518, 0.002167688, 0, 0, 0, 0.05922608, -0.05800116, -0.001224874] },
  "ignored label, smoothing 0.2, mean": { loss: [1.517223], gradient: [-0.2819164, 0.02212137, 0.2597951, -0.01524976, 0.02212137, -0.006871623, 0, 0, 0, 0.02152771, -0.01064722, -0.01088048] },
  "weight, smoothing 0.2, none": { loss: [1.955877, 0.5427471, 0, 0.6061971], gradient: [0.8401713, 0.09816102, -0.9383323, -0.01464838, 0.005164772, 0.009483619, 0, 0, 0, -0.1554684, 0.1522532, 0.003215299] },
  "spatial [2,3,2,2], ignoreIndex 1, weight, mean": { loss: [1.495447], gradient: [0.002745004, 0, -0.07260534, 0, 0.02878293, 0, 0.006321439, 0, -0.03152792, 0, 0.0662839, 0, 0, 0, 0.02734424, -0.1529945, 0, 0, 0.2867199, 0.14336, 0, 0, -0.3140642, 0.009634581] },
  "nll: weight, ignored label, mean": { loss: [-0.6142858], gradient: [-0.1428571, 0, 0, 0, 0, -0.2857143, 0, 0, 0, 0, -0.5714286, 0] },
};

const CASES: Array<[string, number[], (s: Tensor) => Tensor]> = [
  ['weight, ignored label, mean', [4, 3], (s) => crossEntropy(s, LABELS, { weight: W3 })],
  ['weight, ignored label, sum', [4, 3], (s) => crossEntropy(s, LABELS, { weight: W3, reduction: 'sum' })],
  ['weight, ignored label, none', [4, 3], (s) => crossEntropy(s, LABELS, { weight: W3, reduction: 'none' })],
  ['weight, ignored label, smoothing 0.2, mean', [4, 3], (s) => crossEntropy(s, LABELS, { weight: W3, labelSmoothing: 0.2 })],
  ['ignored label, smoothing 0.2, mean', [4, 3], (s) => crossEntropy(s, LABELS, { labelSmoothing: 0.2 })],
  ['weight, smoothing 0.2, none', [4, 3], (s) => crossEntropy(s, LABELS, { weight: W3, labelSmoothing: 0.2, reduction: 'none' })],
  ['spatial [2,3,2,2], ignoreIndex 1, weight, mean', [2, 3, 2, 2], (s) => crossEntropy(s, SPATIAL, { weight: W3, ignoreIndex: 1 })],
  ['nll: weight, ignored label, mean', [4, 3], (s) => nllLoss(s, LABELS, { weight: W3 })],
];

// Reference: same script — F.cross_entropy(scoresOf([4, 3]), PROBABILITIES (requires grad), **options).
const SOFT_REFERENCE: Record<string, { loss: number[]; gradient: number[]; targetGradient: number[] }> = {
  "probabilities, mean": { loss: [2.008044], gradient: [-0.04477065, -0.09174231, 0.136513, -0.2447706, 0.0332577, 0.211513, -0.01977065, 0.008257696, 0.01151295, -0.1171876, 0.1336813, -0.01649369], targetGradient: [0.9667937, 0.5042937, 0.04179367, 0.9667937, 0.5042937, 0.04179367, 0.9667937, 0.5042937, 0.04179367, 0.5076632, 0.04516324, 0.8451632] },
  "probabilities, weight, smoothing 0.1, mean": { loss: [1.582131], gradient: [-0.0194676, -0.1958819, 0.2153495, -0.1137034, 0.002179363, 0.111524, -0.009864843, -0.02635808, 0.03622293, -0.03830735, 0.0604926, -0.02218525], targetGradient: [0.4350571, 0.9077286, 0.0376143, 0.4350571, 0.9077286, 0.0376143, 0.4350571, 0.9077286, 0.0376143, 0.2284485, 0.08129383, 0.7606468] },
  "probabilities, weight, sum": { loss: [6.173818], gradient: [-0.07071566, -0.8137569, 0.8844726, -0.4895413, 0.06651539, 0.4230259, -0.02803675, -0.06031768, 0.08835435, -0.1687502, 0.234725, -0.06597476], targetGradient: [1.933587, 4.034349, 0.1671747, 1.933587, 4.034349, 0.1671747, 1.933587, 4.034349, 0.1671747, 1.015326, 0.3613059, 3.380653] },
  "probabilities, none": { loss: [1.832175, 3.867175, 0.7221746, 1.610653], gradient: [0.3581652, 0.7339385, -1.092104, -1.223853, 0.1662885, 1.057565, -0.01977065, 0.008257696, 0.01151295, 0.3515627, -0.4010438, 0.04948107], targetGradient: [-7.734349, -4.034349, -0.3343493, 4.833968, 2.521468, 0.2089683, 0.9667937, 0.5042937, 0.04179367, -1.52299, -0.1354897, -2.53549] },
};

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
    const labels = tensor([[[2, 1], [0, 1]], [[1, 1], [2, 0]]]);
    gradcheck((s) => crossEntropy(s, labels, { weight: W3, ignoreIndex: 1, labelSmoothing: 0.3 }), [input([2, 3, 2, 2], { seed: 61 })]);
    gradcheck((s) => nllLoss(s.logSoftmax(1), [0, 2, -100, 1], { weight: W3, reduction: 'sum' }), [input([4, 3], { seed: 62 })]);
  });
  it('probability targets: both the scores and the targets', () => {
    gradcheck((s, t) => crossEntropy(s, t, { weight: W3, labelSmoothing: 0.1 }), [input([4, 3], { seed: 63 }), input([4, 3], { seed: 64, positive: true })]);
  });
});

describe('errors of the new options name the op, the shapes and the fix', () => {
  const s = scoresOf([4, 3]);
  it('weight, ignoreIndex and labels', () => {
    expect(() => crossEntropy(s, [0, 1, 2, 0], { weight: tensor([1, 2]) })).toThrow('crossEntropy: weight [2] must have one value per class: shape [3]');
    expect(() => nllLoss(s, [0, 1, 2, 0], { ignoreIndex: 0.5 })).toThrow('nllLoss: ignoreIndex must be an integer, got 0.5');
    expect(() => crossEntropy(s, PROBABILITIES, { ignoreIndex: 1 })).toThrow(
      'crossEntropy: ignoreIndex applies to class indices, not to probability targets [4,3] (as in PyTorch)',
    );
    expect(() => crossEntropy(s, [0, 1, -1, 0])).toThrow('crossEntropy: label -1 at position 2 is not a class index for 3 classes');
  });
});
