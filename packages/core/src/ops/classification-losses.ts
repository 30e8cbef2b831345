// crossEntropy and nllLoss (PyTorch's F.cross_entropy / F.nll_loss): class indices with class
// weights, ignoreIndex and label smoothing, or probability targets. Composites: no gradient code.
// Imports the Tensor class at run time only to wrap labels and weights; tensor.ts must never import this file.
import { formatShape, shapesEqual, sizeOf } from '../kernels/shape.js';
import { softmaxCrossEntropy } from '../tensor/functional.js';
import { Tensor } from '../tensor/tensor.js';
import { reduce, type LossOptions } from './loss-reduction.js';

/**
 * Class indices, one per sample (and per position for `[N, C, d1, …]` inputs): an integer-valued
 * float32 Tensor (shape `[N]` or `[N, d1, …]`), an `Int32Array`, a `Uint8Array` or a plain array
 * (flat, row-major).
 */
export type ClassLabels = Tensor | Int32Array | Uint8Array | readonly number[];

/** Options of `nllLoss`. */
export interface NllLossOptions extends LossOptions {
  /** [C]: each class's loss is scaled by its weight, and 'mean' divides by the summed weights of the labels. No gradient flows to it (as in PyTorch). */
  weight?: Tensor;
  /** Labels equal to it add no loss and no weight to the mean (PyTorch's `ignore_index`). Default −100. */
  ignoreIndex?: number;
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·one-hot + ε/C (Szegedy et al., 2016). Default 0. */
  labelSmoothing?: number;
}

const DEFAULT_IGNORE_INDEX = -100;

/**
 * Cross-entropy of raw class scores (PyTorch's `F.cross_entropy`). Shapes: logits `[N, C]` with
 * labels `[N]`, logits `[N, C, d1, …]` with labels `[N, d1, …]` (classes on axis 1), or one sample
 * `[C]` with one label. Against class indices the loss is −w[y]·log softmax(logits)[y], and with
 * `labelSmoothing` ε it is (1 − ε)·that + ε/C·Σ_c −w[c]·log p_c; labels equal to `ignoreIndex` add
 * nothing; 'mean' divides by the summed weights w[y] of the other labels (their count without
 * `weight`), as PyTorch does. A float Tensor of the logits' own shape is read as probability
 * targets t (PyTorch ≥ 1.10): −Σ_c w[c]·t_c·log p_c per sample, 'mean' over samples; t gets a gradient.
 *
 * @example
 * ```ts
 * const logits = tensor([[2, 0, 0], [0, 0, 3]]);
 * crossEntropy(logits, [0, 2]).item();                           // mean(−logSoftmax picked) ≈ 0.1672
 * crossEntropy(logits, [0, -100], { weight: tensor([2, 1, 1]) }); // the second sample is ignored
 * crossEntropy(logits, tensor([[0.9, 0.1, 0], [0, 0.5, 0.5]]));   // probability targets
 * ```
 */
export function crossEntropy(logits: Tensor, labels: ClassLabels, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const { labelSmoothing = 0, ignoreIndex = DEFAULT_IGNORE_INDEX } = options;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new Error(`${op}: labelSmoothing must lie in [0, 1], got ${labelSmoothing}`);
  }
  if (isProbabilityTarget(logits, labels)) {
    if (ignoreIndex !== DEFAULT_IGNORE_INDEX)
      throw new Error(
        `${op}: ignoreIndex applies to class indices, not to probability targets ${formatShape(labels.shape)} (as in PyTorch)`,
      );
    return probabilityCrossEntropy(logits, labels, options);
  }
  checkIgnoreIndex(op, ignoreIndex);
  const { scores, index, ignored, lossShape } = classIndex(op, 'logits', logits, labels, ignoreIndex);
  const weight = classWeight(op, options.weight, scores.shape[1]!);
  if (scores.ndim === 2 && weight === null && ignored === null) {
    // [N, C] (and [C]): the fused primitive — the same values and gradient in one op (NOTE(fused-cross-entropy)).
    return reduce(op, softmaxCrossEntropy(scores, index.data, labelSmoothing).reshape(lossShape), options.reduction);
  }
  return weightedNll(
    op,
    { logProbabilities: scores.logSoftmax(1), index, ignored, weight, labelSmoothing, lossShape },
    options.reduction,
  );
}

