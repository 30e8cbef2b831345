// Loss values against hand-computed (float64) numbers, every reduction, label formats and smoothing,
// gradient checks with fixed labels, stability at extreme inputs, and the error messages.
import { describe, expect, it } from 'vitest';
import { distinctInput, expectClose, input } from '../../test/helpers.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { Tensor, tensor, zeros } from '../index.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss } from './losses.js';
import { softmaxCrossEntropy } from '../tensor/functional.js';
import { torchReference } from '../../test/torch-reference-values.js';

const BCE_REFERENCE = torchReference<{
  binaryCrossEntropy: {
    probabilities: number[];
    targets: number[];
    loss: number[];
    probabilityGradient: number[];
    targetGradient: number[];
  };
  'saturated sigmoid, logit -95, target 1': { gradient: number[] };
}>('losses');

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** −log softmax(row)[label], in float64. */
const rowNll = (row: number[], label: number) => Math.log(total(row.map(Math.exp))) - row[label]!;
/** mean over classes of −log softmax(row), in float64. */
const rowUniform = (row: number[]) => mean(row.map((_, c) => rowNll(row, c)));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

describe('mseLoss and l1Loss', () => {
  const a = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const b = tensor([
    [1, 0, 6],
    [4, 7, 5],
  ]);

  it('mseLoss: mean, sum and none', () => {
    expectClose(mseLoss(a, b), (0 + 4 + 9 + 0 + 4 + 1) / 6);
    expectClose(mseLoss(a, b, { reduction: 'sum' }), 18);
    expectClose(mseLoss(a, b, { reduction: 'none' }), [
      [0, 4, 9],
      [0, 4, 1],
    ]);
  });

  it('l1Loss: mean, sum and none', () => {
    expectClose(l1Loss(a, b), 8 / 6);
    expectClose(l1Loss(a, b, { reduction: 'sum' }), 8);
    expectClose(l1Loss(a, b, { reduction: 'none' }), [
      [0, 2, 3],
      [0, 2, 1],
    ]);
  });

  it('refuses shapes that would broadcast into a comparison of every pair', () => {
    expect(() => mseLoss(zeros([4, 1]), zeros([4]))).toThrow(
      'mseLoss: input [4,1] and target [4] must have the same shape; reshape one of them',
    );
    expect(() => l1Loss(zeros([3]), zeros([2]))).toThrow('l1Loss: input [3] and target [2]');
  });

  it('rejects an unknown reduction', () => {
    expect(() => mseLoss(a, b, { reduction: 'avg' as never })).toThrow(
      "mseLoss: reduction must be 'mean', 'sum' or 'none', got 'avg'",
    );
  });

  it('gradcheck: both arguments, every reduction', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((x, y) => mseLoss(x, y, { reduction }), [input([3, 4], { seed: 1 }), input([3, 4], { seed: 2 })]);
      // distinct values: no element sits on abs's kink at input = target
      gradcheck(
        (x, y) => l1Loss(x, y, { reduction }),
        [distinctInput([3, 4], 1), input([3, 4], { seed: 3, minMagnitude: 2 })],
      );
    }
  });
});

