// The shapes around `fit`: the trainer it drives, where a run is (FitPosition), its options, its
// events and its summary, and the checks of its options. Must not import node:* modules.
import type { Tensor } from '@backprop/core';

/** What `fit` and `evaluate` read: batches `[inputs, targets]`, e.g. a core `DataLoader` over a `TensorDataset`. */
export type BatchSource = Iterable<readonly [Tensor, Tensor]>;

/**
 * What `fit` drives: one optimizer step per batch, an evaluation over a batch source, and the
 * number of steps taken. `ParallelTrainer` (any number of workers) and `SingleThreadTrainer`
 * (plain `@backprop/core` on the calling thread) are both one.
 *
 * @example
 * ```ts
 * const trainer: FitTrainer = new SingleThreadTrainer({ model: spec, loss: 'crossEntropy', optimizer: { type: 'adam' } });
 * await fit(trainer, loader, { epochs: 5 });
 * ```
 */
export interface FitTrainer<E = unknown> {
  /** One optimizer step on a minibatch; resolves with its mean loss. */
  step(inputs: Tensor, targets: Tensor): Promise<number> | number;
  /** Evaluation over every batch of `source` (no gradients, no change to the parameters). */
  evaluate(source: BatchSource): Promise<E> | E;
  /** Steps taken so far. */
  readonly steps: number;
}

/**
 * Where a run is: in `epoch` (0-based), after `batch` batches of it, with `lossSum` (each batch's
 * mean loss × its sample count) and `samples` over those batches, so that an epoch resumed in the
 * middle reports the same mean loss as one run whole.
 */
export interface FitPosition {
  epoch: number;
  batch: number;
  lossSum: number;
  samples: number;
}

/** Where within a run a batch is: its epoch and its 0-based index in the epoch. */
export interface BatchAt {
  epoch: number;
  batch: number;
}

/** Passed to `onBatchEnd` after each step. */
export interface BatchEnd extends BatchAt {
  /** The trainer's step count after this step (1-based, counts every step the trainer took). */
  step: number;
  /** Mean loss of this batch. */
  loss: number;
  /** The batch as stepped (after `transform`). */
  inputs: Tensor;
  targets: Tensor;
  /** Where the run is after this step (to save in a checkpoint and resume from). */
  position: FitPosition;
  /** How long the trainer's `step` took, in milliseconds. */
  milliseconds: number;
}

/** Passed to `onEpochStart` before the first step of each epoch (also of an epoch resumed in the middle). */
export interface EpochStart {
  epoch: number;
  /** Where the epoch starts: batch 0, or the batch a resumed run continues at. */
  position: FitPosition;
}

/** Passed to `onEpochEnd` after each complete epoch. */
export interface EpochEnd<E = unknown> {
  epoch: number;
  /** Mean loss over the epoch's samples (each batch's mean loss weighted by its sample count). */
  meanLoss: number;
  /** The trainer's evaluation of `validation` after this epoch, or null without `validation`. */
  evaluation: E | null;
  /** The trainer's step count at the end of the epoch. */
  step: number;
  /** Where the run is now: the start of the next epoch. */
  position: FitPosition;
}

/** Anything stepped once per optimizer step, e.g. a core `LearningRateScheduler`. */
export interface StepScheduler {
  step(): void;
}

/** Options of `fit`. */
export interface FitOptions<E = unknown> {
  /**
   * The epoch to stop before, an integer ≥ 1: a fresh run trains epochs 0 … epochs−1; one resumed
   * at `start.epoch` trains the rest (like Keras' `epochs` with `initial_epoch`).
   */
  epochs: number;
  /** Where to start (default the beginning): a later epoch, or the middle of one (see NOTE(fit-resume)). */
  start?: Partial<FitPosition>;
  /**
   * Changes each batch before its step (augmentation: flips, shifts, noise), in batch order, and
   * only for batches that are stepped. Its randomness should come from a generator of the caller's,
   * saved with a checkpoint, so that a resumed run transforms the same.
   */
  transform?: (batch: readonly [Tensor, Tensor], at: BatchAt) => readonly [Tensor, Tensor];
  /** Stepped after every step with a finite loss, e.g. `new CosineAnnealingLR(trainer.optimizer, { tMax })`. */
  scheduler?: StepScheduler;
  /** Evaluated with the trainer's `evaluate` after each complete epoch; the result is in `EpochEnd.evaluation`. */
  validation?: BatchSource;
  /** Stop (resolve with `stopped: 'non-finite-loss'`) at the first step whose loss is NaN or ±Infinity (default true). */
  stopOnNonFiniteLoss?: boolean;
  /** Called before each epoch's first step; awaited like `onBatchEnd`. */
  onEpochStart?: (event: EpochStart) => void | Promise<void>;
  /** Called after every step with a finite loss (or every step without `stopOnNonFiniteLoss`); awaited when it returns a promise; a throw rejects `fit`. */
  onBatchEnd?: (event: BatchEnd) => void | Promise<void>;
  /** Called after every complete epoch (an epoch cut short by the signal is not reported); awaited like `onBatchEnd`. */
  onEpochEnd?: (event: EpochEnd<E>) => void | Promise<void>;
  /** Stops training after the current step; `fit` then resolves with `stopped: 'aborted'`. */
  signal?: AbortSignal;
}

