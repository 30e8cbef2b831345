// Options of the data-parallel trainer and their validation: every mistake is reported on the main
// thread, before any worker starts. Must not import node:* modules.
import {
  buildModel,
  buildOptimizer,
  Generator,
  type Module,
  type Optimizer,
  type OptimizerSpec,
  Tensor,
} from '@backprop/core';
import type { OptimizerKind } from './optimizer-shard.js';
import { toWireModel, type ModelSource, type WireModel } from './model-source.js';
import { statisticsLayout } from './running-statistics.js';
import { checkTimeout, workerLimit, type WorkerLimit } from './limits.js';
import type { LossName, MemoryMode } from './protocol.js';

/** Options shared by every `DataParallelTrainer`. */
export interface DataParallelOptions {
  /**
   * The model: a JSON spec (the main thread and every worker build it with `buildModel`), or the
   * absolute URL of an ES module exporting a `createModel({ generator })` factory (see `ModelSource`).
   */
  model: ModelSource;
  /** Core's loss function by name: `crossEntropy` (targets: class indices, shape [B]) or `mseLoss` (targets shaped like the output). */
  loss: LossName;
  /** Core's optimizer spec, e.g. `{ type: 'adam', lr: 1e-3 }` (see `buildOptimizer` in `@backprop/core`). */
  optimizer: OptimizerSpec;
  /** Seeds the initial weights and the Dropout masks (default 0). */
  seed?: number;
  /**
   * `shared` (parameters, gradients and batches in SharedArrayBuffers every thread views — no copies)
   * or `copy` (plain buffers copied into each message and back: for browser pages that are not
   * cross-origin isolated). Default: `shared` wherever SharedArrayBuffer is available. Same results.
   */
  memory?: MemoryMode;
  /** Samples per chunk, the unit of work and of reduction (default 64, see the README). Results depend on it, not on `workers`. */
  chunkSize?: number;
  /**
   * The most worker threads to start (default: the cores — `os.availableParallelism()` in Node,
   * `navigator.hardwareConcurrency` in a browser; no cap where neither is known). `workers` above it
   * is capped (the result is the same, NOTE(worker-cap) in limits.ts); raise it to run more threads
   * than cores on purpose.
   */
  maxWorkers?: number;
  /**
   * How long one step (or one batch of `evaluate`) may take before its threads are terminated and
   * it rejects, naming the step and the timeout (default `Infinity`: no timeout). The trainer is
   * stopped after that, like after any failure in a worker. `step(x, y, { timeoutMilliseconds })`
   * overrides it for one step. The first step also starts the threads and builds their replicas.
   */
  stepTimeoutMilliseconds?: number;
  /**
   * Let the main thread run one of a step's shares itself, beside `workers − 1` threads, instead of
   * waking one more thread (default false; memory `shared` only; the bits are the same). It blocks
   * the calling thread for that share of every step: for Node processes and coordinating workers,
   * not for a page's own thread. NOTE(main-share) in coordinator.ts.
   */
  shareMainThread?: boolean;
}

/** What the validated options become on the main thread. */
export interface Validated {
  /** Built at once from a spec; null for a module, which is imported (asynchronously) before the first step. */
  model: Module | null;
  wire: WireModel;
  optimizerFactory: (parameters: Iterable<Tensor>) => Optimizer;
  /** The optimizer's kind (workers apply its pure update function). */
  optimizerType: OptimizerKind;
  loss: LossName;
  seed: number;
  chunkSize: number;
  workers: WorkerLimit;
  stepTimeoutMilliseconds: number;
  shareMainThread: boolean;
}

const fail = (message: string): never => {
  throw new Error(`DataParallelTrainer: ${message}`);
};

/** Checks every option; `cores` caps `workers` unless `maxWorkers` is given (null: unknown, no cap). */
export function validateOptions(options: DataParallelOptions, workers: number, cores: number | null): Validated {
  if (typeof options !== 'object' || options === null)
    fail('options must be an object { model, loss, optimizer, workers, seed }');
  const limit = workerLimit(workers, options.maxWorkers, cores);
  const stepTimeoutMilliseconds = checkTimeout(
    'DataParallelTrainer',
    'stepTimeoutMilliseconds',
    options.stepTimeoutMilliseconds,
    Number.POSITIVE_INFINITY,
  );
  const { loss, seed = 0, chunkSize = 64, shareMainThread = false } = options;
  if (typeof shareMainThread !== 'boolean')
    fail(`shareMainThread must be true or false, got ${String(shareMainThread).slice(0, 80)}`);
  checkLoss(loss, fail);
  if (!Number.isSafeInteger(seed)) fail(`seed must be a safe integer, got ${String(seed)}`);
  if (!Number.isInteger(chunkSize) || chunkSize < 1) fail(`chunkSize must be an integer ≥ 1, got ${String(chunkSize)}`);
  let wire: WireModel;
  try {
    wire = toWireModel(options.model);
  } catch (error) {
    return fail((error as Error).message);
  }
  let model: Module | null = null;
  if (wire.kind === 'spec') {
    try {
      model = buildModel(wire.spec, { generator: new Generator(seed) });
    } catch (error) {
      return fail(`the model spec cannot be built: ${(error as Error).message}`);
    }
  }
  if (model !== null) checkModel(model);
  const choice = options.optimizer ?? ({} as OptimizerSpec);
  const optimizerFactory = (parameters: Iterable<Tensor>) => buildOptimizer(choice, parameters);
  // Try the type and hyperparameters on a stand-in, so mistakes surface here for a module model too (built later).
  try {
    optimizerFactory([new Tensor(new Float32Array(1), [1])]);
  } catch (error) {
    fail((error as Error).message.replace(/^buildOptimizer: /, ''));
  }
  return {
    model,
    wire,
    optimizerFactory,
    optimizerType: choice.type,
    loss,
    seed,
    chunkSize,
    workers: limit,
    stepTimeoutMilliseconds,
    shareMainThread,
  };
}

/**
 * `loss` if it names a loss the trainers support (core's function name), else `fail`s with the
 * names that work.
 *
 * @example
 * ```ts
 * checkLoss('mseLoss', fail); // 'mseLoss'; checkLoss('mse', fail) → "loss must be 'crossEntropy' or 'mseLoss', got \"mse\" (…)"
 * ```
 */
export function checkLoss(loss: unknown, fail: (message: string) => never): LossName {
  if (loss === 'crossEntropy' || loss === 'mseLoss') return loss;
  const hint = loss === 'mse' ? " (core's mseLoss: the loss is named like core's function)" : '';
  return fail(`loss must be 'crossEntropy' or 'mseLoss', got ${String(JSON.stringify(loss)).slice(0, 80)}${hint}`);
}

/** Refuses models the trainer cannot train; returns the model. */
export function checkModel(model: Module): Module {
  try {
    statisticsLayout(model);
  } catch (error) {
    fail((error as Error).message);
  }
  if (model.parameters().length === 0) fail('the model has no parameters to train');
  return model;
}