describe('binaryCrossEntropy', () => {
  const p = [0.9, 0.2, 0.5, 0.7];
  const t = [1, 0, 1, 0.3];
  const expected = p.map((pi, i) => -(t[i]! * Math.log(pi) + (1 - t[i]!) * Math.log(1 - pi)));

  it('values (soft targets included) for each reduction', () => {
    expectClose(binaryCrossEntropy(tensor(p), tensor(t), { reduction: 'none' }), expected, 1e-6);
    expectClose(binaryCrossEntropy(tensor(p), tensor(t)), mean(expected), 1e-6);
    expectClose(binaryCrossEntropy(tensor(p), tensor(t), { reduction: 'sum' }), total(expected), 1e-6);
    // PyTorch (by its documented formula): F.binary_cross_entropy(tensor([0.9, 0.2]), tensor([1., 0.])) = 0.1643
    expectClose(binaryCrossEntropy(tensor([0.9, 0.2]), tensor([1, 0])), (-Math.log(0.9) - Math.log(0.8)) / 2, 1e-6);
  });

  it('weight rescales each element and broadcasts', () => {
    const weight = tensor([2, 1]);
    const loss = binaryCrossEntropy(tensor([p.slice(0, 2), p.slice(2)]), tensor([t.slice(0, 2), t.slice(2)]), {
      weight,
      reduction: 'none',
    });
    expectClose(
      loss,
      [
        [2 * expected[0]!, expected[1]!],
        [2 * expected[2]!, expected[3]!],
      ],
      1e-6,
    );
    expect(() => binaryCrossEntropy(tensor([0.5]), tensor([1]), { weight: tensor([1, 2]) })).toThrow(
      "binaryCrossEntropy: weight [2] must broadcast to the input's shape [1]",
    );
  });

  it("clamps each log at −100 and takes PyTorch's gradients at saturated probabilities (NOTE(bce-gradient))", () => {
    // Reference: PyTorch 1.13.1, test/torch-reference/losses.py — F.binary_cross_entropy(p, t,
    // reduction='none') and .sum().backward() (float32): loss, ∂/∂p and ∂/∂t.
    const reference = BCE_REFERENCE.binaryCrossEntropy;
    const probabilities = new Tensor(Float32Array.from(reference.probabilities), [8], true);
    const targets = new Tensor(Float32Array.from(reference.targets), [8], true);
    const loss = binaryCrossEntropy(probabilities, targets, { reduction: 'none' });
    expectClose(loss, reference.loss, 1e-6);
    loss.sum().backward();
    expect(Array.from(probabilities.grad!.data)).toEqual(reference.probabilityGradient.map(Math.fround));
    expectClose(Array.from(targets.grad!.data.subarray(4, 8)), reference.targetGradient.slice(4), 1e-6);
    expect(Array.from(targets.grad!.data.subarray(0, 4))).toEqual(reference.targetGradient.slice(0, 4));
  });

  it('a saturated sigmoid gets a finite gradient, not −∞ (logit −95, target 1: PyTorch gives −0)', () => {
    const logit = new Tensor(Float32Array.of(-95), [1], true);
    binaryCrossEntropy(logit.sigmoid(), tensor([1])).backward();
    expect(BCE_REFERENCE['saturated sigmoid, logit -95, target 1'].gradient).toEqual([-0]);
    expect(Number.isFinite(logit.grad!.data[0]!)).toBe(true);
    expect(Math.abs(logit.grad!.data[0]!)).toBeLessThan(1e-20);
  });

  it('rejects probabilities outside [0, 1] and says what to do', () => {
    expect(() => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0]))).toThrow(
      'binaryCrossEntropy: probabilities must lie in [0, 1]; found 1.5 at position 1 (apply sigmoid() first',
    );
  });

  it('gradcheck with fixed soft targets', () => {
    const probabilities = new Tensor(Float32Array.of(0.2, 0.35, 0.5, 0.65, 0.8, 0.3), [2, 3], true);
    const target = tensor([
      [1, 0, 0.5],
      [0, 1, 0.25],
    ]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((x) => binaryCrossEntropy(x, target, { reduction }), [probabilities], { epsilon: 1e-3 });
    }
    gradcheck((x, w) => binaryCrossEntropy(x, target, { weight: w }), [probabilities, input([3], { seed: 4 })], {
      epsilon: 1e-3,
    });
  });

  it('gradcheck of both inputs, the targets included (∂/∂t = log(1 − p) − log p), with a broadcast weight', () => {
    const probabilities = new Tensor(Float32Array.of(0.2, 0.35, 0.5, 0.65, 0.8, 0.3), [2, 3], true);
    const targets = new Tensor(Float32Array.of(1, 0, 0.5, 0, 1, 0.25), [2, 3], true);
    const weight = tensor([2, 1, 0.5]);
    gradcheck((x, y) => binaryCrossEntropy(x, y, { weight, reduction: 'sum' }), [probabilities, targets], {
      epsilon: 1e-3,
    });
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  const x = [2, -1, 0, 3.5, -0.25];
  const t = [1, 0, 1, 0, 0.6];
  const expected = x.map((xi, i) => Math.max(xi, 0) - xi * t[i]! + Math.log1p(Math.exp(-Math.abs(xi))));

  it('equals max(x,0) − x·t + log(1 + e^−|x|) for each reduction', () => {
    expectClose(binaryCrossEntropyWithLogits(tensor(x), tensor(t), { reduction: 'none' }), expected, 1e-6);
    expectClose(binaryCrossEntropyWithLogits(tensor(x), tensor(t)), mean(expected), 1e-6);
    expectClose(binaryCrossEntropyWithLogits(tensor(x), tensor(t), { reduction: 'sum' }), total(expected), 1e-6);
    // PyTorch (by its documented formula): F.binary_cross_entropy_with_logits(tensor([0.]), tensor([1.])) = log 2
    expectClose(binaryCrossEntropyWithLogits(tensor([0]), tensor([1])), Math.LN2, 1e-6);
  });

  it('agrees with binaryCrossEntropy on sigmoid(x)', () => {
    const logits = tensor(x);
    expectClose(
      binaryCrossEntropyWithLogits(logits, tensor(t)),
      binaryCrossEntropy(logits.sigmoid(), tensor(t)).item(),
      1e-5,
    );
  });

  it('stays finite with exact gradients for logits of ±100', () => {
    const logits = new Tensor(Float32Array.of(100, -100, 100, -100), [4], true);
    const loss = binaryCrossEntropyWithLogits(logits, tensor([0, 1, 1, 0]), { reduction: 'none' });
    expectClose(loss, [100, 100, 0, 0]);
    loss.sum().backward();
    expectClose(logits.grad!, [1, -1, 0, 0]); // sigmoid(x) − t
  });

  it('posWeight scales the positive term: (1 − t)·x + (1 + (w − 1)·t)·softplus(−x)', () => {
    const logits = tensor([
      [1, -2],
      [0.5, 3],
    ]);
    const target = tensor([
      [1, 0],
      [0.5, 1],
    ]);
    const rows = [
      [1, -2],
      [0.5, 3],
    ];
    const targets = [
      [1, 0],
      [0.5, 1],
    ];
    const weights = [3, 0.5]; // per class (last axis)
    const byHand = rows.map((row, i) =>
      row.map((xi, c) => (1 - targets[i]![c]!) * xi + (1 + (weights[c]! - 1) * targets[i]![c]!) * softplus(-xi)),
    );
    expectClose(
      binaryCrossEntropyWithLogits(logits, target, { posWeight: tensor(weights), reduction: 'none' }),
      byHand,
      1e-6,
    );
    const scalar = rows.map((row, i) =>
      row.map((xi, c) => (1 - targets[i]![c]!) * xi + (1 + 2 * targets[i]![c]!) * softplus(-xi)),
    );
    expectClose(binaryCrossEntropyWithLogits(logits, target, { posWeight: 3, reduction: 'none' }), scalar, 1e-6);
  });

  it('gradcheck, with weight and posWeight', () => {
    const target = tensor([
      [1, 0, 0.5],
      [0, 1, 0.25],
    ]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((logits) => binaryCrossEntropyWithLogits(logits, target, { reduction }), [input([2, 3], { seed: 5 })]);
    }
    gradcheck(
      (logits, weight, posWeight) => binaryCrossEntropyWithLogits(logits, target, { weight, posWeight }),
      [input([2, 3], { seed: 6 }), input([2, 1], { seed: 7 }), input([3], { seed: 8, positive: true })],
    );
  });
});

