// Finite-difference gradient checks of every differentiable primitive, with broadcasting,
// and checks that gradcheck itself catches wrong gradients.
import { describe, expect, it } from 'vitest';
import { distinctInput, input } from '../../test/helpers.js';
import { avgPool2d, concat, conv2d, linear, maxPool2d, Tensor, tensor } from '../index.js';
import { gradcheck } from './gradcheck.js';

describe('gradcheck of binary primitives with broadcasting', () => {
  const shapes: Array<[number[], number[]]> = [
    [
      [3, 4],
      [3, 4],
    ],
    [[3, 4], [4]],
    [
      [2, 1, 4],
      [3, 1],
    ],
    [[1], [2, 3]],
    [[], [2, 2]],
  ];
  for (const [shapeA, shapeB] of shapes) {
    const label = `[${shapeA}] with [${shapeB}]`;
    it(`add, sub, mul, div: ${label}`, () => {
      const a = input(shapeA, { seed: 1 });
      const b = input(shapeB, { seed: 2, minMagnitude: 0.5 });
      gradcheck((x, y) => x.add(y), [a, b]);
      gradcheck((x, y) => x.sub(y), [a, b]);
      gradcheck((x, y) => x.mul(y), [a, b]);
      gradcheck((x, y) => x.div(y), [a, b]);
    });
    it(`pow, maximum, minimum: ${label}`, () => {
      const a = input(shapeA, { seed: 3, positive: true, minMagnitude: 0.5 });
      const b = input(shapeB, { seed: 4 });
      gradcheck((x, y) => x.pow(y), [a, b]);
      gradcheck((x, y) => x.maximum(y), [a, b]);
      gradcheck((x, y) => x.minimum(y), [a, b]);
    });
  }

  it('where routes the gradient by the (broadcast) condition', () => {
    const condition = tensor([[1], [0], [1]]);
    gradcheck((a, b) => a.where(condition, b), [input([3, 4], { seed: 5 }), input([4], { seed: 6 })]);
  });

  it('scalars on either side', () => {
    const a = input([2, 3], { seed: 7, positive: true, minMagnitude: 0.5 });
    gradcheck((x) => x.mul(3).add(1).div(2).sub(0.5).pow(2), [a]);
    gradcheck((x) => tensor(2).pow(x), [a]);
    gradcheck((x) => tensor(1).div(x), [a]);
  });
});

describe('gradcheck of unary primitives and composite activations', () => {
  const cases: Array<[string, (x: Tensor) => Tensor, boolean]> = [
    ['neg', (x) => x.neg(), false],
    ['exp', (x) => x.exp(), false],
    ['log', (x) => x.log(), true],
    ['sqrt', (x) => x.sqrt(), true],
    ['abs', (x) => x.abs(), false],
    ['relu', (x) => x.relu(), false],
    ['leakyRelu', (x) => x.leakyRelu(0.2), false],
    ['sigmoid', (x) => x.sigmoid(), false],
    ['tanh', (x) => x.tanh(), false],
    ['softplus', (x) => x.softplus(), false],
    ['erf', (x) => x.erf(), false],
    ['gelu', (x) => x.gelu(), false],
    ['silu', (x) => x.silu(), false],
    ['square', (x) => x.square(), false],
  ];
  for (const [name, fn, positive] of cases) {
    it(name, () => {
      gradcheck(fn, [input([3, 5], { seed: 11, positive, minMagnitude: positive ? 0.3 : 0.05 })]);
    });
  }
});

describe('gradcheck of clamp, away from its bounds', () => {
  it('passes the gradient inside [min, max] only', () => {
    gradcheck((x) => x.clamp(-0.8, 0.9), [distinctInput([3, 5], 12)]);
    gradcheck((x) => x.clamp(undefined, 0.3), [distinctInput([3, 5], 13)]);
  });
});

describe('gradcheck of reductions', () => {
  const x = () => input([2, 3, 4], { seed: 21 });
  it('sum over all, one, several and negative axes, with and without keepdims', () => {
    gradcheck((t) => t.sum(), [x()]);
    gradcheck((t) => t.sum(1), [x()]);
    gradcheck((t) => t.sum([0, -1], true), [x()]);
  });
  it('max and min (distinct values)', () => {
    const spread = () => distinctInput([2, 3, 4], 22);
    gradcheck((t) => t.max(), [spread()]);
    gradcheck((t) => t.max(-1), [spread()]);
    gradcheck((t) => t.min([0, 2], true), [spread()]);
  });
  it('mean, var, std, logsumexp', () => {
    gradcheck((t) => t.mean(1), [x()]);
    gradcheck((t) => t.var([0, 2]), [x()]);
    gradcheck((t) => t.std(-1, { correction: 0, keepdims: true }), [x()]);
    gradcheck((t) => t.logsumexp(1), [x()]);
  });
  it('softmax and logSoftmax over each axis', () => {
    for (const axis of [0, 1, -1]) {
      gradcheck((t) => t.softmax(axis), [x()]);
      gradcheck((t) => t.logSoftmax(axis), [x()]);
    }
  });
  it('max shares the gradient equally among ties', () => {
    const t = tensor([1, 3, 3, 2], { requiresGrad: true });
    t.max().backward();
    expect(t.grad!.toArray()).toEqual([0, 0.5, 0.5, 0]);
  });
});

