// What a tensor is: float32 values in a shape, and its place in the autograd graph (requiresGrad,
// creator, gradient). The operations live in tensor.ts, whose Tensor extends this class.
// Imports kernels, the autograd engine and tensor/format; the Tensor type only (tensor.ts imports this).
import { runBackward } from '../autograd/engine.js';
import type { Creator, GraphTensor } from '../autograd/graph.js';
import { addInto } from '../kernels/elementwise.js';
import { formatShape, shapesEqual, sizeOf } from '../kernels/shape.js';
import { describeType } from './describe.js';
import { formatTensor } from './format.js';
import type { Tensor, TensorLike } from './tensor.js';

/** What `toArray()` returns: a number for a scalar, nested arrays otherwise. */
export type NestedArray = number | NestedArray[];

/**
 * The storage and graph state every `Tensor` has. Not constructed directly: `Tensor` is the class
 * users meet; this base keeps what a tensor *is* apart from what can be done with it.
 */
export abstract class TensorBase implements GraphTensor {
  readonly shape: readonly number[];
  #grad: Tensor | null = null;
  #data: Float32Array;
  #requiresGrad: boolean;
  #creator: Creator | null = null;
  #retainsGrad = false;

  constructor(data: Float32Array, shape: readonly number[], requiresGrad: boolean) {
    for (const length of shape) {
      if (!Number.isInteger(length) || length < 0) {
        throw new Error(`Tensor: shape ${formatShape(shape)} must hold non-negative integers`);
      }
    }
    if (data.length !== sizeOf(shape)) {
      throw new Error(
        `Tensor: ${data.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} needed)`,
      );
    }
    this.#data = data;
    this.shape = Object.freeze([...shape]);
    this.#requiresGrad = requiresGrad;
  }

  /** Records the primitive that produced this tensor, once, right after it is made (Tensor.fromPrimitive). */
  protected recordCreator(creator: Creator): void {
    if (this.#creator !== null)
      throw new Error(`recordCreator: this tensor already has a creator (${this.#creator.op})`);
    this.#creator = creator;
  }

  /** A tensor of this one's shape over `values` (not copied), outside the graph: how gradients become tensors. */
  protected abstract withValues(values: Float32Array): Tensor;

  // ---- values -------------------------------------------------------------------------------

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
    if (this.#creator !== null)
      throw new Error('data: only a leaf tensor can be given new storage; use detach() first');
    if (values.length !== this.#data.length) {
      throw new Error(
        `data: new storage has ${values.length} values but shape ${formatShape(this.shape)} needs ${this.#data.length}`,
      );
    }
    this.#data = values;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.data.length;
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new Error(
        `item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements; item() needs exactly one`,
      );
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

  // ---- place in the graph -------------------------------------------------------------------

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

  /** The accumulated gradient after `backward()` of a leaf, or of a non-leaf after `retainGrad()`; `null` until then or after `zeroGrad`. */
  get grad(): Tensor | null {
    return this.#grad;
  }

  // NOTE(grad-shape): checked when assigned rather than when accumulated, so the error points at
  // the line that set a wrong gradient (and a gradient of another shape never sits on a tensor
  // where optimizers would read it); the engine's own gradients are checked in accumulateGrad.
  set grad(value: Tensor | null) {
    if (value !== null && !(value instanceof TensorBase))
      throw new TypeError(`grad: expected a Tensor or null, got ${describeType(value)}`);
    if (value !== null && !shapesEqual(value.shape, this.shape)) {
      throw new Error(
        `grad: a gradient of shape ${formatShape(value.shape)} cannot belong to a tensor of shape ${formatShape(this.shape)}`,
      );
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
    if (gradient === undefined && this.size !== 1) {
      throw new Error(
        `backward: output of shape ${formatShape(this.shape)} is not a scalar; pass a gradient of that shape (e.g. onesLike(output)) or reduce it first (e.g. .sum())`,
      );
    }
    if (gradient !== undefined && typeof gradient !== 'number' && !(gradient instanceof TensorBase)) {
      throw new TypeError(
        `backward: expected a Tensor or a number, got ${describeType(gradient)}${Array.isArray(gradient) ? '; wrap arrays with tensor(...)' : ''}`,
      );
    }
    const given = typeof gradient === 'number' ? { shape: [], data: Float32Array.of(gradient) } : gradient;
    if (given !== undefined && !shapesEqual(given.shape, this.shape)) {
      throw new Error(
        `backward: gradient of shape ${formatShape(given.shape)} does not match output shape ${formatShape(this.shape)}`,
      );
    }
    runBackward(this, given === undefined ? Float32Array.of(1) : given.data);
  }

  /**
   * Keeps this non-leaf's gradient in `.grad` after backward, accumulating like a leaf's (PyTorch's
   * `retain_grad()`; a no-op on a leaf). Without it a non-leaf's `.grad` stays `null`.
   * @example `const h = x.matmul(w).relu(); h.retainGrad(); loss(h).backward(); h.grad; // ∂loss/∂h`
   */
  retainGrad(): void {
    if (!this.#requiresGrad) {
      throw new Error(
        'retainGrad: this tensor does not require grad (no input had requiresGrad: true, or it was computed inside noGrad()), so it gets no gradient to retain',
      );
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
      throw new Error(
        `accumulateGrad: a gradient of ${gradient.length} values cannot belong to a tensor of shape ${formatShape(this.shape)}`,
      );
    }
    if (this.#grad === null) this.#grad = this.withValues(gradient.slice());
    else addInto(this.#grad.data, gradient);
  }
}