describe('crossEntropy and nllLoss', () => {
  const rows = [
    [2, 0, 0],
    [0, 0, 3],
    [-1, 0.5, 0.25],
    [0.3, -0.7, 1.1],
  ];
  const labels = [0, 2, 1, 1];
  const expected = rows.map((row, i) => rowNll(row, labels[i]!));

  it('−log softmax(logits)[label], for each reduction', () => {
    const logits = tensor(rows);
    expectClose(crossEntropy(logits, labels, { reduction: 'none' }), expected, 1e-6);
    expectClose(crossEntropy(logits, labels), mean(expected), 1e-6);
    expectClose(crossEntropy(logits, labels, { reduction: 'sum' }), total(expected), 1e-6);
  });

  it('is log C for uniform logits (torch: cross_entropy(zeros(4, 10), labels) = log 10 = 2.3026)', () => {
    expectClose(crossEntropy(zeros([4, 10]), [0, 3, 9, 5]), Math.log(10), 1e-6);
  });

  it('accepts labels as a Tensor, an Int32Array, a Uint8Array or a plain array', () => {
    const logits = tensor(rows);
    for (const given of [tensor(labels), Int32Array.from(labels), Uint8Array.from(labels), labels]) {
      expectClose(crossEntropy(logits, given), mean(expected), 1e-6);
    }
  });

  it('label smoothing: (1 − ε)·nll + ε·mean over classes of −log p', () => {
    const logits = tensor(rows);
    const smoothed = rows.map((row, i) => 0.9 * rowNll(row, labels[i]!) + 0.1 * rowUniform(row));
    expectClose(crossEntropy(logits, labels, { labelSmoothing: 0.1, reduction: 'none' }), smoothed, 1e-6);
    expectClose(crossEntropy(logits, labels, { labelSmoothing: 0.1 }), mean(smoothed), 1e-6);
    // PyTorch (by its documented formula): F.cross_entropy(tensor([[2., 0, 0]]), tensor([0]), label_smoothing=0.1) = 0.3729
    expectClose(
      crossEntropy(tensor([[2, 0, 0]]), [0], { labelSmoothing: 0.1 }),
      0.9 * rowNll([2, 0, 0], 0) + 0.1 * rowUniform([2, 0, 0]),
      1e-6,
    );
    expect(crossEntropy(tensor([[2, 0, 0]]), [0], { labelSmoothing: 0.1 }).item()).toBeCloseTo(0.3729, 4);
    expectClose(crossEntropy(logits, labels, { labelSmoothing: 1 }), mean(rows.map(rowUniform)), 1e-6);
  });

  it('[N, C, d] logits with [N, d] labels equal the flattened [N·d, C] problem', () => {
    const logits = distinctInput([2, 3, 2], 3).detach();
    const spatialLabels = tensor([
      [0, 1],
      [2, 0],
    ]);
    const flat = logits.permute([0, 2, 1]).reshape([4, 3]);
    const perPosition = crossEntropy(logits, spatialLabels, { reduction: 'none' });
    expect(perPosition.shape).toEqual([2, 2]);
    expectClose(perPosition.reshape([4]), crossEntropy(flat, [0, 1, 2, 0], { reduction: 'none' }).toArray(), 1e-6);
    expectClose(crossEntropy(logits, Int32Array.of(0, 1, 2, 0)), crossEntropy(flat, [0, 1, 2, 0]).item(), 1e-6);
  });

  it('one sample: [C] logits with one label give a scalar', () => {
    const loss = crossEntropy(tensor(rows[2]!), [1], { reduction: 'none' });
    expect(loss.shape).toEqual([]);
    expectClose(loss, expected[2]!, 1e-6);
  });

  it('nllLoss picks −logProbabilities[label]; crossEntropy = nllLoss ∘ logSoftmax', () => {
    const logProbabilities = tensor([
      [-0.1, -2.4],
      [-1.6, -0.2],
    ]);
    expectClose(nllLoss(logProbabilities, [0, 1]), 0.15, 1e-6);
    expectClose(nllLoss(logProbabilities, [0, 1], { reduction: 'sum' }), 0.3, 1e-6);
    expectClose(nllLoss(logProbabilities, [1, 0], { reduction: 'none' }), [2.4, 1.6], 1e-6);
    const logits = tensor(rows);
    expectClose(nllLoss(logits.logSoftmax(1), labels), crossEntropy(logits, labels).item(), 1e-6);
  });

  it('the fused primitive refuses scores that are not [N, C] with N labels', () => {
    expect(() => softmaxCrossEntropy(tensor([[1, 2, 3]]), Float32Array.of(0, 1))).toThrow(
      'softmaxCrossEntropy: expected scores [N, C] and N labels, got [1,3] and 2 labels',
    );
  });

  it('stays finite for logits of ±1000', () => {
    const loss = crossEntropy(
      tensor([
        [1000, -1000, 0],
        [-1000, 1000, 0],
      ]),
      [0, 0],
      { reduction: 'none' },
    );
    expectClose(loss, [0, 2000]);
  });

  it('gradcheck with fixed labels: plain, smoothed, spatial, every reduction', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((x) => crossEntropy(x, labels, { reduction }), [input([4, 3], { seed: 9 })]);
      gradcheck((x) => nllLoss(x, labels, { reduction }), [input([4, 3], { seed: 10 })]);
    }
    gradcheck((x) => crossEntropy(x, labels, { labelSmoothing: 0.2 }), [input([4, 3], { seed: 11 })]);
    gradcheck(
      (x) =>
        crossEntropy(
          x,
          tensor([
            [0, 1],
            [2, 0],
          ]),
          { labelSmoothing: 0.1 },
        ),
      [input([2, 3, 2], { seed: 12 })],
    );
  });

  it('errors name the op, the shapes and the fix', () => {
    const logits = zeros([4, 10]);
    expect(() => crossEntropy(logits, [0, 1, 2, 3, 4])).toThrow(
      'crossEntropy: logits [4,10] and labels [5] disagree on the batch size (4 ≠ 5)',
    );
    expect(() => crossEntropy(logits, zeros([5]))).toThrow(
      'crossEntropy: logits [4,10] and labels [5] disagree on the batch size',
    );
    expect(() => crossEntropy(logits, [0, 1, 10, 3])).toThrow(
      'crossEntropy: label 10 at position 2 is not a class index for 10 classes (expected an integer in [0, 9]); check that the model',
    );
    expect(() => crossEntropy(logits, Int32Array.of(0, -1, 2, 3))).toThrow('crossEntropy: label -1 at position 1');
    expect(() => crossEntropy(logits, tensor([0, 1.5, 2, 3]))).toThrow('crossEntropy: label 1.5 at position 1');
    // crossEntropy reads a tensor of the logits' shape as probability targets (classification-losses.test.ts); nllLoss refuses it.
    expect(() => nllLoss(logits, zeros([4, 10]))).toThrow(
      'nllLoss: labels [4,10] have the shape of the logProbabilities; pass class indices of shape [4] (for one-hot rows, labels.argmax(1); crossEntropy takes probability targets)',
    );
    expect(() => crossEntropy(zeros([2, 3, 4]), zeros([2, 5]))).toThrow(
      "crossEntropy: logits [2,3,4] and labels [2,5] do not match: labels must have shape [2,4] (the logits' shape without the class axis 1)",
    );
    expect(() => crossEntropy(logits, zeros([4, 1]))).toThrow(
      "crossEntropy: logits [4,10] and labels [4,1] do not match: labels must have shape [4] (the logits' shape without the class axis 1); use labels.reshape([4])",
    );
    expect(() => crossEntropy(zeros([2, 3, 4]), [0, 1, 2])).toThrow(
      'crossEntropy: logits [2,3,4] and labels [3] do not match',
    );
    expect(() => crossEntropy(tensor(0), [0])).toThrow('crossEntropy: logits must have a class axis');
    expect(() => crossEntropy(logits, [0, 1, 2, 3], { labelSmoothing: 1.5 })).toThrow(
      'crossEntropy: labelSmoothing must lie in [0, 1], got 1.5',
    );
    expect(() => nllLoss(zeros([2, 3]), [3, 0])).toThrow(
      'nllLoss: label 3 at position 0 is not a class index for 3 classes',
    );
    expect(() => nllLoss(zeros([2, 3]), [0])).toThrow(
      'nllLoss: logProbabilities [2,3] and labels [1] disagree on the batch size (2 ≠ 1)',
    );
  });
});
