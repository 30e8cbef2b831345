// The Tensor class: the operations, each applying a primitive (tensor/primitives) or calling a
// composite (tensor/composites); what a tensor is (values, shape, gradient) is tensor-base.ts.
// Must not import create.ts, functional.ts or anything above the tensor layer (ops/, nn/, …).
import { isGradEnabled, type PrimitiveResult } from '../autograd/graph.js';
import { argExtreme } from '../kernels/reduce.js';
import { argsortAlong } from '../kernels/scan.js';
import { normalizeAxes, normalizeAxis } from '../kernels/shape.js';
import { gelu, silu } from './composites/activation.js';
import { flatten, squeeze, transpose, unsqueeze } from './composites/reshape.js';
import { padWithMode, type PadOptions } from './composites/padding.js';
import { topk, type SortResult, type TopkOptions } from './composites/sort.js';
import { split } from './composites/split.js';
import { logSoftmax, softmax } from './composites/softmax.js';
import { logsumexp, mean, std, variance, type VarianceOptions } from './composites/statistics.js';
import { binary, compare, where, type BinaryOp, type ComparisonOp } from './primitives/binary.js';
import { cumsum } from './primitives/cumsum.js';
import { matmul } from './primitives/matmul.js';
import { extreme, sum } from './primitives/reduction.js';
import { clamp, leakyRelu, relu, unary, type UnaryOp } from './primitives/unary.js';
import { expand, gather, indexSelect, pad, permute, reshape, stridedSlice } from './primitives/layout.js';
import { describeType } from './describe.js';
import { TensorBase } from './tensor-base.js';
import {
  checkGatherIndex,
  checkIndices,
  checkMatmulOperands,
  resolveExpand,
  resolvePadding,
  resolvePermutation,
  resolveShape,
  resolveSlice,
} from './validate.js';

export type { NestedArray } from './tensor-base.js';

/** A tensor or a plain number (read as a scalar tensor) wherever an operand is expected. */
export type TensorLike = Tensor | number;

/** Axes of a reduction: one axis, several, or (omitted) all of them. Negative axes count from the end. */
export type Axes = number | readonly number[] | undefined;

/**
 * An n-dimensional array of float32 values, contiguous and row-major, that records the
 * operations applied to it so that `backward()` can compute gradients (reverse-mode autograd).
 *
 * @example
 * ```ts
 * const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = w.matmul(tensor([1, 1])).square().sum();
 * loss.backward();
 * w.grad!.toArray(); // [[6, 6], [14, 14]]
 * ```
 */
export class Tensor extends TensorBase {
  /** Wraps `data` (not copied) as a tensor of `shape`; use `tensor()` to build one from arrays. */
  constructor(data: Float32Array, shape: readonly number[], requiresGrad = false) {
    super(data, shape, requiresGrad);
  }

  /** Wraps a primitive's result, recording it in the graph when grad mode is on and an input requires grad. */
  static fromPrimitive(op: string, inputs: readonly Tensor[], result: PrimitiveResult): Tensor {
    const requiresGrad = isGradEnabled() && inputs.some((input) => input.requiresGrad);
    const out = new Tensor(result.output.data, result.output.shape, requiresGrad);
    if (requiresGrad) out.recordCreator({ op, inputs, backward: result.backward });
    return out;
  }

  /** A scalar tensor for a number; the tensor itself otherwise. Anything else is a TypeError naming `op`. */
  static from(value: TensorLike, op = 'Tensor.from'): Tensor {
    if (value instanceof Tensor) return value;
    if (typeof value !== 'number') {
      throw new TypeError(
        `${op}: expected a Tensor or a number, got ${describeType(value)}${Array.isArray(value) ? '; wrap arrays with tensor(...)' : ''}`,
      );
    }
    return new Tensor(Float32Array.of(value), []);
  }

  protected withValues(values: Float32Array): Tensor {
    return new Tensor(values, this.shape);
  }

