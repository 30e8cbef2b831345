// conv2d's options (dilation, groups, padding 'same', padding modes) and pad's modes and negative
// padding against PyTorch 1.13.1, values and gradients, on both kernel backends; gradchecks; errors.
import { afterEach, describe, expect, it } from 'vitest';
import { expectClose, input } from '../../test/helpers.js';
import { distinctSequence, kernelWeights, outputWeights, sequence } from '../../test/torch-inputs.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { conv2d, kernelBackend, setKernelBackend, type Conv2dOptions, type PadMode } from '../index.js';
import { torchReference } from '../../test/torch-reference-values.js';

const inputOf = distinctSequence;
const weightOf = kernelWeights;
const biasOf = (length: number) => sequence([length], (i) => i / 4 - 0.5, true);

// Reference: PyTorch 1.13.1, test/torch-reference/convolution.py — F.conv2d(x, w, b, stride, padding,
// dilation, groups) (padding modes: F.pad(x, ..., mode) first, as nn.Conv2d does), then
// y.backward(outputWeights(y.shape)): y, x.grad, w.grad, b.grad flattened, 7 significant digits.
const CONV_REFERENCE = torchReference<{
  conv: Record<string, { shape: number[]; value: number[]; input: number[]; weight: number[]; bias: number[] }>;
}>('convolution').conv;

const CONV_CASES: Array<[string, number[], number[], Omit<Conv2dOptions, 'bias'>]> = [
  ['dilation 2, padding 1', [1, 2, 5, 5], [2, 2, 3, 3], { padding: 1, dilation: 2 }],
  ['dilation (2,3), stride 2', [1, 2, 7, 8], [2, 2, 2, 3], { stride: 2, dilation: [2, 3] }],
  ['groups 2', [1, 4, 4, 4], [4, 2, 3, 3], { groups: 2 }],
  ['depthwise (groups = C = 3), stride 2', [1, 3, 5, 5], [3, 1, 3, 3], { stride: 2, padding: 1, groups: 3 }],
  ["padding 'same', even kernel, dilation 2", [1, 1, 4, 5], [2, 1, 2, 4], { padding: 'same', dilation: [1, 2] }],
  ['reflect padding 2', [1, 1, 4, 5], [1, 1, 3, 3], { padding: 2, paddingMode: 'reflect' }],
  [
    'replicate padding (1,2), groups 2',
    [1, 2, 3, 4],
    [2, 1, 3, 3],
    { padding: [1, 2], groups: 2, paddingMode: 'replicate' },
  ],
  ['circular padding 1, stride 2', [1, 1, 5, 6], [2, 1, 3, 3], { stride: 2, padding: 1, paddingMode: 'circular' }],
];

// Reference: PyTorch 1.13.1, same script — F.pad(x, padding, mode) (constant: value=1.5) of x [1, 2, 3, 4].
const PAD_REFERENCE = torchReference<{
  pad: Array<{ mode: PadMode; padding: number[]; shape: number[]; value: number[]; gradient: number[] }>;
}>('convolution').pad;

const initialBackend = kernelBackend();
afterEach(() => setKernelBackend(initialBackend));

describe.each(['wasm', 'js'] as const)('conv2d options match PyTorch 1.13.1 on the %s kernels', (backend) => {
  for (const [name, inputShape, weightShape, options] of CONV_CASES) {
    it(name, () => {
      setKernelBackend(backend);
      const reference = CONV_REFERENCE[name]!;
      const x = inputOf(inputShape);
      const w = weightOf(weightShape);
      const b = biasOf(weightShape[0]!);
      const y = conv2d(x, w, { ...options, bias: b });
      expect(y.shape).toEqual(reference.shape);
      expectClose(Array.from(y.data), reference.value, 1e-5);
      y.backward(outputWeights(y.shape));
      expectClose(Array.from(x.grad!.data), reference.input, 1e-5);
      expectClose(Array.from(w.grad!.data), reference.weight, 1e-5);
      expectClose(Array.from(b.grad!.data), reference.bias, 1e-5);
    });
  }
});

describe('pad modes and negative padding match PyTorch 1.13.1', () => {
  for (const { mode, padding, shape, value, gradient } of PAD_REFERENCE) {
    it(`${mode} [${padding.join(', ')}]`, () => {
      const x = inputOf([1, 2, 3, 4]);
      const y = mode === 'constant' ? x.pad(padding, 1.5) : x.pad(padding, { mode });
      expect(y.shape).toEqual(shape);
      expectClose(Array.from(y.data), value, 1e-6);
      y.backward(outputWeights(y.shape));
      expectClose(Array.from(x.grad!.data), gradient, 1e-6);
    });
  }
});

