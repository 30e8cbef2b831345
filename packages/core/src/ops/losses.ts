// Loss functions (PyTorch's torch.nn.functional semantics), composed from Tensor methods: no gradient
// code; the class-index losses live in classification-losses.ts. tensor.ts must never import this file.
import { broadcastShapes, formatShape, shapesEqual } from '../kernels/shape.js';
import { binaryCrossEntropyTerms } from '../tensor/functional.js';
import type { Tensor } from '../tensor/tensor.js';
import { reduce, type LossOptions } from './loss-reduction.js';

export type { LossOptions, LossReduction } from './loss-reduction.js';
export {
  crossEntropy,
  nllLoss,
  type ClassLabels,
  type CrossEntropyOptions,
  type NllLossOptions,
} from './classification-losses.js';

/** Options of `binaryCrossEntropy`. */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: Tensor;
}

/** Options of `binaryCrossEntropyWithLogits`. */
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term per class (broadcast along the last axis): > 1 raises recall. */
  posWeight?: Tensor | number;
}

/**
 * Mean squared error: mean((input − target)²).
 *
 * Input and target must have the same shape: broadcasting `[N, 1]` against `[N]` would silently
 * compare every pair, so it is refused (PyTorch only warns).
 *
 * @example
 * ```ts
 * mseLoss(tensor([1, 2, 3]), tensor([1, 2, 5])).item();                        // 4/3
 * mseLoss(tensor([1, 2, 3]), tensor([1, 2, 5]), { reduction: 'none' }).toArray(); // [0, 0, 4]
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkSameShape('mseLoss', input, target);
  return reduce('mseLoss', input.sub(target).square(), options.reduction);
}

/**
 * Mean absolute error: mean(|input − target|). The gradient at input = target is 0 (`abs'(0) = 0`).
 *
 * @example
 * ```ts
 * l1Loss(tensor([1, 2, 3]), tensor([1, 0, 6])).item();                     // 5/3
 * l1Loss(tensor([1, 2, 3]), tensor([1, 0, 6]), { reduction: 'sum' }).item(); // 5
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkSameShape('l1Loss', input, target);
  return reduce('l1Loss', input.sub(target).abs(), options.reduction);
}

/**
 * Binary cross-entropy of probabilities p ∈ [0, 1] against targets t ∈ [0, 1]:
 * −w·(t·log p + (1 − t)·log(1 − p)), each log clamped to ≥ −100 as in PyTorch, so p = 0 or 1
 * gives a finite loss. Prefer `binaryCrossEntropyWithLogits` on raw scores: it is more stable.
 *
 * @example
 * ```ts
 * const p = tensor([0.9, 0.2]);
 * binaryCrossEntropy(p, tensor([1, 0])).item(); // (−log 0.9 − log 0.8) / 2 ≈ 0.1643
 * ```
 */
export function binaryCrossEntropy(
  probabilities: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyOptions = {},
): Tensor {
  const op = 'binaryCrossEntropy';
  checkSameShape(op, probabilities, target);
  const values = probabilities.data;
  for (let i = 0; i < values.length; i++) {
    const p = values[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw new Error(
        `${op}: probabilities must lie in [0, 1]; found ${p} at position ${i} (apply sigmoid() first, or pass raw scores to binaryCrossEntropyWithLogits)`,
      );
    }
  }
  let loss = binaryCrossEntropyTerms(probabilities, target);
  if (options.weight !== undefined) loss = loss.mul(checkBroadcastsTo(op, 'weight', options.weight, probabilities));
  return reduce(op, loss, options.reduction);
}

/**
 * Binary cross-entropy on raw scores x (logits), with sigmoid folded in:
 * (1 − t)·x + l·softplus(−x), where l = 1 + (posWeight − 1)·t. Without `posWeight` this is the
 * stable max(x, 0) − x·t + log(1 + e^−|x|): finite for logits of ±100 and beyond.
 *
 * @example
 * ```ts
 * const logits = tensor([2, -1]);
 * binaryCrossEntropyWithLogits(logits, tensor([1, 0])).item(); // (softplus(−2) + softplus(−1)) / 2 ≈ 0.2201
 * binaryCrossEntropyWithLogits(logits, tensor([1, 0]), { posWeight: 3 }); // positives count 3×
 * ```
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyWithLogitsOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  checkSameShape(op, logits, target);
  // NOTE(stable-bce): softplus(−x) = max(−x, 0) + log1p(e^−|x|) never exponentiates a large number.
  let logTerm = logits.neg().softplus();
  const { posWeight } = options;
  if (posWeight !== undefined) {
    const excess =
      typeof posWeight === 'number' ? posWeight - 1 : checkBroadcastsTo(op, 'posWeight', posWeight, logits).sub(1);
    logTerm = logTerm.mul(target.mul(excess).add(1));
  }
  let loss = target.neg().add(1).mul(logits).add(logTerm);
  if (options.weight !== undefined) loss = loss.mul(checkBroadcastsTo(op, 'weight', options.weight, logits));
  return reduce(op, loss, options.reduction);
}

// ---- helpers --------------------------------------------------------------------------------

function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new Error(
      `${op}: input ${formatShape(input.shape)} and target ${formatShape(target.shape)} must have the same shape; reshape one of them (broadcasting would compare every pair)`,
    );
  }
}

/** `weight` must broadcast to the input's shape without enlarging it. */
function checkBroadcastsTo(op: string, name: string, weight: Tensor, input: Tensor): Tensor {
  if (!shapesEqual(broadcastShapes(op, input.shape, weight.shape), input.shape)) {
    throw new Error(
      `${op}: ${name} ${formatShape(weight.shape)} must broadcast to the input's shape ${formatShape(input.shape)}`,
    );
  }
  return weight;
}