describe('gradcheck of shape and data-movement primitives', () => {
  const x = () => input([2, 3, 4], { seed: 31 });
  it('reshape, flatten, squeeze, unsqueeze', () => {
    gradcheck((t) => t.reshape([4, -1]).mul(tensor([1, 2, 3, 4, 5, 6])), [x()]);
    gradcheck((t) => t.flatten(1).unsqueeze(0).squeeze(0), [x()]);
  });
  it('permute and transpose', () => {
    gradcheck((t) => t.permute([2, 0, 1]).mul(tensor([1, 2, 3])), [x()]);
    gradcheck((t) => t.transpose(0, 2), [x()]);
  });
  it('expand (gradient summed over the expanded axes)', () => {
    gradcheck((t) => t.expand([2, 2, 3, 4]), [x()]);
    gradcheck((t) => t.expand([3, -1]), [input([1, 4], { seed: 32 })]);
  });
  it('slice with steps and negative bounds, and split', () => {
    gradcheck((t) => t.slice(2, 1, -1), [x()]);
    gradcheck((t) => t.slice(1, 0, undefined, 2), [x()]);
    gradcheck(
      (t) => {
        const [a, b] = t.split([1, 2], 1);
        return a!.mul(b!.sum(1, true));
      },
      [x()],
    );
  });
  it('pad', () => {
    gradcheck((t) => t.pad([1, 2, 0, 1], 0.5), [x()]);
  });
  it('concat and stack', () => {
    gradcheck((a, b) => concat([a, b, a], 1), [x(), input([2, 1, 4], { seed: 33 })]);
  });
  it('indexSelect with repeated indices and gather', () => {
    gradcheck((t) => t.indexSelect(1, [2, 0, 2]), [x()]);
    gradcheck(
      (t) =>
        t.gather(
          2,
          tensor([
            [
              [0, 3],
              [1, 1],
              [2, 0],
            ],
            [
              [3, 3],
              [0, 1],
              [1, 2],
            ],
          ]),
        ),
      [x()],
    );
  });
});

describe('gradcheck of matmul and convolution', () => {
  it('matmul: 2-D, 1-D on either side, dot, and batched with broadcast batch axes', () => {
    gradcheck((a, b) => a.matmul(b), [input([3, 4], { seed: 41 }), input([4, 2], { seed: 42 })]);
    gradcheck((a, b) => a.matmul(b), [input([4], { seed: 43 }), input([4, 2], { seed: 44 })]);
    gradcheck((a, b) => a.matmul(b), [input([3, 4], { seed: 45 }), input([4], { seed: 46 })]);
    gradcheck((a, b) => a.matmul(b), [input([4], { seed: 47 }), input([4], { seed: 48 })]);
    gradcheck((a, b) => a.matmul(b), [input([2, 1, 3, 4], { seed: 49 }), input([3, 4, 2], { seed: 50 })]);
    gradcheck((a, b) => a.matmul(b), [input([3, 4], { seed: 51 }), input([2, 4, 5], { seed: 52 })]);
  });
  it('linear (fused x·Wᵀ + b): with and without bias, inputs of rank 1, 2 and 3', () => {
    gradcheck(
      (x, w, b) => linear(x, w, b),
      [input([5, 4], { seed: 81 }), input([3, 4], { seed: 82 }), input([3], { seed: 83 })],
    );
    gradcheck((x, w) => linear(x, w), [input([2, 5, 4], { seed: 84 }), input([3, 4], { seed: 85 })]);
    gradcheck(
      (x, w, b) => linear(x, w, b),
      [input([4], { seed: 86 }), input([2, 4], { seed: 87 }), input([2], { seed: 88 })],
    );
    // Equal to the unfused composite it replaces, and only the needed gradients are computed.
    const [x, w, b] = [input([6, 4], { seed: 89 }), input([3, 4], { seed: 90 }), input([3], { seed: 91 })];
    const fused = linear(x, w, b);
    const composite = x.matmul(w.transpose()).add(b);
    expect(fused.shape).toEqual([6, 3]);
    fused.data.forEach((value, i) => expect(value).toBeCloseTo(composite.data[i]!, 5));
    const frozen = tensor(Array.from(w.data), [3, 4]);
    linear(x, frozen, b).sum().backward();
    expect(frozen.grad).toBeNull();
    expect(() => linear(x, input([3, 5], { seed: 1 }))).toThrow(
      'linear: expected input [..., in] and weight [out, in] with the same in, got [6,4] and [3,5]',
    );
    expect(() => linear(x, w, input([4], { seed: 2 }))).toThrow(
      'linear: bias must have shape [3] (one per output feature), got [4]',
    );
  });

  it('matmul and conv2d when only one operand requires grad (the other gradient is skipped)', () => {
    const constant = input([3, 4], { seed: 53 }).detach();
    const weight = input([4, 2], { seed: 54 });
    gradcheck((a, b) => a.matmul(b), [constant, weight]);
    gradcheck((a, b) => a.matmul(b), [weight.transpose().detach(), input([4, 3], { seed: 55 })]);
    const image = input([1, 2, 4, 4], { seed: 56 }).detach();
    gradcheck((x, w) => conv2d(x, w, { padding: 1 }), [image, input([2, 2, 3, 3], { seed: 57 })]);
    gradcheck(
      (x, w) => conv2d(x, w, { padding: 1 }),
      [input([1, 2, 4, 4], { seed: 58 }), input([2, 2, 3, 3], { seed: 59 }).detach()],
    );
  });
  it('conv2d with bias, stride and padding', () => {
    const image = input([2, 2, 5, 6], { seed: 61 });
    const weight = input([3, 2, 3, 2], { seed: 62 });
    const bias = input([3], { seed: 63 });
    gradcheck((x, w, b) => conv2d(x, w, { bias: b, stride: [2, 1], padding: 1 }), [image, weight, bias]);
    gradcheck((x, w) => conv2d(x, w), [image, weight]);
    // A patch of 3·5·5 = 75 > 64 taps: forward and weight gradient through grouped im2col + matmul.
    gradcheck(
      (x, w, b) => conv2d(x, w, { bias: b, padding: 1 }),
      [input([2, 3, 6, 6], { seed: 92 }), input([2, 3, 5, 5], { seed: 93 }), input([2], { seed: 94 })],
    );
    gradcheck(
      (w) => conv2d(input([3, 3, 7, 7], { seed: 95 }).detach(), w, { stride: 2 }),
      [input([4, 3, 5, 5], { seed: 96 })],
    );
  });
  it('maxPool2d and avgPool2d', () => {
    const image = distinctInput([2, 2, 5, 6], 64);
    gradcheck((x) => maxPool2d(x, 2), [image]);
    gradcheck((x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), [image]);
    gradcheck((x) => avgPool2d(x, [2, 3], { stride: 1, padding: [1, 1] }), [image]);
  });
});

