// The public shapes around ParallelTrainer: its options, what step, evaluate, close and
// trainingState take and give, and the default memory mode. Must not import node:* modules.
import type { OptimizerStateDict, StateDict } from '@backprop/core';
import type { DataParallelOptions } from './options.js';
import type { MemoryMode } from './protocol.js';
import type { TransportFactory } from './transport.js';

/** Options of `ParallelTrainer`: the shared options plus how many workers and how to start them. */
export interface ParallelTrainerOptions extends DataParallelOptions {
  /** Worker threads wanted: an integer ≥ 1, capped by `maxWorkers` (see `DataParallelOptions.maxWorkers`). */
  workers: number;
  transport: TransportFactory;
  /**
   * The cores `workers` is capped by when `maxWorkers` is not given (default
   * `navigator.hardwareConcurrency`; Node's `DataParallelTrainer` gives `os.availableParallelism()`);
   * null: unknown, no cap.
   */
  cores?: number | null;
}

/** Options of one `step`. */
export interface StepOptions {
  /** Overrides the trainer's `stepTimeoutMilliseconds` for this step (> 0; `Infinity`: none). */
  timeoutMilliseconds?: number;
}

/** Options of `close`. */
export interface CloseOptions {
  /**
   * How long to let the calls made before `close` finish before their threads are terminated
   * (default 60,000 ms; `Infinity`: wait for them however long they take). Calls cut short reject.
   */
  timeoutMilliseconds?: number;
}

/** How long `close()` lets earlier calls finish before it terminates the threads (CloseOptions). */
export const DEFAULT_CLOSE_TIMEOUT_MILLISECONDS = 60_000;

/**
 * Where the time of the last `step` went: `milliseconds` from call to resolution, and for each
 * worker the time it spent on its chunks (forward and backward). Everything else — staging the
 * batch, messages, waiting for the slowest worker, the reduction and the optimizer step — is
 * orchestration overhead (`overheadMilliseconds`); `updateMilliseconds` is the reduction and
 * optimizer part of it.
 */
export interface StepTiming {
  milliseconds: number;
  workerMilliseconds: number[];
  /** `milliseconds` minus the busiest worker's forward and backward time. */
  overheadMilliseconds: number;
  /** Reducing the gradient and stepping the optimizer: the slowest worker's shard (memory `shared`), or the main thread (`copy`). */
  updateMilliseconds: number;
}

/**
 * Mean loss over a set, and for `crossEntropy` (targets are class indices) the share of samples
 * whose top class is the target, overall and per class; `accuracy` and `perClass` are null for mse.
 */
export interface Evaluation {
  loss: number;
  accuracy: number | null;
  /** Per class index: samples whose target is that class (`count`), and how many of them the model got right (`correct`). */
  perClass: { correct: number[]; count: number[] } | null;
}

/**
 * Everything a resumed run needs from the trainer: the weights, the optimizer's state and the
 * number of steps taken (Dropout masks derive from the step number).
 *
 * @example
 * ```ts
 * const state: TrainerState = trainer.trainingState(); // { model, optimizer, steps }
 * await freshTrainer.loadTrainingState(state);         // continues bit for bit
 * ```
 */
export interface TrainerState {
  model: StateDict;
  optimizer: OptimizerStateDict;
  steps: number;
}

/**
 * `shared` where threads can share memory: SharedArrayBuffer exists and, in a browser page, the page
 * is cross-origin isolated (COOP same-origin + COEP require-corp); `copy` otherwise.
 */
export function defaultMemoryMode(): MemoryMode {
  if (typeof SharedArrayBuffer === 'undefined') return 'copy';
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated === false ? 'copy' : 'shared';
}
