// Pooling options and adaptive average pooling against PyTorch 1.13.1 (values and gradients), on
// both kernel backends; gradchecks; and the errors that name the op and the shapes.
import { afterEach, describe, expect, it } from 'vitest';
import { distinctInput, expectClose, input } from '../../test/helpers.js';
import { distinctSequence as seeded, outputWeights as weights } from '../../test/torch-inputs.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { adaptiveAvgPool2d, avgPool2d, kernelBackend, maxPool2d, setKernelBackend, type Tensor } from '../index.js';
import { torchReference } from '../../test/torch-reference-values.js';

// Reference: PyTorch 1.13.1, test/torch-reference/pooling.py — for each case, F.max_pool2d /
// F.avg_pool2d / F.adaptive_avg_pool2d of seeded(inputShape), then y.backward(weights(y.shape)):
// y (flattened) and x.grad (flattened), printed to 7 significant digits.
const REFERENCE = torchReference<{ cases: Record<string, { shape: number[]; value: number[]; gradient: number[] }> }>(
  'pooling',
).cases;

const CASES: Array<[string, number[], (x: Tensor) => Tensor]> = [
  ['max k3 s2 ceil', [1, 2, 5, 7], (x) => maxPool2d(x, 3, { stride: 2, ceilMode: true })],
  ['max k2 s1 p1 d2', [1, 2, 5, 7], (x) => maxPool2d(x, 2, { stride: 1, padding: 1, dilation: 2 })],
  [
    'max k3 s2 p1 d(2,1) ceil',
    [1, 2, 5, 7],
    (x) => maxPool2d(x, 3, { stride: 2, padding: 1, dilation: [2, 1], ceilMode: true }),
  ],
  [
    'max k2 s2 ceil, wide (where the WebAssembly kernel would apply)',
    [1, 1, 5, 9],
    (x) => maxPool2d(x, 2, { stride: 2, ceilMode: true }),
  ],
  ['max k2 s1 d2, wide', [1, 1, 5, 9], (x) => maxPool2d(x, 2, { stride: 1, dilation: 2 })],
  [
    'avg k3 s2 p1 ceil include',
    [1, 2, 5, 7],
    (x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: true }),
  ],
  [
    'avg k3 s2 p1 ceil exclude',
    [1, 2, 5, 7],
    (x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  ],
  ['avg k2 s2 ceil', [1, 2, 5, 7], (x) => avgPool2d(x, 2, { stride: 2, ceilMode: true })],
  ['adaptive (3,4)', [1, 2, 5, 7], (x) => adaptiveAvgPool2d(x, [3, 4])],
  ['adaptive 1', [2, 2, 5, 7], (x) => adaptiveAvgPool2d(x, 1)],
  ['adaptive (7,9) upsampling', [1, 1, 5, 7], (x) => adaptiveAvgPool2d(x, [7, 9])],
];

const initialBackend = kernelBackend();
afterEach(() => setKernelBackend(initialBackend));

describe.each(['wasm', 'js'] as const)('pooling matches PyTorch 1.13.1 on the %s kernels', (backend) => {
  for (const [name, shape, fn] of CASES) {
    it(name, () => {
      setKernelBackend(backend);
      const reference = REFERENCE[name]!;
      const x = seeded(shape);
      const y = fn(x);
      expect(y.shape).toEqual(reference.shape);
      expectClose(Array.from(y.data), reference.value, 1e-6);
      y.backward(weights(y.shape));
      expectClose(Array.from(x.grad!.data), reference.gradient, 1e-6);
    });
  }
});

describe('pooling options: edge cases and errors', () => {
  it('a dilated window that falls on padding only gives −∞ and no gradient (PyTorch 1.13.1 corrupts its heap here)', () => {
    const x = seeded([1, 1, 2, 2]);
    const y = maxPool2d(x, 2, { stride: 1, padding: 1, dilation: 3 });
    expect(Array.from(y.data)).toEqual([-Infinity]);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0]);
  });

  it("ceil mode drops a last window that would start in the right padding (PyTorch's rule)", () => {
    // Shapes from PyTorch 1.13.1 (F.max_pool2d / F.avg_pool2d of torch.zeros(1, 1, 5, 5)).
    // 5 − 2 = 3 → ⌈3/2⌉ + 1 = 3 windows in ceil mode (2 without).
    expect(maxPool2d(seeded([1, 1, 5, 5]), 2, { stride: 2, ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
    // 5 + 2·1 − 3 = 4 → ⌈4/3⌉ + 1 = 3, but the 3rd window starts at 2·3 − 1 = 5, past the input: dropped, 2.
    expect(avgPool2d(seeded([1, 1, 5, 5]), 3, { stride: 3, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 2, 2]);
  });

  it('errors name the op, the input shape and the fix', () => {
    expect(() => maxPool2d(seeded([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(
      'maxPool2d: input [1,1,4,4]: padding 2×2 is more than half the kernel 2×2; use padding ≤ 1×1',
    );
    expect(() => maxPool2d(seeded([1, 1, 4, 4]), 3, { dilation: 2 })).toThrow(
      'maxPool2d: input [1,1,4,4]: kernel 3×3 (dilation 2×2) does not fit input 4×4 with padding 0×0 (output would be 0×0); use a smaller kernel or more padding',
    );
    expect(() => maxPool2d(seeded([1, 1, 4, 4]), 2, { dilation: 0 })).toThrow(
      'maxPool2d: input [1,1,4,4]: dilationHeight must be an integer ≥ 1, got 0',
    );
    expect(() => adaptiveAvgPool2d(seeded([1, 4, 4]), 2)).toThrow(
      'adaptiveAvgPool2d: expected input [N,C,H,W], got [1,4,4]',
    );
    expect(() => adaptiveAvgPool2d(seeded([1, 1, 4, 4]), [2, 0])).toThrow(
      'adaptiveAvgPool2d: output size [2,0] must hold integers ≥ 1 (input [1,1,4,4])',
    );
  });
});

describe('gradcheck of pooling with its options', () => {
  it('max pooling with dilation, padding and ceil mode', () => {
    gradcheck(
      (x) => maxPool2d(x, 3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }),
      [distinctInput([2, 2, 6, 7], 41)],
    );
  });
  it('average pooling with ceil mode, with and without padding in the divisor', () => {
    for (const countIncludePad of [true, false]) {
      gradcheck(
        (x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad }),
        [input([2, 2, 6, 7], { seed: 42 })],
      );
    }
  });
  it('adaptive average pooling, shrinking, global and growing, times a broadcast weight', () => {
    for (const size of [[3, 4], 1, [7, 9]] as const) {
      gradcheck(
        (x, w) => adaptiveAvgPool2d(x, size).mul(w),
        [input([2, 3, 5, 7], { seed: 43 }), input([3, 1, 1], { seed: 44 })],
      );
    }
  });
});
