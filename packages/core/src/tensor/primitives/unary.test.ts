// The elementwise primitives added for PyTorch parity (sin cos tan floor ceil round sign reciprocal
// rsqrt log1p expm1): values and gradients against PyTorch 1.13.1, edge values included, and gradchecks.
import { describe, expect, it } from 'vitest';
import { distinctInput, input } from '../../../test/helpers.js';
import { gradcheck } from '../../autograd/gradcheck.js';
import { Tensor, tensor } from '../../index.js';

// The inputs of every reference row below, in this order (float32).
const EDGES = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, -1.7, 3.14159, 1e-8, Infinity, -Infinity, NaN];

// Reference: PyTorch 1.13.1, for name in the table: x = torch.tensor(EDGES, requires_grad=True);
// y = getattr(torch, name)(x); y.backward(torch.ones_like(y)); [float(v) for v in y], x.grad.
// (test/torch-reference/unary.py regenerates them.)
const REFERENCE: Record<string, { value: number[]; gradient: number[] }> = {
  sin: {
    value: [0, -0, 0.4794255495071411, -0.4794255495071411, 0.9974949955940247, 0.5984721183776855, -0.5984721183776855, -0.9916647672653198, 2.5351816930196946e-6, 9.99999993922529e-9, NaN, NaN, NaN],
    gradient: [1, 1, 0.8775825500488281, 0.8775825500488281, 0.07073719799518585, -0.8011435866355896, -0.8011435866355896, -0.12884454429149628, -1, 1, NaN, NaN, NaN],
  },
  cos: {
    value: [1, 1, 0.8775825500488281, 0.8775825500488281, 0.07073719799518585, -0.8011435866355896, -0.8011435866355896, -0.12884454429149628, -1, 1, NaN, NaN, NaN],
    gradient: [-0, 0, -0.4794255495071411, 0.4794255495071411, -0.9974949955940247, -0.5984721183776855, 0.5984721183776855, 0.9916647672653198, -2.5351816930196946e-6, -9.99999993922529e-9, NaN, NaN, NaN],
  },
  tan: {
    value: [0, -0, 0.5463024973869324, -0.5463024973869324, 14.101420402526855, -0.7470223307609558, 0.7470223307609558, 7.696599006652832, -2.5351816930196946e-6, 9.99999993922529e-9, NaN, NaN, NaN],
    gradient: [1, 1, 1.2984464168548584, 1.2984464168548584, 199.8500518798828, 1.558042287826538, 1.558042287826538, 60.23763656616211, 1, 1, NaN, NaN, NaN],
  },
  floor: { value: [0, -0, 0, -1, 1, 2, -3, -2, 3, 0, Infinity, -Infinity, NaN], gradient: Array(13).fill(0) },
  ceil: { value: [0, -0, 1, -0, 2, 3, -2, -1, 4, 1, Infinity, -Infinity, NaN], gradient: Array(13).fill(0) },
  round: { value: [0, -0, 0, -0, 2, 2, -2, -2, 3, 0, Infinity, -Infinity, NaN], gradient: Array(13).fill(0) },
  sign: { value: [0, 0, 1, -1, 1, 1, -1, -1, 1, 1, 1, -1, 0], gradient: Array(13).fill(0) },
  reciprocal: {
    value: [Infinity, -Infinity, 2, -2, 0.6666666865348816, 0.4000000059604645, -0.4000000059604645, -0.5882352590560913, 0.3183101415634155, 100000000, 0, -0, NaN],
    gradient: [-Infinity, -Infinity, -4, -4, -0.444444477558136, -0.1600000113248825, -0.1600000113248825, -0.34602072834968567, -0.10132134705781937, -1.0000000272564224e16, -0, -0, NaN],
  },
  rsqrt: {
    value: [Infinity, -Infinity, 1.4142135381698608, NaN, 0.8164965510368347, 0.6324555277824402, NaN, NaN, 0.5641897916793823, 10000, 0, NaN, NaN],
    gradient: [-Infinity, Infinity, -1.4142134189605713, NaN, -0.2721655070781708, -0.12649111449718475, NaN, NaN, -0.08979365974664688, -499999997952, -0, NaN, NaN],
  },
  log1p: {
    value: [0, -0, 0.40546509623527527, -0.6931471824645996, 0.9162907600402832, 1.2527629137039185, NaN, NaN, 1.4210797548294067, 9.99999993922529e-9, Infinity, NaN, NaN],
    gradient: [1, 1, 0.6666666865348816, 2, 0.4000000059604645, 0.2857142984867096, -0.6666666865348816, -1.428571343421936, 0.241453155875206, 1, 0, -0, NaN],
  },
  expm1: {
    value: [0, -0, 0.6487212777137756, -0.39346933364868164, 3.481688976287842, 11.182494163513184, -0.9179149866104126, -0.817316472530365, 22.140634536743164, 9.99999993922529e-9, Infinity, -1, NaN],
    gradient: [1, 1, 1.6487212181091309, 0.6065306663513184, 4.481688976287842, 12.182494163513184, 0.0820850133895874, 0.182683527469635, 23.140634536743164, 1, Infinity, 0, NaN],
  },
};

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
    expect(Array.from(tensor([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4999998, 1e7 + 1]).round().data)).toEqual([0, 2, 2, 4, -0, -2, -2, 2, 1e7 + 1]);
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
      gradcheck((a, b) => fn(a.add(b).mul(0.3)), [input([3, 1], { seed: 33, positive: true, minMagnitude: 0.5 }), input([4], { seed: 34, positive: true, minMagnitude: 0.5 })]);
    });
  }

  it('floor, ceil, round, sign: zero gradients agree with finite differences away from their jumps', () => {
    for (const name of ['floor', 'ceil', 'round', 'sign'] as const) {
      const result = gradcheck((a, b) => a[name]().mul(b).add(b), [distinctInput([3, 4], 35), input([4], { seed: 36 })]);
      expect(result.passed, name).toBe(true);
    }
  });
});
