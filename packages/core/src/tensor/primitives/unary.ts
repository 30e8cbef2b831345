// Elementwise unary primitives (neg exp log sqrt abs sigmoid tanh softplus erf, sin cos tan,
// floor ceil round sign, reciprocal rsqrt log1p expm1; relu on its own kernels; the parameterised
// leakyRelu and clamp) with their derivatives. Imports kernels and graph types.
import type { PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import { mapUnary, type UnaryFunction } from '../../kernels/elementwise.js';
import { reluBackward, reluForward } from '../../kernels/relu.js';

interface UnaryRule {
  readonly forward: UnaryFunction;
  /** d out / d x at one element, given the input and the output there. */
  readonly derivative: (x: number, out: number) => number;
}

/**
 * NOTE(zero-gradient): PyTorch's backward of floor, ceil, round and sign is `zeros_like(grad)`,
 * not `grad · 0`: the gradient is 0 even where the incoming one is NaN or ±∞. Rules whose
 * derivative is this function get that treatment.
 */
const zeroGradient = (): number => 0;

/** Rounds half to even, as torch.round (and IEEE 754's default): 2.5 → 2, 3.5 → 4, −0.5 → −0. */
function roundHalfToEven(x: number): number {
  const r = Math.round(x); // halves go up here
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torch.sign: −1, 0 or 1; sign(−0) = 0 and sign(NaN) = 0, as PyTorch 1.13 gives. */
function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** Numerically stable logistic function: never evaluates exp of a large positive number. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow: x + log1p(e^-x) for positive x. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Error function to near double precision, far below float32's resolution: the Maclaurin series
 * for |x| < 2.5 and the continued fraction of erfc beyond, where the series would cancel badly.
 */
function erf(x: number): number {
  const z = Math.abs(x);
  let result: number;
  if (z < 2.5) {
    // Maclaurin series: erf(z) = 2/√π Σ (-1)^n z^(2n+1) / (n! (2n+1)).
    let term = z;
    let sum = z;
    const z2 = z * z;
    for (let n = 1; n < 60; n++) {
      term *= -z2 / n;
      const contribution = term / (2 * n + 1);
      sum += contribution;
      if (Math.abs(contribution) < 1e-17 * Math.abs(sum)) break;
    }
    result = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(z) = e^(-z²)/√π · 1/(z + (1/2)/(z + (2/2)/(z + (3/2)/(z + …)))), evaluated bottom-up.
    let fraction = 0;
    for (let n = 60; n >= 1; n--) fraction = n / 2 / (z + fraction);
    result = 1 - Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + fraction);
  }
  return x < 0 ? -result : result;
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

const unaryRules = {
  neg: { forward: (x) => -x, derivative: () => -1 },
  exp: { forward: Math.exp, derivative: (_x, out) => out },
  log: { forward: Math.log, derivative: (x) => 1 / x },
  sqrt: { forward: Math.sqrt, derivative: (_x, out) => 0.5 / out },
  // abs'(0) = 0, as in PyTorch.
  abs: { forward: Math.abs, derivative: (x) => Math.sign(x) },
  sigmoid: { forward: sigmoid, derivative: (_x, out) => out * (1 - out) },
  tanh: { forward: Math.tanh, derivative: (_x, out) => 1 - out * out },
  softplus: { forward: softplus, derivative: (x) => sigmoid(x) },
  erf: { forward: erf, derivative: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x) },
  sin: { forward: Math.sin, derivative: (x) => Math.cos(x) },
  cos: { forward: Math.cos, derivative: (x) => -Math.sin(x) },
  // tan' = 1 + tan², from the output (PyTorch's formula).
  tan: { forward: Math.tan, derivative: (_x, out) => 1 + out * out },
  // Piecewise constant: zero gradient everywhere, NOTE(zero-gradient).
  floor: { forward: Math.floor, derivative: zeroGradient },
  ceil: { forward: Math.ceil, derivative: zeroGradient },
  round: { forward: roundHalfToEven, derivative: zeroGradient },
  sign: { forward: sign, derivative: zeroGradient },
  // (1/x)' = −1/x², from the output: −∞ at ±0, as in PyTorch.
  reciprocal: { forward: (x) => 1 / x, derivative: (_x, out) => -out * out },
  // (x^−½)' = −½·x^−3/2 = −½·out³.
  rsqrt: { forward: (x) => 1 / Math.sqrt(x), derivative: (_x, out) => -0.5 * out * out * out },
  log1p: { forward: Math.log1p, derivative: (x) => 1 / (1 + x) },
  expm1: { forward: Math.expm1, derivative: (_x, out) => out + 1 },
} satisfies Record<string, UnaryRule>;

export type UnaryOp = keyof typeof unaryRules;

function applyUnary(rule: UnaryRule, x: RawTensor): PrimitiveResult {
  const out = mapUnary(x.data, rule.forward);
  return {
    output: { data: out, shape: x.shape },
    backward: ({ data: g }) => {
      const gradient = new Float32Array(g.length);
      if (rule.derivative === zeroGradient) return [{ data: gradient, shape: x.shape }];
      for (let i = 0; i < g.length; i++) gradient[i] = g[i]! * rule.derivative(x.data[i]!, out[i]!);
      return [{ data: gradient, shape: x.shape }];
    },
  };
}

/** Applies the unary primitive `op` elementwise. */
export function unary(op: UnaryOp, x: RawTensor): PrimitiveResult {
  return applyUnary(unaryRules[op], x);
}

/**
 * max(x, 0) through ReLU's own kernels (NOTE(relu-loops) in kernels/relu.ts). relu'(0) = 0, as in
 * PyTorch; NaN stays NaN (a diverging run must not look healthy).
 */
export function relu(x: RawTensor): PrimitiveResult {
  return {
    output: { data: reluForward(x.data), shape: x.shape },
    backward: ({ data: g }) => [{ data: reluBackward(x.data, g), shape: x.shape }],
  };
}

/** x for x > 0, slope·x otherwise (the derivative at 0 is slope, as in PyTorch). */
export function leakyRelu(x: RawTensor, slope: number): PrimitiveResult {
  return applyUnary({ forward: (v) => (v > 0 ? v : slope * v), derivative: (v) => (v > 0 ? 1 : slope) }, x);
}

/**
 * Limits every element to [min, max] (either bound may be omitted). The gradient passes where
 * min ≤ x ≤ max, bounds included, as in PyTorch.
 */
export function clamp(x: RawTensor, min: number, max: number): PrimitiveResult {
  return applyUnary(
    {
      forward: (v) => (v < min ? min : v > max ? max : v),
      derivative: (v) => (v >= min && v <= max ? 1 : 0),
    },
    x,
  );
}
