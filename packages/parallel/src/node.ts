// Node entry of @backprop/parallel: DataParallelTrainer over a piscina pool of worker threads.
// The only entry that imports node:* modules (through piscina-transport.ts).
import { availableParallelism } from 'node:os';
import type { DataParallelOptions } from './options.js';
import { PiscinaTransport, piscinaTransport, type PiscinaTransportOptions } from './piscina-transport.js';
import { ParallelTrainer } from './trainer.js';
import type { CloseOptions, Evaluation, StepOptions } from './trainer-options.js';

/** Options of the Node `DataParallelTrainer`. */
export interface DataParallelTrainerOptions extends DataParallelOptions {
  /** Worker threads (default `os.availableParallelism()`), capped by `maxWorkers` (default: the same). */
  workers?: number;
}

/**
 * Synchronous data-parallel training on every core: each minibatch is split into fixed chunks that
 * worker threads run forward and backward; the gradient is reduced in chunk order and the optimizer
 * steps parameters that live in one SharedArrayBuffer. Same result for any number of workers.
 *
 * @example
 * ```ts
 * const trainer = new DataParallelTrainer({
 *   model: { type: 'sequential', layers: [{ type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 }] },
 *   loss: 'crossEntropy', optimizer: { type: 'adam', lr: 1e-3 }, seed: 1,
 * });
 * const loss = await trainer.step(images, labels); // images [B, 784], labels [B]
 * await trainer.close();
 * ```
 */
export class DataParallelTrainer extends ParallelTrainer {
  constructor(options: DataParallelTrainerOptions) {
    const cores = availableParallelism();
    super({ ...options, workers: options.workers ?? cores, cores, transport: piscinaTransport });
  }
}

export {
  PiscinaTransport,
  piscinaTransport,
  type CloseOptions,
  type Evaluation,
  type PiscinaTransportOptions,
  type StepOptions,
};
export type { StepTiming, TrainerState } from './trainer-options.js';
export type { BatchEnd, BatchSource, EpochEnd, FitOptions, FitSummary } from './fit.js';
export type { DataParallelOptions, OptimizerChoice } from './options.js';
export type { MemoryMode } from './protocol.js';
export type { ModelFactory, ModelFactoryOptions, ModelSource } from './model-source.js';
