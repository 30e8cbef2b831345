// The Tensor: float32 values, a shape, and its place in the autograd graph. Every method either
// applies a primitive (tensor/primitives) or calls a composite (ops/). Must not import create.ts.
import { runBackward } from '../autograd/engine.js';
import { isGradEnabled, type Creator, type GraphTensor, type PrimitiveResult } from '../autograd/graph.js';
import { addInto } from '../kernels/elementwise.js';
import { argReduce } from '../kernels/reduce.js';
import { argsortAlong } from '../kernels/scan.js';
import { formatShape, normalizeAxes, normalizeAxis, shapesEqual, sizeOf, stridesOf } from '../kernels/shape.js';
import { gelu, silu } from '../ops/activation.js';
import { flatten, squeeze, transpose, unsqueeze } from '../ops/reshape.js';
import { padWithMode, type PadOptions } from '../ops/padding.js';
import { topk, type SortResult, type TopkOptions } from '../ops/sort.js';
import { split } from '../ops/split.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { logsumexp, mean, std, variance, type VarianceOptions } from '../ops/statistics.js';
import { binary, compare, where, type BinaryOp, type ComparisonOp } from './primitives/binary.js';
import { cumsum } from './primitives/cumsum.js';
import { matmul } from './primitives/matmul.js';
import { extreme, sum } from './primitives/reduction.js';
import { clamp, leakyRelu, relu, unary, type UnaryOp } from './primitives/unary.js';
import { expand, gather, indexSelect, pad, permute, reshape, stridedSlice } from './primitives/layout.js';
import { describeType } from './describe.js';
import { formatTensor } from './format.js';
import { checkGatherIndex, checkIndices, resolveExpand, resolvePadding, resolvePermutation, resolveShape, resolveSlice } from './validate.js';

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
export class Tensor implements GraphTensor {
  readonly shape: readonly number[];
  #grad: Tensor | null = null;
  #data: Float32Array;
  #requiresGrad: boolean;
  #creator: Creator | null = null;
  #retainsGrad = false;

  /** Wraps `data` (not copied) as a tensor of `shape`; use `tensor()` to build one from arrays. */
  constructor(data: Float32Array, shape: readonly number[], requiresGrad = false) {
    for (const length of shape) {
      if (!Number.isInteger(length) || length < 0) {
        throw new Error(`Tensor: shape ${formatShape(shape)} must hold non-negative integers`);
      }
    }
    if (data.length !== sizeOf(shape)) {
      throw new Error(`Tensor: ${data.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} needed)`);
    }
    this.#data = data;
    this.shape = Object.freeze([...shape]);
    this.#requiresGrad = requiresGrad;
  }

  /** Wraps a primitive's result, recording it in the graph when grad mode is on and an input requires grad. */
  static fromPrimitive(op: string, inputs: readonly Tensor[], result: PrimitiveResult): Tensor {
    const requiresGrad = isGradEnabled() && inputs.some((input) => input.requiresGrad);
    const out = new Tensor(result.output.data, result.output.shape, requiresGrad);
    if (requiresGrad) out.#creator = { op, inputs, backward: result.backward };
    return out;
  }

  /** A scalar tensor for a number; the tensor itself otherwise. Anything else is a TypeError naming `op`. */
  static from(value: TensorLike, op = 'Tensor.from'): Tensor {
    if (value instanceof Tensor) return value;
    if (typeof value !== 'number') {
      throw new TypeError(`${op}: expected a Tensor or a number, got ${describeType(value)}${Array.isArray(value) ? '; wrap arrays with tensor(...)' : ''}`);
    }
    return new Tensor(Float32Array.of(value), []);
  }

  // ---- inspection ---------------------------------------------------------------------------

  /** The values, row-major. Shared with tensors that are views of this one (reshape, detach). */
  get data(): Float32Array {
    return this.#data;
  }

  /**
   * Gives a leaf new storage of the same length, like PyTorch's `p.data = …`: the tensor object
   * (and every module or optimizer holding it) now reads and writes `values`, not a copy — this
   * is how data-parallel training puts parameters in shared memory. Views made earlier
   * (`detach`, `reshape`) keep the old storage.
   */
  set data(values: Float32Array) {
    if (this.#creator !== null) throw new Error('data: only a leaf tensor can be given new storage; use detach() first');
    if (values.length !== this.#data.length) {
      throw new Error(`data: new storage has ${values.length} values but shape ${formatShape(this.shape)} needs ${this.#data.length}`);
    }
    this.#data = values;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.data.length;
  }

  /** Whether gradients flow to this tensor. Settable on leaves only (results follow their inputs). */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (this.#creator !== null) {
      throw new Error('requiresGrad: only leaf tensors can change it; use detach() to cut a result from the graph');
    }
    this.#requiresGrad = value;
  }

