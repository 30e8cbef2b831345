// One `evaluate` call's set and totals: its batches (one batch or a loader), the summed loss, samples, loss
// divisor and per-class counts over them, and the Evaluation they give — for the parallel trainer and
// SingleThreadTrainer alike. Imports no thread or transport code.
import { confusionMatrix, Tensor } from '@backprop/core';
import type { BatchSource } from './fit.js';
import type { LossName } from './protocol.js';
import type { Evaluation } from './trainer-options.js';

/** Per class index: samples of that class (`count`) and how many of them were predicted right (`correct`). */
export type PerClassCounts = NonNullable<Evaluation['perClass']>;

/** One evaluated batch, as the totals need it. */
export interface EvaluatedBatch {
  /** The batch's summed loss (its chunks' losses added in chunk order). */
  loss: number;
  samples: number;
  /** What the loss's mean divides by for this batch (`lossDivisor`). */
  divisor: number;
  /** Each worker's per-class counts (null: none, e.g. mseLoss). */
  perClass: ReadonlyArray<PerClassCounts | null>;
}

/** The operation evaluation errors name unless the caller names another (the parallel trainers'). */
const DEFAULT_EVALUATE_OPERATION = 'DataParallelTrainer.evaluate';

/**
 * The batches `evaluate(source, targets)` covers: `[[inputs, targets]]` for two Tensors, else `source`
 * itself if it is iterable (a DataLoader); anything else throws, the message opening with `operation`.
 *
 * @example
 * ```ts
 * evaluationBatches(images, labels);   // [[images, labels]]
 * evaluationBatches(testLoader);       // testLoader
 * evaluationBatches(3, undefined, 'SingleThreadTrainer: evaluate'); // throws 'SingleThreadTrainer: evaluate: expected …'
 * ```
 */
export function evaluationBatches(
  source: Tensor | BatchSource,
  targets?: Tensor,
  operation: string = DEFAULT_EVALUATE_OPERATION,
): BatchSource {
  const batches: BatchSource = source instanceof Tensor ? [[source, targets as Tensor]] : source;
  if (batches === null || typeof (batches as Partial<BatchSource>)[Symbol.iterator] !== 'function') {
    throw new Error(
      `${operation}: expected (inputs, targets) Tensors or an iterable of [inputs, targets] batches (a DataLoader)`,
    );
  }
  return batches;
}

/**
 * Sums batches so that a loader's evaluation is the mean over all its samples, as if evaluated in one batch.
 * `operation` opens the error of a set without batches.
 *
 * @example
 * ```ts
 * const totals = new EvaluationTotals();
 * totals.add({ loss: 6.5, samples: 4, divisor: 4, perClass: [{ correct: [1, 2], count: [2, 2] }] });
 * totals.result('crossEntropy'); // { loss: 1.625, accuracy: 0.75, perClass: { correct: [1, 2], count: [2, 2] } }
 * ```
 */
export class EvaluationTotals {
  readonly #operation: string;
  #loss = 0;
  #samples = 0;
  #divisor = 0;
  #perClass: PerClassCounts | null = null;

  constructor(operation: string = DEFAULT_EVALUATE_OPERATION) {
    this.#operation = operation;
  }

  add(batch: EvaluatedBatch): void {
    this.#loss += batch.loss;
    for (const counts of batch.perClass) this.#perClass = addCounts(this.#perClass, counts);
    this.#samples += batch.samples;
    this.#divisor += batch.divisor;
  }

  /** The mean loss over every sample added, and for crossEntropy the accuracy; throws if no batch was added. */
  result(loss: LossName): Evaluation {
    if (this.#samples === 0) throw new Error(`${this.#operation}: the loader yielded no batches`);
    const perClass = this.#perClass;
    const correct = perClass === null ? 0 : perClass.correct.reduce((a, b) => a + b, 0);
    return {
      loss: this.#loss / this.#divisor,
      accuracy: loss === 'crossEntropy' ? correct / this.#samples : null,
      perClass,
    };
  }
}

/**
 * Per-class counts summed: `total` plus `more`, element by element (null: no counts). Adds into
 * `total` in place, and copies `more` when it is the first.
 *
 * @example
 * ```ts
 * addCounts(null, { correct: [1, 0], count: [2, 1] }); // a copy: { correct: [1, 0], count: [2, 1] }
 * addCounts({ correct: [1, 0], count: [2, 1] }, { correct: [0, 1], count: [1, 1] }); // { correct: [1, 1], count: [3, 2] }
 * ```
 */
export function addCounts(total: PerClassCounts | null, more: PerClassCounts | null): PerClassCounts | null {
  if (more === null) return total;
  if (total === null) return { correct: [...more.correct], count: [...more.count] };
  more.correct.forEach((value, label) => (total.correct[label]! += value));
  more.count.forEach((value, label) => (total.count[label]! += value));
  return total;
}

/**
 * One batch's per-class counts from its output scores [B, C] and class-index targets [B], by core's
 * `confusionMatrix` (a row is a target class; its diagonal entry, the samples predicted right).
 *
 * @example
 * ```ts
 * const scores = new Tensor(Float32Array.of(0.9, 0.1, 0.2, 0.8, 0.7, 0.3), [3, 2]); // predicts 0, 1, 0
 * classCounts(scores, new Tensor(Float32Array.of(0, 1, 1), [3]));
 * // { correct: [1, 1], count: [1, 2] }
 * ```
 */
export function classCounts(output: Tensor, targets: Tensor): PerClassCounts {
  const matrix = confusionMatrix(output, targets, output.shape[1]!);
  return {
    correct: matrix.map((row, label) => row[label]!),
    count: matrix.map((row) => row.reduce((a, b) => a + b, 0)),
  };
}
