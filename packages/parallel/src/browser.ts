// Browser entry of @backprop/parallel: the Web Worker pool (comlink) and the trainer over it.
// Must not import node:* modules; Node's trainer is in ./node.ts.
import type { DataParallelOptions } from './options.js';
import { WebWorkerTransport, type WorkerFactory } from './browser-transport.js';
import { hardwareConcurrency } from './limits.js';
import { ParallelTrainer } from './trainer.js';

/** Options of `BrowserDataParallelTrainer`. */
export interface BrowserDataParallelTrainerOptions extends DataParallelOptions {
  /** Starts one replica worker (a module that calls `exposeReplica()`); written by the app so its bundler sees the worker. */
  createWorker: WorkerFactory;
  /** Web Workers (default `navigator.hardwareConcurrency`, or 1 where it is unknown), capped by `maxWorkers` (default: the same cores). */
  workers?: number;
}

/**
 * Why the workers cannot share memory here, or null when they can: SharedArrayBuffer exists only in
 * cross-origin isolated pages (COOP `same-origin` and COEP `require-corp`). Without it the trainer
 * still runs, copying parameters and batches into every message (memory `copy`): slower, the same bits.
 *
 * @example
 * ```ts
 * const reason = sharedMemoryUnavailable();
 * if (reason !== null) showNote(`${reason}: training copies the weights to the workers each step`);
 * ```
 */
export function sharedMemoryUnavailable(): string | null {
  const scope = globalThis as { crossOriginIsolated?: boolean };
  if (typeof SharedArrayBuffer === 'undefined' || scope.crossOriginIsolated === false) {
    return 'SharedArrayBuffer is unavailable: the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  return null;
}

/**
 * Synchronous data-parallel training in the browser: `ParallelTrainer` over a pool of Web Workers
 * that share the parameters through a SharedArrayBuffer — or, in a page that is not cross-origin
 * isolated, get copies of them with every step (memory `copy`, chosen automatically; see
 * `sharedMemoryUnavailable`). Same results as the Node trainer, bit for bit, for any number of workers.
 *
 * @example
 * ```ts
 * const trainer = new BrowserDataParallelTrainer({
 *   model: { type: 'sequential', layers: [{ type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 }] },
 *   loss: 'crossEntropy', optimizer: { type: 'adam', lr: 1e-3 }, seed: 1, workers: 2, // memory: 'shared' or 'copy' by default
 *   createWorker: () => new Worker(new URL('./replica.worker.ts', import.meta.url), { type: 'module' }),
 * });
 * const loss = await trainer.step(images, labels); // images [B, 784], labels [B]
 * await trainer.close();                          // terminates the workers
 * ```
 */
export class BrowserDataParallelTrainer extends ParallelTrainer {
  constructor(options: BrowserDataParallelTrainerOptions) {
    const { createWorker, workers = hardwareConcurrency() ?? 1, ...shared } = options;
    if (typeof createWorker !== 'function')
      throw new Error('BrowserDataParallelTrainer: createWorker must be a function () => Worker');
    super({ ...shared, workers, transport: (threads) => new WebWorkerTransport(threads, createWorker) });
  }
}

export { WebWorkerTransport, type ReplicaWorkerApi, type WorkerFactory, type WorkerLike } from './browser-transport.js';
export { exposeReplica } from './browser-worker.js';
export { ParallelTrainer } from './trainer.js';
export type { CloseOptions, Evaluation, StepOptions, StepTiming, TrainerState } from './trainer-options.js';
export type { MemoryMode } from './protocol.js';
export type { ModelFactory, ModelFactoryOptions, ModelSource } from './model-source.js';
export {
  fit,
  type BatchAt,
  type BatchEnd,
  type BatchSource,
  type EpochEnd,
  type EpochStart,
  type FitOptions,
  type FitPosition,
  type FitSummary,
  type FitTrainer,
  type StepScheduler,
} from './fit.js';
export { SingleThreadTrainer, type SingleThreadTrainerOptions } from './single-thread-trainer.js';
export type { DataParallelOptions } from './options.js';
