// Classification metrics: accuracy and its count of correct samples, confusion matrix and its text table. Plain loops over the data,
// no autograd. Imports the Tensor class and kernels/shape only: no nn/optim/data, no `node:` modules (browsers).
import { formatShape } from '../kernels/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Class predictions or labels: class indices ([N] tensor, `Int32Array`, `number[]`, …), or scores
 * (logits / probabilities / one-hot) as a tensor [N, C], read as their argmax over the last axis.
 */
export type ClassValues = Tensor | ArrayLike<number>;

/**
 * Class indices of `values`. Scores [..., C] with C > 1 give their argmax (the first of a tie, like
 * `Tensor.argmax`); a [N, 1] column is read as indices for labels but refused for predictions,
 * where a single score per sample would need a threshold.
 */
function classIndices(op: string, role: 'predictions' | 'labels', values: ClassValues): ArrayLike<number> {
  if (!(values instanceof Tensor)) return values;
  const classes = values.ndim >= 2 ? values.shape[values.ndim - 1]! : 1;
  if (classes === 1) {
    if (values.ndim >= 2 && role === 'predictions') {
      throw new Error(
        `${op}: predictions of shape ${formatShape(values.shape)} hold one score per sample; threshold them into classes first, e.g. probabilities.gt(0.5).flatten()`,
      );
    }
    return values.data;
  }
  const rows = values.size / classes;
  const indices = new Int32Array(rows);
  const data = values.data;
  for (let row = 0; row < rows; row++) {
    const offset = row * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (data[offset + c]! > data[offset + best]!) best = c;
    indices[row] = best;
  }
  return indices;
}

function pairs(op: string, predictions: ClassValues, labels: ClassValues): [ArrayLike<number>, ArrayLike<number>] {
  const predicted = classIndices(op, 'predictions', predictions);
  const actual = classIndices(op, 'labels', labels);
  if (predicted.length !== actual.length) {
    const describe = (values: ClassValues, indices: ArrayLike<number>) =>
      values instanceof Tensor
        ? `shape ${formatShape(values.shape)} (${indices.length} samples)`
        : `${indices.length} values`;
    throw new Error(
      `${op}: predictions ${describe(predictions, predicted)} and labels ${describe(labels, actual)} differ in sample count`,
    );
  }
  if (predicted.length === 0) throw new Error(`${op}: no samples (predictions and labels are empty)`);
  return [predicted, actual];
}

/**
 * How many samples' predicted class equals the label: the numerator of `accuracy` (sklearn's
 * `accuracy_score(normalize=False)`). Logits [N, C] are read as their argmax over the last axis
 * (the first of a tie); labels are class indices [N] (or one-hot [N, C]). For totals summed over
 * batches or chunks, where a per-batch fraction would have to be re-weighted.
 *
 * @example
 * ```ts
 * correctCount(tensor([[2, 1], [0, 3], [5, 4]]), tensor([0, 1, 1])); // 2 (argmax: 0, 1, 0)
 * ```
 */
export function correctCount(predictionsOrLogits: ClassValues, labels: ClassValues): number {
  return countMatches(pairs('correctCount', predictionsOrLogits, labels));
}

/**
 * The fraction of samples whose predicted class equals the label, in [0, 1]. Logits [N, C] are
 * read as their argmax over the last axis; labels are class indices [N] (or one-hot [N, C]).
 *
 * @example
 * ```ts
 * accuracy(tensor([[2, 1], [0, 3], [5, 4]]), tensor([0, 1, 1])); // 2/3 (argmax: 0, 1, 0)
 * accuracy([1, 2, 3], [1, 2, 0]);                               // 2/3
 * ```
 */
export function accuracy(predictionsOrLogits: ClassValues, labels: ClassValues): number {
  const matched = pairs('accuracy', predictionsOrLogits, labels);
  return countMatches(matched) / matched[0].length;
}

function countMatches([predicted, actual]: [ArrayLike<number>, ArrayLike<number>]): number {
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) correct++;
  return correct;
}

/**
 * Counts of (actual, predicted) class pairs: `matrix[actual][predicted]`, rows are the true classes
 * and columns the predictions, like sklearn's `confusion_matrix`. The diagonal holds the correct
 * ones. `numClasses` defaults to 1 + the largest class seen.
 *
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3); // [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
 * ```
 */
export function confusionMatrix(predicted: ClassValues, actual: ClassValues, numClasses?: number): number[][] {
  const [predictedIndices, actualIndices] = pairs('confusionMatrix', predicted, actual);
  let classes = numClasses;
  if (classes === undefined) {
    classes = 0;
    for (const indices of [predictedIndices, actualIndices]) {
      for (let i = 0; i < indices.length; i++) classes = Math.max(classes, indices[i]! + 1);
    }
  } else if (!Number.isInteger(classes) || classes < 1) {
    throw new RangeError(`confusionMatrix: numClasses must be a positive integer, got ${classes}`);
  }
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < predictedIndices.length; i++) {
    const p = predictedIndices[i]!;
    const a = actualIndices[i]!;
    for (const [role, value] of [
      ['predicted', p],
      ['actual', a],
    ] as const) {
      if (!Number.isInteger(value) || value < 0 || value >= classes) {
        throw new RangeError(
          `confusionMatrix: ${role}[${i}] = ${value} is not a class index in [0, ${classes}) (numClasses = ${classes})`,
        );
      }
    }
    matrix[a]![p]!++;
  }
  return matrix;
}

/** Options of {@link formatConfusionMatrix}. */
export interface FormatConfusionMatrixOptions {
  /** Class names in index order; default the indices 0, 1, … */
  labels?: readonly string[];
}

/**
 * A confusion matrix as aligned text: a header row of predicted classes, one row per actual class.
 *
 * @example
 * ```ts
 * formatConfusionMatrix([[5, 1], [0, 4]], { labels: ['cat', 'dog'] });
 * // actual\predicted  cat  dog
 * //              cat    5    1
 * //              dog    0    4
 * ```
 */
export function formatConfusionMatrix(
  matrix: readonly (readonly number[])[],
  options: FormatConfusionMatrixOptions = {},
): string {
  const size = matrix.length;
  const ragged = matrix.findIndex((row) => row.length !== size);
  if (ragged >= 0) {
    throw new Error(
      `formatConfusionMatrix: the matrix must be square (${size}×${size}), but row ${ragged} has ${matrix[ragged]!.length} values`,
    );
  }
  const names = options.labels ?? Array.from({ length: size }, (_, i) => String(i));
  if (names.length !== size) {
    throw new Error(
      `formatConfusionMatrix: ${names.length} labels for a ${size}×${size} matrix; give one label per class`,
    );
  }
  const corner = 'actual\\predicted';
  const firstWidth = Math.max(corner.length, ...names.map((name) => name.length));
  const cellWidth = Math.max(
    ...names.map((name) => name.length),
    ...matrix.flat().map((count) => String(count).length),
  );
  const line = (first: string, cells: readonly (string | number)[]) =>
    [first.padStart(firstWidth), ...cells.map((cell) => String(cell).padStart(cellWidth))].join('  ');
  return [line(corner, names), ...matrix.map((row, i) => line(names[i]!, row))].join('\n');
}