  /** The same values, cut from the graph (no gradient flows back through it). Shares data. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  // ---- elementwise, broadcasting ------------------------------------------------------------

  #binary(op: BinaryOp, other: TensorLike): Tensor {
    const b = Tensor.from(other, op);
    return Tensor.fromPrimitive(op, [this, b], binary(op, this, b));
  }

  add(other: TensorLike): Tensor {
    return this.#binary('add', other);
  }
  sub(other: TensorLike): Tensor {
    return this.#binary('sub', other);
  }
  mul(other: TensorLike): Tensor {
    return this.#binary('mul', other);
  }
  div(other: TensorLike): Tensor {
    return this.#binary('div', other);
  }
  pow(exponent: TensorLike): Tensor {
    return this.#binary('pow', exponent);
  }
  /** Elementwise larger value; ties split the gradient in half (PyTorch's rule). */
  maximum(other: TensorLike): Tensor {
    return this.#binary('maximum', other);
  }
  /** Elementwise smaller value; ties split the gradient in half (PyTorch's rule). */
  minimum(other: TensorLike): Tensor {
    return this.#binary('minimum', other);
  }
  square(): Tensor {
    return this.mul(this);
  }

  #unary(op: UnaryOp): Tensor {
    return Tensor.fromPrimitive(op, [this], unary(op, this));
  }

  neg(): Tensor {
    return this.#unary('neg');
  }
  exp(): Tensor {
    return this.#unary('exp');
  }
  log(): Tensor {
    return this.#unary('log');
  }
  sqrt(): Tensor {
    return this.#unary('sqrt');
  }
  abs(): Tensor {
    return this.#unary('abs');
  }
  erf(): Tensor {
    return this.#unary('erf');
  }
  relu(): Tensor {
    return Tensor.fromPrimitive('relu', [this], relu(this));
  }
  sigmoid(): Tensor {
    return this.#unary('sigmoid');
  }
  tanh(): Tensor {
    return this.#unary('tanh');
  }
  /** log(1 + eˣ), computed without overflow. */
  softplus(): Tensor {
    return this.#unary('softplus');
  }
  sin(): Tensor {
    return this.#unary('sin');
  }
  cos(): Tensor {
    return this.#unary('cos');
  }
  tan(): Tensor {
    return this.#unary('tan');
  }
  /** Rounds down; the gradient is 0 everywhere (PyTorch's), as for ceil, round and sign. */
  floor(): Tensor {
    return this.#unary('floor');
  }
  ceil(): Tensor {
    return this.#unary('ceil');
  }
  /** Rounds half to even, like torch.round: 0.5 → 0, 1.5 → 2, 2.5 → 2. */
  round(): Tensor {
    return this.#unary('round');
  }
  /** −1, 0 or 1 (0 for ±0 and NaN, like torch.sign). */
  sign(): Tensor {
    return this.#unary('sign');
  }
  /** 1/x. */
  reciprocal(): Tensor {
    return this.#unary('reciprocal');
  }
  /** 1/√x. */
  rsqrt(): Tensor {
    return this.#unary('rsqrt');
  }
  /** log(1 + x), accurate for small x. */
  log1p(): Tensor {
    return this.#unary('log1p');
  }
  /** eˣ − 1, accurate for small x. */
  expm1(): Tensor {
    return this.#unary('expm1');
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return Tensor.fromPrimitive('leakyRelu', [this], leakyRelu(this, negativeSlope));
  }
  /** GELU, exact (erf) form: x·Φ(x). */
  gelu(): Tensor {
    return gelu(this);
  }
  /** SiLU (swish): x·sigmoid(x). */
  silu(): Tensor {
    return silu(this);
  }
  /** Limits values to [min, max]; pass `undefined` to leave a side open. */
  clamp(min?: number, max?: number): Tensor {
    if (min !== undefined && max !== undefined && min > max) {
      throw new Error(`clamp: min (${min}) must not exceed max (${max})`);
    }
    return Tensor.fromPrimitive('clamp', [this], clamp(this, min ?? -Infinity, max ?? Infinity));
  }
  /** `condition ? this : other` elementwise (torch.Tensor.where); all three broadcast. */
  where(condition: TensorLike, other: TensorLike): Tensor {
    const b = Tensor.from(other, 'where');
    return Tensor.fromPrimitive('where', [this, b], where(Tensor.from(condition, 'where'), this, b));
  }

  #compare(op: ComparisonOp, other: TensorLike): Tensor {
    const result = compare(op, this, Tensor.from(other, op));
    return new Tensor(result.data, result.shape);
  }

  /** 1 where equal, else 0 (not differentiable). The other comparisons work alike. */
  eq(other: TensorLike): Tensor {
    return this.#compare('eq', other);
  }
  ne(other: TensorLike): Tensor {
    return this.#compare('ne', other);
  }
  gt(other: TensorLike): Tensor {
    return this.#compare('gt', other);
  }
  ge(other: TensorLike): Tensor {
    return this.#compare('ge', other);
  }
  lt(other: TensorLike): Tensor {
    return this.#compare('lt', other);
  }
  le(other: TensorLike): Tensor {
    return this.#compare('le', other);
  }

  // ---- reductions ---------------------------------------------------------------------------

  /** Sum over `axes` (all when omitted); reduced axes are dropped unless `keepdims`. */
  sum(axes?: Axes, keepdims = false): Tensor {
    return Tensor.fromPrimitive('sum', [this], sum(this, normalizeAxes('sum', axes, this.ndim), keepdims));
  }
  /**
   * Largest value over `axes`. The gradient is shared equally among tied maxima (`torch.amax`'s
   * rule). For the index, use `argmax`.
   */
  max(axes?: Axes, keepdims = false): Tensor {
    return Tensor.fromPrimitive('max', [this], extreme('max', this, normalizeAxes('max', axes, this.ndim), keepdims));
  }
  /** Smallest value over `axes`; ties share the gradient equally. */
  min(axes?: Axes, keepdims = false): Tensor {
    return Tensor.fromPrimitive('min', [this], extreme('min', this, normalizeAxes('min', axes, this.ndim), keepdims));
  }
  mean(axes?: Axes, keepdims = false): Tensor {
    return mean(this, axes, keepdims);
  }
  /** Variance with Bessel's correction by default (`correction: 1`, like torch.var). */
  var(axes?: Axes, options?: VarianceOptions): Tensor {
    return variance(this, axes, options);
  }
  std(axes?: Axes, options?: VarianceOptions): Tensor {
    return std(this, axes, options);
  }
  /** log Σ exp(x) over `axes`, stable for large magnitudes. */
  logsumexp(axes?: Axes, keepdims = false): Tensor {
    return logsumexp(this, axes, keepdims);
  }
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return logSoftmax(this, axis);
  }
  /** Index of the largest value along `axis` (over all values, flattened, when omitted); first wins ties. */
  argmax(axis?: number, keepdims = false): Tensor {
    const { data, shape } = argExtreme(this.data, this.shape, { op: 'argmax', kind: 'max', axis, keepdims });
    return new Tensor(data, shape);
  }
  argmin(axis?: number, keepdims = false): Tensor {
    const { data, shape } = argExtreme(this.data, this.shape, { op: 'argmin', kind: 'min', axis, keepdims });
    return new Tensor(data, shape);
  }

  /** Running sum along `axis` (torch.cumsum); the gradient is the reversed running sum. */
  cumsum(axis: number): Tensor {
    if (this.ndim === 0) return this.reshape([1]).cumsum(0).reshape([]);
    return Tensor.fromPrimitive('cumsum', [this], cumsum(this, normalizeAxis('cumsum', axis, this.ndim)));
  }
  /** torch.sort: values and indices along `axis`; stable (ties keep their order), NaN counts as largest. Values carry the gradient. */
  sort(axis = -1, descending = false): SortResult {
    if (this.ndim === 0) return { values: this.reshape([]), indices: new Tensor(new Float32Array(1), []) };
    const resolved = normalizeAxis('sort', axis, this.ndim);
    const indices = new Tensor(argsortAlong(this.data, this.shape, resolved, descending), this.shape);
    return { values: this.gather(resolved, indices), indices };
  }
  /** torch.topk: the k largest (`largest: false`: smallest) along `axis` (default −1), sorted. */
  topk(k: number, options: TopkOptions = {}): SortResult {
    return topk(this, k, options);
  }

  // ---- shape --------------------------------------------------------------------------------

  /** Same values in a new shape of equal size; one length may be -1 (inferred). Shares data. */
  reshape(shape: readonly number[]): Tensor {
    return Tensor.fromPrimitive('reshape', [this], reshape(this, resolveShape('reshape', this.shape, shape)));
  }
  /** Collapses axes `startAxis..endAxis` into one. */
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return flatten(this, startAxis, endAxis);
  }
  /** Removes axes of length 1 (the given one, or all). */
  squeeze(axis?: number): Tensor {
    return squeeze(this, axis);
  }
  /** Inserts an axis of length 1 at `axis`. */
  unsqueeze(axis: number): Tensor {
    return unsqueeze(this, axis);
  }
  /** Reorders the axes: output axis i is input axis `order[i]`. */
  permute(order: readonly number[]): Tensor {
    return Tensor.fromPrimitive('permute', [this], permute(this, resolvePermutation(this.shape, order)));
  }
  /** Swaps two axes (the last two by default). */
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return transpose(this, axis0, axis1);
  }
  /** Broadcasts to `shape` (NumPy rules; -1 keeps a length). */
  expand(shape: readonly number[]): Tensor {
    const { target, view } = resolveExpand(this.shape, shape);
    return Tensor.fromPrimitive('expand', [this], expand(this, target, view));
  }
  /**
   * Elements `start, start+step, …` before `end` along `axis`, like Python's `x[start:end:step]`:
   * negative bounds count from the end and bounds past the ends are clamped.
   */
  slice(axis: number, start = 0, end?: number, step = 1): Tensor {
    const { shape, view } = resolveSlice(this.shape, normalizeAxis('slice', axis, this.ndim), start, end, step);
    return Tensor.fromPrimitive('slice', [this], stridedSlice(this, shape, view));
  }
  /** Splits along `axis` into pieces of `size` (last may be shorter) or of the listed sizes. */
  split(sizes: number | readonly number[], axis = 0): Tensor[] {
    return split(this, sizes, axis);
  }
  /**
   * Padding in PyTorch's `F.pad` order: pairs (before, after) starting from the last axis, e.g.
   * `[1, 1, 2, 2]` pads the last axis by 1 and the one before it by 2. A number is the constant
   * fill; `{ mode: 'reflect' | 'replicate' | 'circular' }` copies the border instead; negative
   * amounts crop (PadOptions in composites/padding.ts).
   */
  pad(padding: readonly number[], value: number | PadOptions = 0): Tensor {
    if (typeof value !== 'number' || padding.some((amount) => amount < 0)) {
      return padWithMode(this, padding, typeof value === 'number' ? { value } : value);
    }
    const { before, after } = resolvePadding(this.shape, padding);
    return Tensor.fromPrimitive('pad', [this], pad(this, before, after, value));
  }
  /** Slices at `indices` along `axis` (integers as numbers, an Int32Array or an integer-valued tensor). */
  indexSelect(axis: number, indices: Tensor | ArrayLike<number>): Tensor {
    const resolved = normalizeAxis('indexSelect', axis, this.ndim);
    const list = indices instanceof Tensor ? indices.data : indices;
    checkIndices('indexSelect', list, this.shape[resolved]!, resolved);
    return Tensor.fromPrimitive('indexSelect', [this], indexSelect(this, resolved, list));
  }
  /** torch.gather: out[i][j] = this[index[i][j]][j] for axis 0, and alike on other axes. */
  gather(axis: number, index: Tensor): Tensor {
    const resolved = normalizeAxis('gather', axis, this.ndim);
    checkGatherIndex(this.shape, resolved, index);
    return Tensor.fromPrimitive('gather', [this], gather(this, resolved, index));
  }

  // ---- linear algebra -----------------------------------------------------------------------

  /** torch.matmul: dot product (1-D·1-D), matrix products, and batched products with broadcast batch axes. */
  matmul(other: Tensor): Tensor {
    if (!(other instanceof Tensor)) throw new TypeError(`matmul: expected a Tensor, got ${describeType(other)}`);
    checkMatmulOperands(this.shape, other.shape);
    const a = this.ndim === 1 ? this.unsqueeze(0) : this;
    const b = other.ndim === 1 ? other.unsqueeze(-1) : other;
    let out = Tensor.fromPrimitive('matmul', [a, b], matmul(a, b));
    if (this.ndim === 1) out = out.squeeze(-2);
    if (other.ndim === 1) out = out.squeeze(-1);
    return out;
  }
}