/** What `fit` resolves with. */
export interface FitSummary {
  /** Complete epochs run by this call. */
  epochs: number;
  /** Steps taken by this call. */
  steps: number;
  /** Mean loss of each complete epoch, as given to `onEpochEnd`. */
  meanLoss: number[];
  /**
   * Why training ended early: `'aborted'` (the signal, read before each step), `'non-finite-loss'`
   * (see `nonFiniteLoss`); `null` when every epoch ran.
   */
  stopped: 'aborted' | 'non-finite-loss' | null;
  /** Where the run is: the position after the last step taken (the next `start`). */
  position: FitPosition;
  /** The step whose loss was not finite (not given to `onBatchEnd`), or null. */
  nonFiniteLoss: BatchEnd | null;
}

const fail = (message: string): never => {
  throw new Error(`fit: ${message}`);
};

/** Checks `fit`'s arguments; returns the start position with its defaults. */
export function checkFitArguments(trainer: FitTrainer, source: BatchSource, options: FitOptions): FitPosition {
  if (
    typeof trainer !== 'object' ||
    trainer === null ||
    typeof trainer.step !== 'function' ||
    typeof trainer.evaluate !== 'function'
  ) {
    fail(
      'trainer must have step(inputs, targets) and evaluate(source), e.g. a DataParallelTrainer or a SingleThreadTrainer',
    );
  }
  if (source === null || typeof (source as Partial<BatchSource>)[Symbol.iterator] !== 'function') {
    fail(
      'loader must be iterable over [inputs, targets] batches, e.g. new DataLoader(new TensorDataset(x, y), { batchSize: 64 })',
    );
  }
  if (typeof options !== 'object' || options === null) fail('options must be an object, e.g. { epochs: 10 }');
  const { epochs, validation, scheduler, start = {} } = options;
  if (!Number.isInteger(epochs) || epochs < 1) fail(`epochs must be an integer ≥ 1, got ${String(epochs)}`);
  for (const name of ['transform', 'onEpochStart', 'onBatchEnd', 'onEpochEnd'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') fail(`${name} must be a function`);
  }
  if (
    scheduler !== undefined &&
    (typeof scheduler !== 'object' || scheduler === null || typeof scheduler.step !== 'function')
  ) {
    fail('scheduler must have a step() method, e.g. a core LearningRateScheduler');
  }
  if (
    validation !== undefined &&
    (validation === null || typeof (validation as Partial<BatchSource>)[Symbol.iterator] !== 'function')
  ) {
    fail('validation must be iterable over [inputs, targets] batches, e.g. a DataLoader over the test set');
  }
  const { signal } = options;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')) {
    fail('signal must be an AbortSignal, e.g. new AbortController().signal');
  }
  if (typeof start !== 'object' || start === null) fail('start must be an object { epoch, batch, lossSum, samples }');
  const position: FitPosition = {
    epoch: start.epoch ?? 0,
    batch: start.batch ?? 0,
    lossSum: start.lossSum ?? 0,
    samples: start.samples ?? 0,
  };
  const whole = (name: keyof FitPosition) => {
    if (!Number.isSafeInteger(position[name]) || position[name] < 0)
      fail(`start.${name} must be an integer ≥ 0, got ${String(position[name])}`);
  };
  whole('epoch');
  whole('batch');
  whole('samples');
  if (!Number.isFinite(position.lossSum))
    fail(`start.lossSum must be a finite number, got ${String(position.lossSum)}`);
  if (position.epoch >= epochs) fail(`start.epoch ${position.epoch} is not before epochs ${epochs}: nothing to train`);
  if (position.batch === 0 && position.samples !== 0)
    fail(`start.samples must be 0 at batch 0, got ${position.samples}`);
  return position;
}