/**
 * Negative log-likelihood of log-probabilities (e.g. the output of `logSoftmax(1)`) against class
 * indices (PyTorch's `F.nll_loss`): −w[y]·logProbabilities[y], with `weight` and `ignoreIndex` as
 * in `crossEntropy` ('mean' divides by the summed weights of the labels not ignored). Same shapes
 * as `crossEntropy`, which equals `nllLoss(logits.logSoftmax(1), labels, options)`.
 *
 * @example
 * ```ts
 * const logProbabilities = tensor([[-0.1, -2.4], [-1.6, -0.2]]);
 * nllLoss(logProbabilities, [0, 1]).item();                        // (0.1 + 0.2) / 2 = 0.15
 * nllLoss(logProbabilities, [0, 1], { weight: tensor([3, 1]) }).item(); // (0.3 + 0.2) / 4 = 0.125
 * ```
 */
export function nllLoss(logProbabilities: Tensor, labels: ClassLabels, options: NllLossOptions = {}): Tensor {
  const op = 'nllLoss';
  const { ignoreIndex = DEFAULT_IGNORE_INDEX } = options;
  checkIgnoreIndex(op, ignoreIndex);
  const { scores, index, ignored, lossShape } = classIndex(
    op,
    'logProbabilities',
    logProbabilities,
    labels,
    ignoreIndex,
  );
  const weight = classWeight(op, options.weight, scores.shape[1]!);
  if (weight === null && ignored === null)
    return reduce(op, scores.gather(1, index).neg().reshape(lossShape), options.reduction);
  return weightedNll(
    op,
    { logProbabilities: scores, index, ignored, weight, labelSmoothing: 0, lossShape },
    options.reduction,
  );
}

interface NllTerms {
  logProbabilities: Tensor;
  index: Tensor;
  ignored: Uint8Array | null;
  weight: Float32Array | null;
  labelSmoothing: number;
  lossShape: number[];
}

/**
 * NOTE(weighted-mean): PyTorch's weighted, ignoring, smoothed class loss. Per sample
 * (1 − ε)·w[y]·(−log p_y) + ε/C·Σ_c w[c]·(−log p_c), zero where ignored (a mask, so a −∞ there
 * cannot turn into NaN); 'mean' is Σ loss / Σ w[y] over the samples not ignored — 0/0 = NaN when
 * every label is ignored, as in PyTorch — and the smoothing term shares that divisor.
 */
function weightedNll(op: string, terms: NllTerms, reduction: LossOptions['reduction']): Tensor {
  const { logProbabilities, index, ignored, weight, labelSmoothing, lossShape } = terms;
  const classes = logProbabilities.shape[1]!;
  const sampleWeights = new Float32Array(index.size);
  let weightSum = 0;
  for (let i = 0; i < index.size; i++) {
    sampleWeights[i] = ignored?.[i] === 1 ? 0 : weight === null ? 1 : weight[index.data[i]!]!;
    weightSum += sampleWeights[i]!;
  }
  let loss = logProbabilities.gather(1, index).neg();
  if (weight !== null) loss = loss.mul(new Tensor(sampleWeights, index.shape));
  if (labelSmoothing > 0) {
    const perClass =
      weight === null ? logProbabilities : logProbabilities.mul(classWeightTensor(weight, logProbabilities.ndim));
    loss = loss.mul(1 - labelSmoothing).add(
      perClass
        .sum(1, true)
        .neg()
        .mul(labelSmoothing / classes),
    );
  }
  if (ignored !== null)
    loss = loss.where(
      new Tensor(
        Float32Array.from(ignored, (skip) => 1 - skip),
        index.shape,
      ),
      0,
    );
  loss = loss.reshape(lossShape);
  if (reduction === undefined || reduction === 'mean') return loss.sum().div(weightSum);
  return reduce(op, loss, reduction);
}

/** Probability targets: −Σ_c w[c]·t'_c·log softmax(logits)_c with t' = (1 − ε)·t + ε/C; 'mean' over samples. */
function probabilityCrossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions): Tensor {
  const op = 'crossEntropy';
  const { labelSmoothing = 0 } = options;
  const unbatched = logits.ndim === 1;
  const scores = unbatched ? logits.unsqueeze(0) : logits;
  const classes = scores.shape[1]!;
  const weight = classWeight(op, options.weight, classes);
  let t = unbatched ? targets.unsqueeze(0) : targets;
  if (labelSmoothing > 0) t = t.mul(1 - labelSmoothing).add(labelSmoothing / classes);
  let terms = scores.logSoftmax(1).mul(t);
  if (weight !== null) terms = terms.mul(classWeightTensor(weight, scores.ndim));
  const loss = terms.sum(1).neg();
  return reduce(op, unbatched ? loss.reshape([]) : loss, options.reduction);
}