describe('gradcheck of conv2d options and pad modes (composites over checked primitives)', () => {
  const bias = () => input([4], { seed: 53 });
  it('dilation, groups and padding modes, each with a bias', () => {
    const x = input([2, 4, 5, 6], { seed: 51 });
    gradcheck(
      (a, w, b) => conv2d(a, w, { bias: b, padding: 2, dilation: [2, 1] }),
      [x, input([4, 4, 3, 2], { seed: 52 }), bias()],
      { atol: 2e-3 },
    );
    gradcheck(
      (a, w, b) => conv2d(a, w, { bias: b, groups: 2, padding: 'same', paddingMode: 'reflect' }),
      [x, input([4, 2, 3, 2], { seed: 54 }), bias()],
      { atol: 2e-3 },
    );
    gradcheck(
      (a, w, b) => conv2d(a, w, { bias: b, groups: 4, stride: 2, padding: 1, paddingMode: 'circular' }),
      [x, input([4, 1, 3, 3], { seed: 55 }), bias()],
      { atol: 2e-3 },
    );
  });
  it('pad: every mode, with cropping, times a broadcast weight', () => {
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      gradcheck(
        (a, w) => a.pad([2, -1, -1, 1], { mode }).mul(w),
        [input([2, 3, 4], { seed: 56 }), input([5], { seed: 57 })],
      );
    }
  });
});

describe('conv2d and pad errors name the op, the shapes and the fix', () => {
  const x = inputOf([1, 4, 5, 5]);
  it('conv2d', () => {
    expect(() => conv2d(x, weightOf([3, 2, 3, 3]), { groups: 2 })).toThrow(
      'conv2d: expected input [N,C,H,W] and weight [O,C/groups,kH,kW] with O and C divisible by groups (2), got [1,4,5,5] and [3,2,3,3]',
    );
    expect(() => conv2d(x, weightOf([2, 4, 3, 3]), { padding: 'same', stride: 2 })).toThrow(
      "conv2d (input [1,4,5,5], weight [2,4,3,3]): padding 'same' is not supported for strided convolutions (stride 2×2), as in PyTorch; use stride 1, or give the padding as numbers",
    );
    expect(() => conv2d(x, weightOf([2, 4, 3, 3]), { padding: 'same', stride: [1, 3] })).toThrow('(stride 1×3)');
    expect(() => conv2d(x, weightOf([2, 4, 3, 3]), { dilation: 3 })).toThrow(
      'conv2d (input [1,4,5,5], weight [2,4,3,3]): kernel 7×7 does not fit input 5×5 with padding 0×0 (output would be -1×-1); use a smaller kernel or more padding',
    );
    expect(() => conv2d(x, weightOf([2, 4, 3, 3]), { dilation: 0 })).toThrow(
      'conv2d (input [1,4,5,5], weight [2,4,3,3]): dilation must be an integer ≥ 1, got 0',
    );
    expect(() => conv2d(x, weightOf([2, 4, 3, 3]), { paddingMode: 'mirror' as never })).toThrow(
      'conv2d (input [1,4,5,5], weight [2,4,3,3]): paddingMode must be one of zeros, reflect, replicate, circular, got mirror',
    );
  });
  it('pad', () => {
    const small = inputOf([2, 3]);
    expect(() => small.pad([3, 0], { mode: 'reflect' })).toThrow(
      "pad: reflect padding (3, 0) on axis 1 of [2,3] must be shorter than the axis (3); pad less or use mode 'replicate' or 'constant'",
    );
    expect(() => small.pad([4, 0], { mode: 'circular' })).toThrow(
      'pad: circular padding (4, 0) on axis 1 of [2,3] must be at most the axis (3)',
    );
    expect(() => small.pad([-2, -2])).toThrow('pad: padding [-2,-2] crops 4 from axis 1 of [2,3], which has 3');
    expect(() => small.pad([1, 1], { mode: 'reflect', value: 2 })).toThrow(
      "pad: a fill value (2) only applies to mode 'constant', not 'reflect'",
    );
    expect(() => small.pad([1], { mode: 'replicate' })).toThrow(
      'pad: padding [1] must be integer pairs, at most one per axis of [2,3]',
    );
  });
});
