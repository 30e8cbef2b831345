// Loss functions (PyTorch's torch.nn.functional semantics), composed from Tensor methods: no gradient code.
// Imports the Tensor class at run time only to wrap class labels; tensor.ts must never import this file.
import { broadcastShapes, formatShape, shapesEqual, sizeOf } from '../kernels/shape.js';
import { binaryCrossEntropyTerms, softmaxCrossEntropy } from '../tensor/functional.js';
import { Tensor } from '../tensor/tensor.js';

/** How the per-element losses are combined: their mean (default), their sum, or none (same shape). */
export type LossReduction = 'mean' | 'sum' | 'none';

/** Options of every loss. */
export interface LossOptions {
  /** Default `'mean'`. */
  reduction?: LossReduction;
}

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

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends LossOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·one-hot + ε/C (Szegedy et al., 2016). Default 0. */
  labelSmoothing?: number;
}

/**
 * Class indices, one per sample (and per position for `[N, C, d1, …]` inputs): an integer-valued
 * float32 Tensor (shape `[N]` or `[N, d1, …]`), an `Int32Array`, a `Uint8Array` or a plain array
 * (flat, row-major).
 */
export type ClassLabels = Tensor | Int32Array | Uint8Array | readonly number[];

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
export function binaryCrossEntropy(probabilities: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
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
    const excess = typeof posWeight === 'number' ? posWeight - 1 : checkBroadcastsTo(op, 'posWeight', posWeight, logits).sub(1);
    logTerm = logTerm.mul(target.mul(excess).add(1));
  }
  let loss = target.neg().add(1).mul(logits).add(logTerm);
  if (options.weight !== undefined) loss = loss.mul(checkBroadcastsTo(op, 'weight', options.weight, logits));
  return reduce(op, loss, options.reduction);
}

/**
 * Cross-entropy of raw class scores against class indices: −log softmax(logits)[label], averaged
 * over the batch (and spatial positions). Shapes: logits `[N, C]` with labels `[N]`, logits
 * `[N, C, d1, …]` with labels `[N, d1, …]` (classes on axis 1, as in PyTorch), or one sample
 * `[C]` with one label. With `labelSmoothing` ε the loss is (1 − ε)·nll + ε·mean_c(−log p_c).
 *
 * @example
 * ```ts
 * const logits = tensor([[2, 0, 0], [0, 0, 3]]);
 * crossEntropy(logits, [0, 2]).item();                           // mean(−logSoftmax picked) ≈ 0.1672
 * crossEntropy(logits, new Int32Array([0, 2]), { labelSmoothing: 0.1 });
 * crossEntropy(logits, tensor([0, 2]), { reduction: 'none' });   // shape [2]
 * ```
 */
export function crossEntropy(logits: Tensor, labels: ClassLabels, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const { labelSmoothing = 0 } = options;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new Error(`${op}: labelSmoothing must lie in [0, 1], got ${labelSmoothing}`);
  }
  const { scores, index, lossShape } = classIndex(op, 'logits', logits, labels);
  if (scores.ndim === 2) {
    // [N, C] (and [C]): the fused primitive — the same values and gradient in one op (NOTE(fused-cross-entropy)).
    return reduce(op, softmaxCrossEntropy(scores, index.data, labelSmoothing).reshape(lossShape), options.reduction);
  }
  const logProbabilities = scores.logSoftmax(1);
  let loss = logProbabilities.gather(1, index).neg();
  if (labelSmoothing > 0) {
    const uniform = logProbabilities.mean(1, true).neg();
    loss = loss.mul(1 - labelSmoothing).add(uniform.mul(labelSmoothing));
  }
  return reduce(op, loss.reshape(lossShape), options.reduction);
}

/**
 * Negative log-likelihood of log-probabilities (e.g. the output of `logSoftmax(1)`) against class
 * indices: −logProbabilities[label]. Same shapes as `crossEntropy`, which equals
 * `nllLoss(logits.logSoftmax(1), labels)`.
 *
 * @example
 * ```ts
 * const logProbabilities = tensor([[-0.1, -2.4], [-1.6, -0.2]]);
 * nllLoss(logProbabilities, [0, 1]).item();                        // (0.1 + 0.2) / 2 = 0.15
 * nllLoss(logProbabilities, [0, 1], { reduction: 'sum' }).item();  // 0.3
 * ```
 */
export function nllLoss(logProbabilities: Tensor, labels: ClassLabels, options: LossOptions = {}): Tensor {
  const { scores, index, lossShape } = classIndex('nllLoss', 'logProbabilities', logProbabilities, labels);
  return reduce('nllLoss', scores.gather(1, index).neg().reshape(lossShape), options.reduction);
}

// ---- helpers --------------------------------------------------------------------------------

function reduce(op: string, loss: Tensor, reduction: LossReduction = 'mean'): Tensor {
  switch (reduction) {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

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
    throw new Error(`${op}: ${name} ${formatShape(weight.shape)} must broadcast to the input's shape ${formatShape(input.shape)}`);
  }
  return weight;
}

/**
 * Checks `labels` against the class scores and returns the scores as `[N, C, …]`, the labels as
 * a gather index of shape `[N, 1, …]`, and the shape of the unreduced loss.
 */
function classIndex(
  op: string,
  inputName: string,
  input: Tensor,
  labels: ClassLabels,
): { scores: Tensor; index: Tensor; lossShape: number[] } {
  if (input.ndim === 0) {
    throw new Error(`${op}: ${inputName} must have a class axis: [C], [N, C] or [N, C, d1, …], got a scalar`);
  }
  const unbatched = input.ndim === 1;
  const scores = unbatched ? input.unsqueeze(0) : input;
  const [batch, classes] = scores.shape as [number, number];
  const spatial = scores.shape.slice(2);
  const lossShape = unbatched ? [] : [batch, ...spatial];
  const isTensor = labels instanceof Tensor;
  const given = isTensor ? labels.shape : [labels.length];
  const described = `${inputName} ${formatShape(input.shape)} and labels ${formatShape(given)}`;
  if (isTensor && !unbatched && shapesEqual(labels.shape, input.shape)) {
    throw new Error(
      `${op}: labels ${formatShape(given)} have the shape of the ${inputName}; pass class indices of shape ${formatShape(lossShape)} (for one-hot rows, labels.argmax(1))`,
    );
  }
  const count = isTensor ? labels.size : labels.length;
  const shapeFits = isTensor ? (unbatched ? labels.size === 1 : shapesEqual(labels.shape, lossShape)) : count === sizeOf(lossShape);
  if (!shapeFits) {
    if (!unbatched && given[0] !== batch && (isTensor || spatial.length === 0)) {
      throw new Error(`${op}: ${described} disagree on the batch size (${batch} ≠ ${given[0]})`);
    }
    throw new Error(
      `${op}: ${described} do not match: labels must have shape ${formatShape(lossShape)} (the ${inputName}' shape without the class axis 1)` +
        (!isTensor ? `, ${sizeOf(lossShape)} values flat` : count === sizeOf(lossShape) ? `; use labels.reshape(${formatShape(lossShape)})` : ''),
    );
  }
  const values = isTensor ? labels.data : labels;
  const index = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const label = values[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new Error(
        `${op}: label ${label} at position ${i} is not a class index for ${classes} classes (expected an integer in [0, ${classes - 1}]); ` +
          `check that the model's output size matches the number of classes in the data`,
      );
    }
    index[i] = label;
  }
  return { scores, index: new Tensor(index, [batch, 1, ...spatial]), lossShape };
}
