// The autograd graph as the engine sees it, and the grad mode switch (`noGrad`).
// Structural types only: imports nothing but kernels/shape, so the Tensor class can depend on it.
import type { Shape } from '../kernels/shape.js';

/** Values and shape without any graph: what kernels and backward rules exchange. */
export interface RawTensor {
  readonly data: Float32Array;
  readonly shape: Shape;
}

/**
 * A primitive's backward rule: given the gradient of the loss with respect to the primitive's
 * output, returns the gradient for each input — shaped like the output where the forward pass
 * broadcast that input (the engine sums it back), or `null` where the input gets none.
 * `needsGradient[i]` is false when input i does not require grad: a rule may skip that work
 * (matmul skips the input gradient of a first layer, for instance).
 */
export type BackwardRule = (
  gradOutput: RawTensor,
  needsGradient: readonly boolean[],
) => ReadonlyArray<RawTensor | null>;

/** The record a primitive leaves on its output: which op, applied to which inputs, how to go back. */
export interface Creator {
  readonly op: string;
  readonly inputs: readonly GraphTensor[];
  readonly backward: BackwardRule;
}

/** A node of the graph: a tensor that may have been produced by a primitive (`creator`). */
export interface GraphTensor extends RawTensor {
  readonly requiresGrad: boolean;
  /** `null` for a leaf (a tensor made by the user, such as a parameter). */
  readonly creator: Creator | null;
  /** Whether a non-leaf keeps its gradient in `.grad` after backward (`retainGrad()`, PyTorch's `retains_grad`). */
  readonly retainsGrad: boolean;
  /** Called by the engine on leaves and on retaining non-leaves: adds `gradient` (same shape) into `.grad`. */
  accumulateGrad(gradient: Float32Array): void;
}

let gradEnabled = true;

/** Whether primitives currently record the graph (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording the autograd graph (like `torch.no_grad()`): results do not
 * require grad, and no backward closures are kept. For synchronous code: the mode is restored
 * when `fn` returns or throws, not when a promise it returns settles.
 *
 * @example
 * ```ts
 * noGrad(() => {
 *   for (const p of params) p.data.set(p.sub(p.grad!.mul(0.1)).data); // plain SGD step
 * });
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** What every primitive's forward returns: its output and the rule to go back through it. */
export interface PrimitiveResult {
  readonly output: RawTensor;
  readonly backward: BackwardRule;
}
