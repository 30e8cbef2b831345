// Options of the data-parallel trainer and their validation: every mistake is reported on the main
// thread, before any worker starts. Must not import node:* modules.
import { Adam, buildModel, Generator, SGD, type AdamOptions, type ModelSpec, type Module, type Optimizer, type SGDOptions, type Tensor } from '@backprop/core';
import type { LossName } from './transport.js';

/** The optimizer, by type, with its hyperparameters (those of `SGD` / `Adam` in `@backprop/core`). */
export type OptimizerChoice = ({ type: 'sgd' } & Partial<SGDOptions>) | ({ type: 'adam' } & Partial<AdamOptions>);

/** Options shared by every `DataParallelTrainer`. */
export interface DataParallelOptions {
  /** The model as a JSON spec: the main thread and every worker build it with `buildModel`. */
  model: ModelSpec;
  /** `crossEntropy` (targets: class indices, shape [B]) or `mse` (targets shaped like the output). */
  loss: LossName;
  optimizer: OptimizerChoice;
  /** Seeds the initial weights and the Dropout masks (default 0). */
  seed?: number;
  /** Samples per chunk, the unit of work and of reduction (default 64, see the README). Results depend on it, not on `workers`. */
  chunkSize?: number;
}

/** What the validated options become on the main thread. */
export interface Validated {
  model: Module;
  optimizerFactory: (parameters: Iterable<Tensor>) => Optimizer;
  loss: LossName;
  seed: number;
  chunkSize: number;
  workers: number;
}

const fail = (message: string): never => {
  throw new Error(`DataParallelTrainer: ${message}`);
};

export function validateOptions(options: DataParallelOptions, workers: number): Validated {
  if (typeof options !== 'object' || options === null) fail('options must be an object { model, loss, optimizer, workers, seed }');
  if (!Number.isInteger(workers) || workers < 1) fail(`workers must be an integer ≥ 1, got ${String(workers)}`);
  const { loss, seed = 0, chunkSize = 64 } = options;
  if (loss !== 'crossEntropy' && loss !== 'mse') fail(`loss must be 'crossEntropy' or 'mse', got ${JSON.stringify(loss)}`);
  if (!Number.isSafeInteger(seed)) fail(`seed must be a safe integer, got ${String(seed)}`);
  if (!Number.isInteger(chunkSize) || chunkSize < 1) fail(`chunkSize must be an integer ≥ 1, got ${String(chunkSize)}`);
  let model: Module;
  try {
    model = buildModel(options.model, { generator: new Generator(seed) });
  } catch (error) {
    return fail(`the model spec cannot be built: ${(error as Error).message}`);
  }
  if (model.namedBuffers().length > 0) {
    const names = model.namedBuffers().map(([name]) => name);
    fail(`layers with running statistics (BatchNorm: ${names.join(', ')}) are not supported yet; use LayerNorm or no normalization`);
  }
  if (model.parameters().length === 0) fail('the model has no parameters to train');
  const { type, ...hyperparameters } = options.optimizer ?? ({} as OptimizerChoice);
  let optimizerFactory: Validated['optimizerFactory'];
  if (type === 'sgd') optimizerFactory = (parameters) => new SGD(parameters, hyperparameters as Partial<SGDOptions>);
  else if (type === 'adam') optimizerFactory = (parameters) => new Adam(parameters, hyperparameters as Partial<AdamOptions>);
  else return fail(`optimizer.type must be 'sgd' or 'adam', got ${JSON.stringify(type)}`);
  return { model, optimizerFactory, loss, seed, chunkSize, workers };
}
