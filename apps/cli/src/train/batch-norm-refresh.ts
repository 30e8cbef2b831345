// After each epoch of a small training set: BatchNorm running statistics recomputed over the
// training set with the epoch's final weights (core's updateBatchNorm, PyTorch's update_bn).
import { DataLoader, updateBatchNorm, type Module, type StateDict, type Tensor } from '@backprop/core';
import type { LabelledSet } from '../data/labelled-data.js';

/** Training sets of at most this many samples get their BatchNorm statistics recomputed after every epoch. */
export const REFRESH_MAX_SAMPLES = 5_000;

/** What {@link refreshBatchNorm} needs of a trainer: its main-thread model and a way to load weights and buffers back. */
export interface RefreshTarget {
  readonly model: Module;
  loadStateDict(state: StateDict): Promise<void>;
}

/**
 * Recomputes the running statistics of the trainer's BatchNorm layers over `train` (no augmentation,
 * batches of `batchSize`, a last batch of one sample left out) when it has at most
 * {@link REFRESH_MAX_SAMPLES} samples, and loads them back into the trainer (its workers keep the
 * running statistics in shared memory; the main model is a copy); resolves with whether it did.
 *
 * NOTE(batch-norm-refresh): running statistics are an exponential average (momentum 0.1) of the
 * chunks' batch statistics while the weights move. On a few hundred pictures a run has only a few
 * steps per epoch, so they trail the weights: photo-cnn on 100 generated pictures, 3 epochs of 3
 * steps, classified every picture as one class in evaluation mode (50%) while one pass of
 * update_bn with the same weights gave 100% on training and validation pictures. Recomputing them
 * after each epoch, before the validation pass and the model file, makes validation, `eval` and
 * `predict` see the statistics of the weights they use. It costs one forward pass over the
 * training set (about a third of an epoch's work), which is why larger sets — whose epochs hold
 * enough steps for the average to settle — are left as PyTorch leaves them.
 *
 * @example
 * ```ts
 * await refreshBatchNorm(trainer, data.train, 32); // true for photo-cnn on 100 pictures
 * ```
 */
export async function refreshBatchNorm(
  trainer: RefreshTarget,
  train: LabelledSet,
  batchSize: number,
): Promise<boolean> {
  const model = trainer.model;
  if (train.length > REFRESH_MAX_SAMPLES || !hasBatchNorm(model)) return false;
  updateBatchNorm(model, trainingBatches(train, batchSize));
  await trainer.loadStateDict(model.stateDict());
  return true;
}

/** The training inputs batch by batch, without a last batch of one sample (it has no variance: BatchNorm1d refuses it) unless it is all there is. */
function* trainingBatches(train: LabelledSet, batchSize: number): Generator<Tensor> {
  const loader = new DataLoader(train, { batchSize });
  const skipLast = train.length > 1 && train.length % batchSize === 1;
  let index = 0;
  for (const [inputs] of loader) {
    if (skipLast && ++index === loader.length) return;
    yield inputs as Tensor;
  }
}

function hasBatchNorm(model: Module): boolean {
  return model.namedBuffers().some(([name]) => name.endsWith('running_mean'));
}