  /** The primitive that produced this tensor, or `null` for a leaf. */
  get creator(): Creator | null {
    return this.#creator;
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new Error(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements; item() needs exactly one`);
    }
    return this.data[0]!;
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.ndim) return this.data[offset]!;
      const stride = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: this.shape[axis]! }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** PyTorch-style printout, abbreviated for large tensors. */
  toString(): string {
    return formatTensor(this.data, this.shape, this.requiresGrad ? { suffix: 'requiresGrad=true' } : {});
  }

  // ---- autograd -----------------------------------------------------------------------------

  /** The accumulated gradient after `backward()` of a leaf, or of a non-leaf after `retainGrad()`; `null` until then or after `zeroGrad`. */
  get grad(): Tensor | null {
    return this.#grad;
  }

  // NOTE(grad-shape): checked when assigned rather than when accumulated, so the error points at
  // the line that set a wrong gradient (and a gradient of another shape never sits on a tensor
  // where optimizers would read it); the engine's own gradients are checked in accumulateGrad.
  set grad(value: Tensor | null) {
    if (value !== null && !(value instanceof Tensor)) throw new TypeError(`grad: expected a Tensor or null, got ${describeType(value)}`);
    if (value !== null && !shapesEqual(value.shape, this.shape)) {
      throw new Error(`grad: a gradient of shape ${formatShape(value.shape)} cannot belong to a tensor of shape ${formatShape(this.shape)}`);
    }
    this.#grad = value;
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad and adds
   * it into their `.grad`. A non-scalar output needs `gradient` (same shape): the vector of a
   * vector–Jacobian product.
   */
  backward(gradient?: TensorLike): void {
    if (!this.requiresGrad) {
      throw new Error(
        'backward: this tensor does not require grad: no input had requiresGrad: true, or it was computed inside noGrad()',
      );
    }
    let seed: Float32Array;
    if (gradient === undefined) {
      if (this.size !== 1) {
        throw new Error(
          `backward: output of shape ${formatShape(this.shape)} is not a scalar; pass a gradient of that shape (e.g. onesLike(output)) or reduce it first (e.g. .sum())`,
        );
      }
      seed = Float32Array.of(1);
    } else {
      const given = Tensor.from(gradient, 'backward');
      if (!shapesEqual(given.shape, this.shape)) {
        throw new Error(`backward: gradient of shape ${formatShape(given.shape)} does not match output shape ${formatShape(this.shape)}`);
      }
      seed = given.data;
    }
    runBackward(this, seed);
  }

  /**
   * Keeps this non-leaf's gradient in `.grad` after backward, accumulating like a leaf's (PyTorch's
   * `retain_grad()`; a no-op on a leaf). Without it a non-leaf's `.grad` stays `null`.
   * @example `const h = x.matmul(w).relu(); h.retainGrad(); loss(h).backward(); h.grad; // ∂loss/∂h`
   */
  retainGrad(): void {
    if (!this.#requiresGrad) {
      throw new Error('retainGrad: this tensor does not require grad (no input had requiresGrad: true, or it was computed inside noGrad()), so it gets no gradient to retain');
    }
    if (this.#creator !== null) this.#retainsGrad = true;
  }

  /** Whether `retainGrad()` was called on this non-leaf (false on leaves, like PyTorch's `retains_grad`). */
  get retainsGrad(): boolean {
    return this.#retainsGrad;
  }

  /** Engine hook: adds `gradient` into `.grad` (allocated on first use). */
  accumulateGrad(gradient: Float32Array): void {
    if (gradient.length !== this.size) {
      throw new Error(`accumulateGrad: a gradient of ${gradient.length} values cannot belong to a tensor of shape ${formatShape(this.shape)}`);
    }
    if (this.#grad === null) this.#grad = new Tensor(gradient.slice(), this.shape);
    else addInto(this.#grad.data, gradient);
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
    return this.#argReduce('argmax', 'max', axis, keepdims);
  }
  argmin(axis?: number, keepdims = false): Tensor {
    return this.#argReduce('argmin', 'min', axis, keepdims);
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

  #argReduce(op: string, kind: 'max' | 'min', axis: number | undefined, keepdims: boolean): Tensor {
    if (this.size === 0) throw new Error(`${op}: cannot take ${op} of an empty tensor`);
    if (axis === undefined) {
      const index = argReduce(this.data, [this.size], 0, kind);
      return new Tensor(index, keepdims ? this.shape.map(() => 1) : []);
    }
    const resolved = normalizeAxis(op, axis, this.ndim);
    const index = argReduce(this.data, this.shape, resolved, kind);
    const shape = keepdims ? this.shape.map((length, a) => (a === resolved ? 1 : length)) : this.shape.filter((_, a) => a !== resolved);
    return new Tensor(index, shape);
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
    const resolved = normalizeAxis('slice', axis, this.ndim);
    const { first, count } = resolveSlice(this.shape[resolved]!, start, end, step);
    const strides = stridesOf(this.shape);
    const shape = this.shape.map((length, a) => (a === resolved ? count : length));
    const view = { offset: first * strides[resolved]!, strides: strides.map((s, a) => (a === resolved ? s * step : s)) };
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
   * amounts crop (PadOptions in ops/padding.ts).
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
    if (this.ndim === 0 || other.ndim === 0) {
      throw new Error(`matmul: both operands need at least one axis, got ${formatShape(this.shape)} @ ${formatShape(other.shape)}`);
    }
    const a = this.ndim === 1 ? this.unsqueeze(0) : this;
    const b = other.ndim === 1 ? other.unsqueeze(-1) : other;
    if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 2]) {
      const k = this.shape[this.ndim - 1];
      const kB = other.ndim === 1 ? other.shape[0] : other.shape[other.ndim - 2];
      throw new Error(`matmul: inner dimensions differ: ${formatShape(this.shape)} @ ${formatShape(other.shape)} (${k} ≠ ${kB})`);
    }
    let out = Tensor.fromPrimitive('matmul', [a, b], matmul(a, b));
    if (this.ndim === 1) out = out.squeeze(-2);
    if (other.ndim === 1) out = out.squeeze(-1);
    return out;
  }
}

/** What `toArray()` returns: a number for a scalar, nested arrays otherwise. */
export type NestedArray = number | NestedArray[];
