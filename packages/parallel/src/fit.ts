// The epoch loop of `ParallelTrainer.fit`: batches from a loader, one synchronous step each, callbacks
// and an AbortSignal checked between steps. Knows nothing of workers. Must not import node:* modules.
import type { Tensor } from '@backprop/core';

/** What `fit` and `evaluate` read: batches `[inputs, targets]`, e.g. a core `DataLoader` over a `TensorDataset`. */
export type BatchSource = Iterable<readonly [Tensor, Tensor]>;

/** Passed to `onBatchEnd` after each step. */
export interface BatchEnd {
  /** 0-based epoch of this fit. */
  epoch: number;
  /** 0-based batch within the epoch. */
  batch: number;
  /** The trainer's step count after this step (1-based, counts every step the trainer took). */
  step: number;
  /** Mean loss of this batch. */
  loss: number;
}

/** Passed to `onEpochEnd` after each complete epoch. */
export interface EpochEnd {
  epoch: number;
  /** Mean loss over the epoch's samples (each batch's mean loss weighted by its sample count). */
  meanLoss: number;
}

/** Options of `fit`. */
export interface FitOptions {
  /** Passes over the loader, an integer ≥ 1. */
  epochs: number;
  /** Called after every step; awaited when it returns a promise; a throw rejects `fit`. */
  onBatchEnd?: (event: BatchEnd) => void | Promise<void>;
  /** Called after every complete epoch (an epoch cut short by the signal is not reported); awaited like `onBatchEnd`. */
  onEpochEnd?: (event: EpochEnd) => void | Promise<void>;
  /** Stops training after the current step; `fit` then resolves with `stopped: 'aborted'`. */
  signal?: AbortSignal;
}

/** What `fit` resolves with. */
export interface FitSummary {
  /** Complete epochs run. */
  epochs: number;
  /** Steps taken by this `fit` call. */
  steps: number;
  /** Mean loss of each complete epoch, as given to `onEpochEnd`. */
  meanLoss: number[];
  /** `'aborted'` when the signal stopped training before a step it would have taken; `null` when every epoch ran. */
  stopped: 'aborted' | null;
}

/**
 * Runs `epochs` passes over `loader`, one `step` per batch.
 *
 * NOTE(fit-abort): an aborted fit resolves (it does not reject), like TF.js's `model.stopTraining`
 * and Keras' EarlyStopping: stopping is a normal end of training, the parameters are those after the
 * last completed step, and the summary says how far it got. The signal is only read between steps,
 * so a step is never cut in half. A failed step or a throwing callback rejects.
 */
export async function runFit(
  step: (inputs: Tensor, targets: Tensor) => Promise<number>,
  stepCount: () => number,
  loader: BatchSource,
  options: FitOptions,
): Promise<FitSummary> {
  const { epochs, onBatchEnd, onEpochEnd, signal } = checkFitOptions(loader, options);
  const summary: FitSummary = { epochs: 0, steps: 0, meanLoss: [], stopped: null };
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (isAborted(signal)) return { ...summary, stopped: 'aborted' };
    let weightedLoss = 0;
    let samples = 0;
    let batch = 0;
    for (const [inputs, targets] of loader) {
      if (isAborted(signal)) return { ...summary, stopped: 'aborted' };
      const loss = await step(inputs, targets);
      summary.steps++;
      const size = inputs.shape[0]!;
      weightedLoss += loss * size;
      samples += size;
      await onBatchEnd?.({ epoch, batch, step: stepCount(), loss });
      batch++;
    }
    if (samples === 0) throw new Error(`DataParallelTrainer.fit: the loader yielded no batches in epoch ${epoch}`);
    const meanLoss = weightedLoss / samples;
    summary.epochs++;
    summary.meanLoss.push(meanLoss);
    await onEpochEnd?.({ epoch, meanLoss });
  }
  return summary;
}

/** Read through a call so that TypeScript does not narrow `aborted` across the awaits of the loop. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function checkFitOptions(loader: BatchSource, options: FitOptions): FitOptions {
  if (loader === null || typeof (loader as Partial<BatchSource>)[Symbol.iterator] !== 'function') {
    throw new Error('DataParallelTrainer.fit: loader must be iterable over [inputs, targets] batches, e.g. new DataLoader(new TensorDataset(x, y), { batchSize: 64 })');
  }
  if (typeof options !== 'object' || options === null) throw new Error('DataParallelTrainer.fit: options must be an object, e.g. { epochs: 10 }');
  const { epochs, onBatchEnd, onEpochEnd, signal } = options;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`DataParallelTrainer.fit: epochs must be an integer ≥ 1, got ${String(epochs)}`);
  if (onBatchEnd !== undefined && typeof onBatchEnd !== 'function') throw new Error('DataParallelTrainer.fit: onBatchEnd must be a function');
  if (onEpochEnd !== undefined && typeof onEpochEnd !== 'function') throw new Error('DataParallelTrainer.fit: onEpochEnd must be a function');
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    throw new Error('DataParallelTrainer.fit: signal must be an AbortSignal, e.g. new AbortController().signal');
  }
  return options;
}
