// The end of a training step, split over the workers by parameter range: once every worker has
// finished its chunks (a barrier in shared memory), worker s of S reduces the chunk gradients of
// parameter values [start, end) of shard s and steps the optimizer on that range — so no thread
// does the whole reduction and update alone, and the main thread only waits. In memory `copy` the
// main thread runs the same `finishShard` over all values. Shared by all threads: no node:* imports.
import { sumChunksInto, type Module } from '@backprop/core';
import { ALIGNMENT } from './flat-parameters.js';
import { updateRange, type RangeUpdate } from './optimizer-shard.js';
import { loadBuffers, replayChunkStatistics, saveBuffers, type StatisticsLayout } from './running-statistics.js';

const ARRIVED = 0;
const FAILED = 1;
/** Added to the arrival count by `signalFailure`, so that no waiter can sleep through it. */
const FAILURE_BUMP = 1 << 24;

/**
 * Marks the step failed and wakes every worker waiting at the barrier (they then give up their
 * shard). Called by a worker whose chunk threw, and by the main thread when a task is lost.
 */
export function signalFailure(control: SharedArrayBuffer): void {
  const words = new Int32Array(control);
  Atomics.store(words, FAILED, 1);
  Atomics.add(words, ARRIVED, FAILURE_BUMP);
  Atomics.notify(words, ARRIVED);
}

/**
 * How a worker waits at the barrier: `blocking` — `Atomics.wait` blocks its thread, right for one
 * task per worker thread (piscina); `async` — `Atomics.waitAsync`, so "workers" that share one
 * thread (the browser tests' MessageChannel workers) keep serving one another. See NOTE(barrier).
 */
export type BarrierWait = 'blocking' | 'async';

/**
 * Counts this worker in and resolves once all `shards` workers have arrived (true), or once the
 * step has failed (false).
 *
 * NOTE(barrier): the trainer shards only when its transport runs every task of the step at once
 * (`WorkerTransport.concurrency`), so a blocking wait cannot deadlock there. Node's worker entry
 * blocks: while a worker awaited `Atomics.waitAsync`, its event loop went idle for a moment every
 * step, and V8 then ran a full mark-compact every two or three steps in each worker, its
 * concurrent marking on the cores the workers need: CNN steps ran markedly slower than with
 * `Atomics.wait` (figures: docs/performance.md, NOTE(barrier)). `async` waits where `Atomics.waitAsync` exists
 * (Node, Chromium, Safari) and falls back to `Atomics.wait`. A dead worker never arrives, so the
 * main thread calls `signalFailure` as soon as any task rejects; the one-second timeout only
 * re-checks the flag, it is not what ends a wait.
 */
export async function arriveAndWait(
  control: SharedArrayBuffer,
  shards: number,
  wait: BarrierWait = 'async',
): Promise<boolean> {
  const words = new Int32Array(control);
  if (Atomics.add(words, ARRIVED, 1) + 1 === shards) {
    Atomics.notify(words, ARRIVED);
    return true;
  }
  for (;;) {
    const arrived = Atomics.load(words, ARRIVED);
    if (Atomics.load(words, FAILED) !== 0) return false;
    if (arrived >= shards) return true;
    if (wait === 'blocking') Atomics.wait(words, ARRIVED, arrived, 1000);
    else await waitWhileEqual(words, ARRIVED, arrived, 1000);
  }
}

/** `Atomics.waitAsync` (ES2024, not in this package's lib) where the runtime has it. */
type WaitAsync = (
  words: Int32Array,
  index: number,
  value: number,
  timeout: number,
) => { async: boolean; value: Promise<string> | string };

/** Until words[index] ≠ value, a notify, or the timeout: asynchronously where possible. */
async function waitWhileEqual(words: Int32Array, index: number, value: number, timeout: number): Promise<void> {
  const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
  if (waitAsync === undefined) {
    Atomics.wait(words, index, value, timeout);
    return;
  }
  const result = waitAsync(words, index, value, timeout);
  if (result.async) await result.value;
}

/**
 * Values [start, end) of shard `shard` of `shards` over `size` values (a multiple of `ALIGNMENT`):
 * near-equal, contiguous, in order, each starting at a multiple of `ALIGNMENT` (NOTE(alignment)).
 */
export function shardBounds(size: number, shards: number, shard: number): { start: number; end: number } {
  const cut = (index: number) => Math.floor((size * index) / shards / ALIGNMENT) * ALIGNMENT;
  return { start: cut(shard), end: shard === shards - 1 ? size : cut(shard + 1) };
}

/**
 * reduced[i] = (Σ over chunks c in order of gradients[c · stride + i]) / divisor for i in
 * [start, end), rounding to float32 after every addition — the same bits whatever W was and
 * whichever thread reduced i.
 *
 * NOTE(reduction): core's `sumChunksInto`, which runs a WebAssembly SIMD kernel with the
 * TypeScript loop's bits (NOTE(chunk-sum-bits) in core's kernels/reduce-chunks.ts), about five
 * times faster than the loop (figures: docs/performance.md, NOTE(reduction)).
 */
export function reduceChunks(
  gradients: Float32Array,
  numChunks: number,
  stride: number,
  divisor: number,
  reduced: Float32Array,
  start: number,
  end: number,
): void {
  sumChunksInto(gradients, reduced, { chunks: numChunks, stride, divisor, start, end });
}

/** What the end of a step needs, in whichever thread runs a shard of it. */
export interface StepEnd {
  /** Every chunk's slot: summed gradient, then BatchNorm statistics (`Setup.gradients`). */
  gradients: Float32Array;
  chunkCount: number;
  stride: number;
  divisor: number;
  /** The optimizer's update; its `reduced` receives the mean gradient. */
  update: RangeUpdate;
  /** The model whose BatchNorm running statistics are replayed, and the flat buffer that keeps them (`Setup.buffers`). */
  model: Module;
  statistics: StatisticsLayout;
  buffers: Float32Array;
}

/**
 * Reduces the chunk gradients of values [start, end), steps the optimizer on them, and — for the
 * first shard only — advances the running statistics chunk by chunk (running-statistics.ts) from
 * the values in `buffers` and writes them back there. The same bits whichever thread runs which
 * shard, and however many shards there are.
 */
export function finishShard(end: StepEnd, shard: { start: number; end: number; first: boolean }): void {
  const { gradients, chunkCount, stride, divisor, update } = end;
  reduceChunks(gradients, chunkCount, stride, divisor, update.reduced, shard.start, shard.end);
  updateRange(update, shard.start, shard.end);
  if (!shard.first || end.statistics.layers.length === 0) return;
  loadBuffers(end.model, end.buffers); // this step's forwards moved them: start again from the step's own
  replayChunkStatistics(end.statistics, gradients, chunkCount, stride, update.layout.size);
  saveBuffers(end.model, end.buffers);
}
