// Backprop's training state (checkpoint.safetensors) as PyTorch reads it: training.json (settings,
// schedule, position — data read by train.py, never code) and optimizer.safetensors (moments by
// parameter name, PyTorch's state keys). Imports core and the run's types only.
import { buildModel, Tensor, type ModelSpec } from '@backprop/core';
import type { TrainConfig } from '../config/train-config.js';
import type { SessionState } from '../run/training-checkpoint.js';

/** Backprop's optimizer state keys → torch.optim's. */
const STATE_KEYS: Readonly<Record<string, string>> = {
  expAvg: 'exp_avg',
  expAvgSq: 'exp_avg_sq',
  maxExpAvgSq: 'max_exp_avg_sq',
  momentumBuffer: 'momentum_buffer',
  squareAvg: 'square_avg',
  gradAvg: 'grad_avg',
};

/** Backprop's hyperparameter names → torch.optim's keyword arguments (values are numbers, booleans or a pair). */
const HYPERPARAMETERS: Readonly<Record<string, string>> = {
  lr: 'lr',
  betas: 'betas',
  eps: 'eps',
  weightDecay: 'weight_decay',
  amsgrad: 'amsgrad',
  momentum: 'momentum',
  dampening: 'dampening',
  nesterov: 'nesterov',
  alpha: 'alpha',
  centered: 'centered',
};

/** What train.py reads from training.json (see train-script.ts). */
export interface HandoffSettings {
  format: 'backprop-pytorch-handoff';
  version: 1;
  seed: number;
  batch_size: number;
  epochs: number;
  batches_per_epoch: number;
  augment: TrainConfig['augment'];
  loss: 'cross_entropy';
  optimizer: {
    type: TrainConfig['optimizer'];
    hyperparameters: Record<string, number | boolean | number[]>;
    state_keys: string[];
    steps: Record<string, number>;
  };
  schedule: { type: string; base_lr: number; options: Record<string, number | string | boolean> } | null;
  /** Where the run is: epochs done, batches of the next one done, optimizer steps done. */
  position: { epoch: number; batch: number; step: number };
  /** The run's last epoch in Backprop, or null before the first one ended. */
  last: { epoch: number; train_loss: number; test_loss: number; test_accuracy: number } | null;
}

/** The hand-off's training state: settings for training.json and tensors for optimizer.safetensors. */
export interface HandoffState {
  settings: HandoffSettings;
  /** `<parameter name>/<torch state key>`, e.g. `layers.0.weight/exp_avg`. */
  tensors: Record<string, Tensor>;
}

function refuse(what: string, value: unknown): never {
  throw new Error(`training state: ${what}, got ${String(JSON.stringify(value)).slice(0, 80)}`);
}

function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) refuse(`${what} must be a finite number`, value);
  return value;
}

/**
 * Converts a run's saved session (optimizer moments and step counts by parameter index, scheduler
 * position) into PyTorch's names: parameters by name (the order of `namedParameters()`, which is
 * the optimizer's order), state keys snake_cased. Every value is checked: shapes against the
 * model, numbers finite, keys known.
 *
 * @example
 * ```ts
 * const { settings, tensors } = handoffState({ state, spec, config, trainSamples: 8000 });
 * ```
 */
export function handoffState(options: {
  state: SessionState;
  spec: ModelSpec;
  config: TrainConfig;
  trainSamples: number;
}): HandoffState {
  const { state, spec, config } = options;
  const parameters = buildModel(spec).namedParameters();
  const optimizerState = state.trainer.optimizer;
  const group = (optimizerState.paramGroups?.[0] ??
    refuse('the optimizer has no parameter group', optimizerState.paramGroups)) as unknown as Record<string, unknown>;
  const hyperparameters: Record<string, number | boolean | number[]> = {};
  for (const [key, value] of Object.entries(group)) {
    if (key === 'params') continue;
    const name = Object.hasOwn(HYPERPARAMETERS, key)
      ? HYPERPARAMETERS[key]!
      : refuse(`unknown optimizer hyperparameter ${JSON.stringify(key.slice(0, 40))}`, value);
    if (typeof value === 'boolean') hyperparameters[name] = value;
    else if (Array.isArray(value)) hyperparameters[name] = value.map((item) => finite(item, key));
    else hyperparameters[name] = finite(value, key);
  }
  const tensors: Record<string, Tensor> = {};
  const steps: Record<string, number> = {};
  const stateKeys = new Set<string>();
  for (const [indexText, entry] of Object.entries(optimizerState.state ?? {})) {
    const index = Number(indexText);
    const [name, param] =
      parameters[index] ??
      refuse(`optimizer state for parameter ${index}, but the model has ${parameters.length}`, indexText);
    for (const [key, value] of Object.entries(entry)) {
      if (key === 'step') {
        if (!Number.isSafeInteger(value) || (value as number) < 0) refuse(`${name} step must be an integer ≥ 0`, value);
        steps[name] = value as number;
        continue;
      }
      const torchKey = Object.hasOwn(STATE_KEYS, key)
        ? STATE_KEYS[key]!
        : refuse(`unknown optimizer state ${JSON.stringify(key.slice(0, 40))} of ${name}`, key);
      if (!(value instanceof Tensor) || value.shape.join() !== param.shape.join()) {
        refuse(
          `${name} ${key} must be a tensor of shape [${param.shape.join(', ')}]`,
          value instanceof Tensor ? value.shape : typeof value,
        );
      }
      tensors[`${name}/${torchKey}`] = value;
      stateKeys.add(torchKey);
    }
    // SGD keeps no count in Backprop; PyTorch's does not need one either. Updated parameters are listed.
    steps[name] ??= state.trainer.steps;
  }
  const scheduler = state.scheduler;
  const last = state.history.at(-1);
  return {
    settings: {
      format: 'backprop-pytorch-handoff',
      version: 1,
      seed: config.seed,
      batch_size: config.batchSize,
      epochs: config.epochs,
      batches_per_epoch: Math.ceil(options.trainSamples / config.batchSize),
      augment: config.augment,
      loss: 'cross_entropy',
      optimizer: { type: config.optimizer, hyperparameters, state_keys: [...stateKeys].sort(), steps },
      schedule:
        scheduler === null
          ? null
          : {
              type: scheduler.type,
              base_lr: finite(scheduler.baseLearningRate, 'the schedule base rate'),
              options: { ...scheduler.options },
            },
      position: { epoch: state.position.epoch, batch: state.position.batch, step: state.trainer.steps },
      last:
        last === undefined
          ? null
          : {
              epoch: last.epoch,
              train_loss: last.trainLoss,
              test_loss: last.testLoss,
              test_accuracy: last.testAccuracy,
            },
    },
    tensors,
  };
}
