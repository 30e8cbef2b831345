// Broadcasting binary primitives (add sub mul div pow maximum minimum) with their backward
// rules, and the non-differentiable comparisons. Imports kernels and autograd/graph types only.
import type { PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import { mapBinary, type BinaryFunction } from '../../kernels/elementwise.js';
import { broadcastTo } from '../../kernels/layout.js';
import { checkElements } from '../../kernels/element-limit.js';
import { broadcastShapes } from '../../kernels/shape.js';

/** Gradient of the output with respect to one input at one element. */
type PartialRule = (gradient: number, x: number, y: number, out: number) => number;

interface BinaryRule {
  readonly forward: BinaryFunction;
  readonly gradientA: PartialRule;
  readonly gradientB: PartialRule;
}

/** The elementwise math of each binary primitive: forward and both partial derivatives. */
const binaryRules = {
  add: { forward: (x, y) => x + y, gradientA: (g) => g, gradientB: (g) => g },
  sub: { forward: (x, y) => x - y, gradientA: (g) => g, gradientB: (g) => -g },
  mul: { forward: (x, y) => x * y, gradientA: (g, _x, y) => g * y, gradientB: (g, x) => g * x },
  div: { forward: (x, y) => x / y, gradientA: (g, _x, y) => g / y, gradientB: (g, _x, y, out) => (-g * out) / y },
  pow: {
    forward: (x, y) => Math.pow(x, y),
    gradientA: (g, x, y) => (y === 0 ? 0 : g * y * Math.pow(x, y - 1)),
    // d(x^y)/dy = x^y·ln x; PyTorch takes it as 0 where x = 0 and y ≥ 0 (the limit from above).
    gradientB: (g, x, y, out) => (x === 0 && y >= 0 ? 0 : g * out * Math.log(x)),
  },
  // NOTE(ties): where both inputs are equal, maximum and minimum split the gradient in half, as
  // PyTorch does, so the two halves still sum to the gradient of the output.
  maximum: {
    forward: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
    gradientA: (g, x, y) => (x > y ? g : x === y ? g / 2 : 0),
    gradientB: (g, x, y) => (y > x ? g : x === y ? g / 2 : 0),
  },
  minimum: {
    forward: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)),
    gradientA: (g, x, y) => (x < y ? g : x === y ? g / 2 : 0),
    gradientB: (g, x, y) => (y < x ? g : x === y ? g / 2 : 0),
  },
} satisfies Record<string, BinaryRule>;

export type BinaryOp = keyof typeof binaryRules;

/** Applies binary primitive `op` with NumPy broadcasting. */
export function binary(op: BinaryOp, a: RawTensor, b: RawTensor): PrimitiveResult {
  const rule: BinaryRule = binaryRules[op];
  const shape = broadcastShapes(op, a.shape, b.shape);
  checkElements(op, shape, 'broadcast shape');
  const out = mapBinary(a.data, a.shape, b.data, b.shape, shape, rule.forward);
  return {
    output: { data: out, shape },
    backward: (gradOutput, [needsA, needsB]) => {
      // add passes the gradient through unchanged: no per-element work.
      if (op === 'add') return [gradOutput, gradOutput];
      const g = gradOutput.data;
      const x = broadcastTo(a.data, a.shape, shape);
      const y = broadcastTo(b.data, b.shape, shape);
      const partial = (part: PartialRule): RawTensor => {
        const gradient = new Float32Array(g.length);
        for (let i = 0; i < g.length; i++) gradient[i] = part(g[i]!, x[i]!, y[i]!, out[i]!);
        return { data: gradient, shape };
      };
      // Only the sides that require grad are computed (a constant operand needs none).
      return [needsA ? partial(rule.gradientA) : null, needsB ? partial(rule.gradientB) : null];
    },
  };
}

const comparisons = {
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
} satisfies Record<string, BinaryFunction>;

export type ComparisonOp = keyof typeof comparisons;

/** Elementwise comparison with broadcasting: 1 where it holds, 0 elsewhere. Not differentiable. */
export function compare(op: ComparisonOp, a: RawTensor, b: RawTensor): RawTensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  checkElements(op, shape, 'broadcast shape');
  return { data: mapBinary(a.data, a.shape, b.data, b.shape, shape, comparisons[op]), shape };
}

/**
 * `where(condition, a, b)`: a where condition ≠ 0, else b, all three broadcast together.
 * The condition gets no gradient; a gets it where the condition holds, b elsewhere.
 */
export function where(condition: RawTensor, a: RawTensor, b: RawTensor): PrimitiveResult {
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, a.shape), b.shape);
  checkElements('where', shape, 'broadcast shape');
  const mask = broadcastTo(condition.data, condition.shape, shape);
  const x = broadcastTo(a.data, a.shape, shape);
  const y = broadcastTo(b.data, b.shape, shape);
  const out = new Float32Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] !== 0 ? x[i]! : y[i]!;
  return {
    output: { data: out, shape },
    backward: ({ data: g }) => {
      const gradientA = new Float32Array(g.length);
      const gradientB = new Float32Array(g.length);
      for (let i = 0; i < g.length; i++) {
        if (mask[i] !== 0) gradientA[i] = g[i]!;
        else gradientB[i] = g[i]!;
      }
      return [
        { data: gradientA, shape },
        { data: gradientB, shape },
      ];
    },
  };
}
