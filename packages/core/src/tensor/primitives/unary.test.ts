// The elementwise primitives added for PyTorch parity (sin cos tan floor ceil round sign reciprocal
// rsqrt log1p expm1): values and gradients against PyTorch 1.13.1, edge values included, and gradchecks.
import { describe, expect, it } from 'vitest';
import { distinctInput, input } from '../../../test/helpers.js';
import { gradcheck } from '../../autograd/gradcheck.js';
import { Tensor, tensor } from '../../index.js';
import { torchReference } from '../../../test/torch-reference-values.js';

// Reference: PyTorch 1.13.1, test/torch-reference/unary.py — for each op: x = torch.tensor(EDGES,
// requires_grad=True); y = getattr(torch, name)(x); y.backward(torch.ones_like(y)); y and x.grad.
const { edges: EDGES, reference: REFERENCE } = torchReference<{
  edges: number[];
  reference: Record<string, { value: number[]; gradient: number[] }>;
}>('unary');

type Method = 'sin' | 'cos' | 'tan' | 'floor' | 'ceil' | 'round' | 'sign' | 'reciprocal' | 'rsqrt' | 'log1p' | 'expm1';

/** Equal within 2 float32 ulps (PyTorch's float32 libm and ours may differ in the last bit), same sign of zero, NaN for NaN. */
function expectSameFloats(actual: Float32Array, expected: number[], label: string): void {
  expected.forEach((want, i) => {
    const got = actual[i]!;
    const where = `${label}[${i}] (x = ${EDGES[i]}): ${got} vs ${want}`;
    if (Number.isNaN(want)) expect(got, where).toBeNaN();
    else if (want === 0 || !Number.isFinite(want)) expect(Object.is(got, want), where).toBe(true);
    else expect(Math.abs(got - want), where).toBeLessThanOrEqual(2.4e-7 * Math.abs(want));
  });
}

describe('elementwise primitives match PyTorch 1.13.1 at ordinary and edge values', () => {
  for (const [name, { value, gradient }] of Object.entries(REFERENCE)) {
    it(`${name}: values and gradients at 0, −0, halves, ±∞ and NaN`, () => {
      const x = new Tensor(Float32Array.from(EDGES), [EDGES.length], true);
      const y = x[name as Method]();
      expectSameFloats(y.data, value, `${name}(x)`);
      y.backward(new Tensor(new Float32Array(EDGES.length).fill(1), [EDGES.length]));
      expectSameFloats(x.grad!.data, gradient, `∂${name}/∂x`);
    });
  }

  it('round takes halves to the even neighbour (torch.round), not up as Math.round does', () => {
    expect(Array.from(tensor([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4999998, 1e7 + 1]).round().data)).toEqual([
      0,
      2,
      2,
      4,
      -0,
      -2,
      -2,
      2,
      1e7 + 1,
    ]);
  });

  it('floor, ceil, round and sign give a zero gradient even where the incoming gradient is NaN or ∞ (NOTE(zero-gradient))', () => {
    for (const name of ['floor', 'ceil', 'round', 'sign'] as const) {
      const x = new Tensor(Float32Array.of(0.3, -1.2), [2], true);
      x[name]().backward(tensor([NaN, Infinity]));
      expect(Array.from(x.grad!.data), name).toEqual([0, 0]);
    }
  });
});

describe('gradcheck of the parity primitives, with a broadcast partner', () => {
  const cases: Array<[string, (x: Tensor) => Tensor, { positive?: boolean; minMagnitude?: number }]> = [
    ['sin', (x) => x.sin(), {}],
    ['cos', (x) => x.cos(), {}],
    ['tan', (x) => x.mul(0.8).tan(), {}],
    ['reciprocal', (x) => x.reciprocal(), { minMagnitude: 0.4 }],
    ['rsqrt', (x) => x.rsqrt(), { positive: true, minMagnitude: 0.4 }],
    ['log1p', (x) => x.log1p(), { positive: true }],
    ['expm1', (x) => x.expm1(), {}],
  ];
  for (const [name, fn, options] of cases) {
    it(name, () => {
      const x = input([3, 4], { seed: 31, ...options });
      const y = input([4], { seed: 32 });
      gradcheck((a, b) => fn(a).mul(b), [x, y]);
      gradcheck(
        (a, b) => fn(a.add(b).mul(0.3)),
        [
          input([3, 1], { seed: 33, positive: true, minMagnitude: 0.5 }),
          input([4], { seed: 34, positive: true, minMagnitude: 0.5 }),
        ],
      );
    });
  }

  it('floor, ceil, round, sign: zero gradients agree with finite differences away from their jumps', () => {
    for (const name of ['floor', 'ceil', 'round', 'sign'] as const) {
      const result = gradcheck(
        (a, b) => a[name]().mul(b).add(b),
        [distinctInput([3, 4], 35), input([4], { seed: 36 })],
      );
      expect(result.passed, name).toBe(true);
    }
  });
});
