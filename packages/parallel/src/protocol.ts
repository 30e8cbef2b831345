// Everything that crosses a thread, in one place: a `Setup` when training starts (and again only when
// the model's buffers or optimizer state are replaced), one `Step` per step or evaluation batch, and
// one `Done` answer per worker. Must not import node:* modules.
import type { BaseHyperparameters } from '@backprop/core';
import type { WireModel } from './model-source.js';
import type { OptimizerKind } from './optimizer-shard.js';

/** The losses a trainer can use: workers sum each chunk's loss; the step divides by B (crossEntropy) or by every target element (mse). */
export type LossName = 'crossEntropy' | 'mse';

/**
 * Where the big arrays live: `shared` — SharedArrayBuffers every thread views (Node, and browser
 * pages that are cross-origin isolated); `copy` — plain ArrayBuffers copied into each message and
 * results copied back (browser pages that are not isolated, where SharedArrayBuffer is missing).
 * Only memory.ts and the replica's entry look at it.
 */
export type MemoryMode = 'shared' | 'copy';

/** A SharedArrayBuffer (memory `shared`) or an ArrayBuffer (memory `copy`). */
export type TaskBuffer = SharedArrayBuffer | ArrayBuffer;

/**
 * Sent once per worker when training starts, and again (a new `version`) only when a buffer grows or
 * the weights, running statistics or optimizer state are loaded: everything a worker keeps.
 */
export interface Setup {
  /** Identifies the trainer: a worker builds its replica once per session and keeps it. */
  session: string;
  /** Increases whenever the trainer sends a changed Setup; a worker applies each version once. */
  version: number;
  memory: MemoryMode;
  /** The model's JSON spec, or the URL of the module whose factory builds it (built once per worker). */
  model: WireModel;
  loss: LossName;
  /** Dropout masks derive from (seed, step, chunk). */
  seed: number;
  chunkSize: number;
  /** float32 × the parameter layout's size (`parameterLayout`: `namedParameters()` order, aligned). */
  parameters: TaskBuffer;
  /** float32 × the model's buffer values (BatchNorm running statistics), `namedBuffers()` order. */
  buffers: TaskBuffer;
  /**
   * float32 × (chunks × stride), stride = the parameter layout's size + the BatchNorm statistics
   * size, padded (`chunkStride`): chunk c's summed gradient at c × stride, then its batch statistics.
   */
  gradients: TaskBuffer;
  /** float32 × the parameter count: the reduced (mean) gradient. */
  reduced: TaskBuffer;
  /** float32 inputs and targets of the whole minibatch (staged once per step). */
  inputs: TaskBuffer;
  targets: TaskBuffer;
  /** Memory `shared`: the counter workers claim chunks from (NOTE(claiming) in replica.ts), and the barrier's two words. */
  claim: SharedArrayBuffer | null;
  control: SharedArrayBuffer | null;
  optimizer: OptimizerSetup;
}

/** The optimizer's kind and where its state lives, in the flat parameter layout. */
export interface OptimizerSetup {
  kind: OptimizerKind;
  /** State buffer name → float32 × the parameter layout's size (Adam's `expAvg`, SGD's `momentumBuffer`, …). */
  state: Array<[string, TaskBuffer]>;
  /**
   * Per parameter: the step number before its first update since its state began, so that its
   * update count at step s is s − origin (NOTE(step-count) in optimizer-shard.ts).
   */
  origins: number[];
}

/** One step or evaluation batch for one worker: a few numbers. */
export interface Step {
  /** The trainer (`Setup.session`) this step belongs to. */
  session: string;
  kind: 'train' | 'evaluate';
  /** 1-based step number (of the last step, for an evaluation). */
  step: number;
  inputShape: number[];
  targetShape: number[];
  /** Chunks in the step (all workers together). */
  chunkCount: number;
  /** This task's static chunks (first inclusive, end exclusive): its share where chunks are not claimed. */
  firstChunk: number;
  endChunk: number;
  /** Training, when the workers update the parameters: this task's shard and the number of shards; else null. */
  shard: { index: number; count: number } | null;
  /** The loss's mean divides the summed gradient by this (B, or every target element for mse). */
  divisor: number;
  /** The optimizer's hyperparameters at this step (a scheduler may have changed lr). */
  hyperparameters: BaseHyperparameters;
}

/** Memory `copy` only: the arrays a worker cannot view, copied into its message. */
export interface CopiedArrays {
  parameters: Float32Array;
  buffers: Float32Array;
  inputs: Float32Array;
  targets: Float32Array;
}

/** What the transport delivers to a worker: the Step, the Setup when this worker has not applied it yet, and copies in memory `copy`. */
export interface WorkerTask extends Step {
  setup: Setup | null;
  copied: CopiedArrays | null;
}

/** A worker's answer. */
export interface Done {
  /** Chunks this worker ran. */
  chunks: number;
  /** [chunk, summed loss] for each chunk it ran: the trainer adds them in chunk order. */
  losses: Array<[number, number]>;
  /** crossEntropy evaluation: per class, samples of that class and how many of them were predicted right; else null. */
  perClass: { correct: number[]; count: number[] } | null;
  /** Time spent on its chunks (building the replica on first use, forward, backward, copying gradients). */
  milliseconds: number;
  /** With a shard: time spent reducing, replaying statistics and updating it (not waiting at the barrier). */
  updateMilliseconds: number;
  /** With a shard: true when the step failed in another worker and this one left its shard alone. */
  aborted: boolean;
  /** Memory `copy` only: this task's chunk gradients (chunks `firstChunk`… laid out as in `Setup.gradients`). */
  gradients: Float32Array | null;
}

/** What a task covers, for error messages: `chunks 2–3 of the step`, or its claimed share. */
export function describeTaskChunks(
  task: Pick<WorkerTask, 'kind' | 'firstChunk' | 'endChunk' | 'chunkCount' | 'copied'>,
): string {
  const what = task.kind === 'train' ? 'the step' : 'an evaluation';
  return task.copied !== null
    ? `chunks ${task.firstChunk}–${task.endChunk - 1} of ${what}`
    : `the chunks it claimed of ${what} (${task.chunkCount} in all)`;
}
