// checkpoint.safetensors of a run: weights, optimizer state, step count, augmentation RNG state,
// scheduler position, epoch history and the exact position in the epoch — what a resume needs.
import {
  buildModel,
  decodeCheckpoint,
  encodeCheckpoint,
  type GeneratorState,
  type ModelSpec,
  type OptimizerStateDict,
  type SchedulerStateDict,
} from '@backprop/core';
import type { FitPosition, TrainerState } from '@backprop/parallel/node';
import type { TrainConfig } from '../config/train-config.js';
import { firstLine } from '../errors.js';
import { checkTrainingFields, damagedCheckpoint } from './session-validation.js';

/**
 * Where a run is: the epoch in progress (0-based), the next batch of it, and its partial loss sum
 * (Σ batch mean loss × batch size, and the samples, over the epoch's batches done so far) — fit's
 * position, which a resumed run gives back to `fit` as its start.
 */
export type TrainingPosition = FitPosition;

/** One line of metrics.jsonl: an epoch's results. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  /** Training samples per second during the epoch (this process's wall clock). */
  samplesPerSecond: number;
  /** The learning rate at the end of the epoch. */
  lr: number;
}

/** Everything a run saves to continue exactly. */
export interface SessionState {
  trainer: TrainerState;
  position: TrainingPosition;
  rng: GeneratorState;
  scheduler: SchedulerStateDict | null;
  history: EpochRecord[];
}

/**
 * The bytes of checkpoint.safetensors (see NOTE(checkpoint-layout) in @backprop/core).
 *
 * @example
 * ```ts
 * await writeFileAtomic(paths.checkpoint, encodeSession(state, spec, config));
 * ```
 */
export function encodeSession(state: SessionState, spec: ModelSpec, config: TrainConfig): Uint8Array {
  return encodeCheckpoint({
    model: state.trainer.model,
    optimizer: state.trainer.optimizer,
    spec,
    training: {
      step: state.trainer.steps,
      epoch: state.position.epoch,
      rng: state.rng,
      hyperparameters: {
        position: { ...state.position },
        scheduler: state.scheduler === null ? null : { ...state.scheduler },
        history: state.history.map((record) => ({ ...record })),
        config: { ...config },
      },
    },
  });
}

/**
 * Reads checkpoint.safetensors back with every training field checked (NOTE(resume-trust)); a
 * damaged or foreign file is a runtime error that names the field and says the run cannot be
 * resumed from it.
 */
export function decodeSession(
  bytes: Uint8Array,
  path: string,
): { state: SessionState; spec: ModelSpec; config: TrainConfig } {
  const damaged = (detail: string, cause?: unknown) => damagedCheckpoint(path, detail, cause);
  let checkpoint;
  try {
    checkpoint = decodeCheckpoint(bytes, { require: ['optimizer', 'training', 'spec'] });
  } catch (error) {
    throw damaged(firstLine(error), error);
  }
  const training = checkpoint.training!;
  const saved = training.hyperparameters;
  if (saved === undefined || training.rng === undefined || training.step === undefined)
    throw damaged('no step, RNG state or position in its training metadata');
  const config = saved.config as Partial<TrainConfig> | undefined;
  if (
    typeof config !== 'object' ||
    config === null ||
    !Number.isSafeInteger(config.epochs) ||
    (config.epochs as number) < 1
  ) {
    throw damaged('config.epochs must be an integer ≥ 1');
  }
  const { position, history } = checkTrainingFields(saved, config.epochs as number, (field, problem) => {
    throw damaged(`${field} ${problem}`);
  });
  const scheduler = saved.scheduler ?? null;
  if (scheduler !== null && (typeof scheduler !== 'object' || Array.isArray(scheduler)))
    throw damaged('scheduler must be an object or null');
  try {
    buildModel(checkpoint.spec as ModelSpec);
  } catch (error) {
    throw damaged(`spec: ${firstLine(error)}`, error);
  }
  return {
    spec: checkpoint.spec as ModelSpec,
    config: config as TrainConfig,
    state: {
      trainer: {
        model: checkpoint.model,
        optimizer: checkpoint.optimizer as unknown as OptimizerStateDict,
        steps: training.step,
      },
      position,
      rng: training.rng,
      scheduler: scheduler as SchedulerStateDict | null,
      history,
    },
  };
}
