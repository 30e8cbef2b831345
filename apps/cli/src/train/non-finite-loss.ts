// What to tell the user when a loss stops being a finite number: where it happened, the likely
// causes (a learning rate too high, a bad value in the data) and what to try. No I/O.
import type { Tensor } from '@backprop/core';
import type { TrainConfig } from '../config/train-config.js';
import { runtimeError } from '../errors.js';
import type { TrainingPosition } from '../run/training-checkpoint.js';

// NOTE(non-finite-loss): a NaN or infinite loss poisons everything after it (the step that
// produced it has already applied NaN gradients), and JSON cannot hold it, so the run stops at
// once and saves the last good state instead: a snapshot taken before some earlier step and
// confirmed by that step's finite loss (see training-session.ts). Resuming it repeats the same
// steps bit for bit and meets the same value (a bad test sample keeps the epoch's training), so the message says to start a new run with other
// options rather than to resume.

/** Inputs this far from zero overflow float32 arithmetic soon (a square, an exp): worth naming. */
const SUSPICIOUS_MAGNITUDE = 1e6;

/** Where the loss went bad, and what was saved instead. */
export interface NonFiniteLoss {
  /** Which loss: the training loss of a step, or the test loss at the end of an epoch. */
  kind: 'train' | 'test';
  value: number;
  /** 1-based epoch, the batch (1-based) and the optimizer step of the bad value. */
  epoch: number;
  batch: number;
  step: number;
  /** A description of a bad input value found in the data, or null. */
  badValue: string | null;
  /** The position and step of the checkpoint written, and its path. */
  saved: { position: TrainingPosition; step: number; path: string };
}

/**
 * The one-line error for a non-finite loss (exit 1).
 *
 * @example
 * ```ts
 * throw nonFiniteLossError({ kind: 'train', value: NaN, epoch: 1, batch: 3, step: 3, badValue: null, saved }, config);
 * ```
 */
export function nonFiniteLossError(loss: NonFiniteLoss, config: Pick<TrainConfig, 'lr' | 'data'>): Error {
  const where =
    loss.kind === 'train'
      ? `epoch ${loss.epoch}, batch ${loss.batch} (step ${loss.step})`
      : `the end of epoch ${loss.epoch} (step ${loss.step})`;
  const what = loss.kind === 'train' ? 'the training loss' : 'the test loss';
  const causes =
    loss.badValue !== null
      ? `the data holds a bad value: ${loss.badValue}; fix or remove that sample of --data ${config.data}`
      : `likely causes: a learning rate too high for this model (--lr ${config.lr}; try --lr ${config.lr / 10}), or a huge, infinite or missing value in --data ${config.data}`;
  const saved = loss.saved.position;
  return runtimeError(
    `training stopped at ${where}: ${what} is ${loss.value}; ${causes}. ` +
      `The last good state, after step ${loss.saved.step} (epoch ${saved.epoch + 1}, batch ${saved.batch}), is saved in ${loss.saved.path}; ` +
      `resuming it repeats the same steps, so start a new run with other options`,
  );
}

/**
 * The first input value of `inputs` that is not finite, else the largest beyond ±1e6, as "training
 * sample #R (0-based) holds the value V" (`rows[i]`: the set's sample of row i; default i), or null.
 *
 * @example
 * ```ts
 * findBadValue(inputs, 'training', indices); // 'training sample #49 (0-based) holds the value Infinity'
 * ```
 */
export function findBadValue(inputs: Tensor, part: 'training' | 'test', rows?: ArrayLike<number>): string | null {
  const perSample = inputs.size / Math.max(1, inputs.shape[0] ?? 1);
  let worst = -1;
  for (let i = 0; i < inputs.data.length; i++) {
    const value = inputs.data[i]!;
    if (!Number.isFinite(value)) {
      worst = i;
      break;
    }
    if (Math.abs(value) > SUSPICIOUS_MAGNITUDE && (worst < 0 || Math.abs(value) > Math.abs(inputs.data[worst]!)))
      worst = i;
  }
  if (worst < 0) return null;
  const sample = Math.floor(worst / perSample);
  return `${part} sample #${rows?.[sample] ?? sample} (0-based) holds the value ${Number(inputs.data[worst]!.toPrecision(4))}`;
}