describe('gradcheck catches wrong gradients', () => {
  /** mul with a backward rule scaled by `factor`, or one that forgets to broadcast. */
  function faultyMul(a: Tensor, b: Tensor, factor: number): Tensor {
    const out = a.detach().mul(b.detach());
    return Tensor.fromPrimitive('faultyMul', [a, b], {
      output: out,
      backward: ({ data: g }) => [
        { data: Float32Array.from(g, (v, i) => factor * v * b.data[i % b.size]!), shape: out.shape },
        { data: Float32Array.from(g, (v, i) => factor * v * a.data[i]!), shape: out.shape },
      ],
    });
  }
  it('passes the correct rule and fails a factor of 2', () => {
    const a = input([3, 4], { seed: 71 });
    const b = input([3, 4], { seed: 72 });
    expect(gradcheck((x, y) => faultyMul(x, y, 1), [a, b]).passed).toBe(true);
    const result = gradcheck((x, y) => faultyMul(x, y, 2), [a, b], { raiseOnFailure: false });
    expect(result.passed).toBe(false);
    expect(() => gradcheck((x, y) => faultyMul(x, y, 2), [a, b])).toThrow(
      /gradcheck: gradient of input 0 \(shape \[3,4\]\)/,
    );
  });
  it('fails a gradient that is not summed over a broadcast axis', () => {
    // The engine sums a broadcast gradient back; a rule that returns only the first row's worth
    // (already reduced, but wrong) is caught.
    const a = input([4], { seed: 73 });
    const b = input([3, 4], { seed: 74 });
    const wrong = (x: Tensor, y: Tensor) => {
      const out = x.detach().mul(y.detach());
      return Tensor.fromPrimitive('missedReduction', [x, y], {
        output: out,
        backward: ({ data: g }) => [
          { data: Float32Array.from(x.data, (_, i) => g[i]! * y.data[i]!), shape: x.shape },
          { data: Float32Array.from(g, (v, i) => v * x.data[i % 4]!), shape: out.shape },
        ],
      });
    };
    expect(gradcheck(wrong, [a, b], { raiseOnFailure: false }).passed).toBe(false);
  });
  it('leaves the inputs and their gradients as they were', () => {
    const a = input([2, 2], { seed: 75 });
    const before = a.data.slice();
    a.grad = tensor([
      [9, 9],
      [9, 9],
    ]);
    gradcheck((x) => x.exp(), [a]);
    expect(a.data).toEqual(before);
    expect(a.grad.toArray()).toEqual([
      [9, 9],
      [9, 9],
    ]);
  });
});
