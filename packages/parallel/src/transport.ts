// The transport between the trainer and its worker threads, and the one message a worker gets per
// step. Piscina (Node) and Web Workers (browser) implement it. Must not import node:* modules.
import type { WireModel } from './model-source.js';
import type { ShardedUpdate } from './sharded-update.js';

/** The losses a trainer can use: workers sum each chunk's loss; the step divides by B (crossEntropy) or by every target element (mse). */
export type LossName = 'crossEntropy' | 'mse';

/**
 * Where the big arrays live: `shared` — SharedArrayBuffers every thread views (Node, and browser
 * pages that are cross-origin isolated); `copy` — plain ArrayBuffers copied into each message and
 * results copied back (browser pages that are not isolated, where SharedArrayBuffer is missing).
 */
export type MemoryMode = 'shared' | 'copy';

/** A SharedArrayBuffer (memory `shared`) or an ArrayBuffer (memory `copy`). */
export type TaskBuffer = SharedArrayBuffer | ArrayBuffer;

/**
 * One message to one worker: everything large is a SharedArrayBuffer (shared, not copied, by the
 * structured clone of the message); the rest is a few numbers and the (small) JSON spec. In `copy`
 * memory the buffers are copies, and `gradients`/`results` are empty: the worker answers with its
 * chunks' values in `WorkerTaskResult.copies`.
 */
export interface WorkerTask {
  memory: MemoryMode;
  kind: 'train' | 'evaluate';
  /** Identifies the trainer: a worker builds its replica once per session and keeps it. */
  session: string;
  /** The model's JSON spec, or the URL of the module whose factory builds it. */
  model: WireModel;
  loss: LossName;
  /** float32 × the parameter layout's size (`parameterLayout`: `namedParameters()` order, aligned). */
  parameters: TaskBuffer;
  /** float32 × the model's buffer values (BatchNorm running statistics), `namedBuffers()` order. */
  buffers: TaskBuffer;
  /**
   * float32 × (chunks × stride), stride = the parameter layout's size + the BatchNorm statistics
   * size, padded (`chunkStride`): chunk c's summed gradient at c × stride, then its batch
   * statistics (see running-statistics.ts).
   */
  gradients: TaskBuffer;
  /**
   * float64 × (chunks × resultStride): chunk c's summed loss at c·stride, its count of correct
   * predictions at c·stride + 1, and (evaluation with crossEntropy) its count of correct
   * predictions of class k at c·stride + 2 + k.
   */
  results: TaskBuffer;
  /** Float64 values per chunk in `results`: 2, or 2 + the model's classes when evaluating with crossEntropy. */
  resultStride: number;
  /** float32 inputs of the whole minibatch, shape `inputShape`. */
  inputs: TaskBuffer;
  inputShape: number[];
  /** float32 targets (class indices for crossEntropy), shape `targetShape`. */
  targets: TaskBuffer;
  targetShape: number[];
  chunkSize: number;
  /** This worker's chunks when `claim` is null: first (inclusive) to end (exclusive). */
  firstChunk: number;
  endChunk: number;
  /** Chunks in the step (all workers together). */
  chunkCount: number;
  /**
   * Memory `shared`: an Int32 counter the workers claim chunks from, one at a time, until
   * `chunkCount` are taken (see NOTE(claiming) in replica.ts). Which worker runs a chunk then
   * depends on timing; the result does not. Null in memory `copy`: the task runs its range.
   */
  claim: SharedArrayBuffer | null;
  seed: number;
  /** 1-based step number (Dropout masks derive from seed, step and chunk). */
  step: number;
  /**
   * Training in memory `shared`: after its chunks, the task waits for the other tasks of the step,
   * then reduces and updates its shard of the parameters (sharded-update.ts). Null otherwise: the
   * main thread reduces and updates.
   */
  update: ShardedUpdate | null;
}

/** What a worker answers (the numbers themselves are in the task's shared buffers). */
export interface WorkerTaskResult {
  chunks: number;
  /** Time the worker spent on its chunks (building the replica on first use, forward, backward, copying gradients). */
  milliseconds: number;
  /** With `update`: time spent reducing and updating its shard (not waiting for the other workers). */
  updateMilliseconds?: number;
  /** With `update`: true when the step failed in another worker and this one left its shard alone. */
  aborted?: boolean;
  /** Memory `copy` only: this task's chunk gradients and results, laid out as in the shared buffers from `firstChunk` on. */
  copies?: { gradients: Float32Array; results: Float64Array };
}

/**
 * A pool of worker threads that run `WorkerTask`s. `run` may use any idle worker: replicas are
 * keyed by session, so which thread runs a task never changes the result.
 */
export interface WorkerTransport {
  /**
   * How many tasks run at the same time (the threads). The tasks of a training step wait for one
   * another before their sharded update, so the trainer shards only when all of a step's tasks fit;
   * otherwise (and when this is left out: one at a time) the main thread reduces and updates. Give
   * each trainer a transport of its own: two trainers stepping at once on one pool could each hold
   * a thread the other's tasks wait for.
   */
  readonly concurrency?: number;
  run(task: WorkerTask): Promise<WorkerTaskResult>;
  /** Stops every thread; idempotent. */
  close(): Promise<void>;
}

/** Starts a transport with `threads` workers (called on the first step, after all validation). */
export type TransportFactory = (threads: number) => WorkerTransport;

/** What a task covers, for error messages: `chunks 2–3 of the step`, or its claimed share. */
export function describeTaskChunks(task: WorkerTask): string {
  const what = task.kind === 'train' ? 'the step' : 'an evaluation';
  return !task.claim ? `chunks ${task.firstChunk}–${task.endChunk - 1} of ${what}` : `the chunks it claimed of ${what} (${task.chunkCount} in all)`;
}