/** A float tensor of the logits' own shape (and more than one class when unbatched): probability targets. */
function isProbabilityTarget(logits: Tensor, labels: ClassLabels): labels is Tensor {
  return (
    labels instanceof Tensor &&
    logits.ndim >= 1 &&
    shapesEqual(labels.shape, logits.shape) &&
    (logits.ndim > 1 || logits.shape[0]! > 1)
  );
}

function checkIgnoreIndex(op: string, ignoreIndex: number): void {
  if (!Number.isInteger(ignoreIndex))
    throw new Error(`${op}: ignoreIndex must be an integer, got ${String(ignoreIndex).slice(0, 80)}`);
}

/** The class weights as a Float32Array of C values (null when not given), checked. */
function classWeight(op: string, weight: Tensor | undefined, classes: number): Float32Array | null {
  if (weight === undefined) return null;
  if (!(weight instanceof Tensor) || weight.ndim !== 1 || weight.shape[0] !== classes) {
    const shape = weight instanceof Tensor ? formatShape(weight.shape) : typeof weight;
    throw new Error(`${op}: weight ${shape} must have one value per class: shape [${classes}]`);
  }
  return weight.data;
}

/** The weights shaped [1, C, 1, …] to broadcast over scores of `ndim` axes. */
function classWeightTensor(weight: Float32Array, ndim: number): Tensor {
  return new Tensor(weight, [1, weight.length, ...Array<number>(ndim - 2).fill(1)]);
}

/**
 * Checks `labels` against the class scores and returns the scores as `[N, C, …]`, the labels as
 * a gather index of shape `[N, 1, …]` (an ignored label reads class 0), which labels equal
 * `ignoreIndex` (null when none does), and the shape of the unreduced loss.
 */
function classIndex(
  op: string,
  inputName: string,
  input: Tensor,
  labels: ClassLabels,
  ignoreIndex: number,
): { scores: Tensor; index: Tensor; ignored: Uint8Array | null; lossShape: number[] } {
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
      `${op}: labels ${formatShape(given)} have the shape of the ${inputName}; pass class indices of shape ${formatShape(lossShape)} (for one-hot rows, labels.argmax(1)` +
        (op === 'nllLoss' ? '; crossEntropy takes probability targets' : '') +
        ')',
    );
  }
  const count = isTensor ? labels.size : labels.length;
  const shapeFits = isTensor
    ? unbatched
      ? labels.size === 1
      : shapesEqual(labels.shape, lossShape)
    : count === sizeOf(lossShape);
  if (!shapeFits) {
    if (!unbatched && given[0] !== batch && (isTensor || spatial.length === 0)) {
      throw new Error(`${op}: ${described} disagree on the batch size (${batch} ≠ ${given[0]})`);
    }
    throw new Error(
      `${op}: ${described} do not match: labels must have shape ${formatShape(lossShape)} (the ${inputName}' shape without the class axis 1)` +
        (!isTensor
          ? `, ${sizeOf(lossShape)} values flat`
          : count === sizeOf(lossShape)
            ? `; use labels.reshape(${formatShape(lossShape)})`
            : ''),
    );
  }
  const values = isTensor ? labels.data : labels;
  const index = new Float32Array(count);
  let ignored: Uint8Array | null = null;
  for (let i = 0; i < count; i++) {
    const label = values[i]!;
    if (label === ignoreIndex) {
      ignored ??= new Uint8Array(count);
      ignored[i] = 1;
      continue; // index[i] stays 0, a valid class to gather from; the loss there is masked out
    }
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new Error(
        `${op}: label ${label} at position ${i} is not a class index for ${classes} classes (expected an integer in [0, ${classes - 1}]); ` +
          `check that the model's output size matches the number of classes in the data`,
      );
    }
    index[i] = label;
  }
  return { scores, index: new Tensor(index, [batch, 1, ...spatial]), ignored, lossShape };
}
