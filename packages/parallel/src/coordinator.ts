// One step or evaluation batch across the workers, seen from the main thread: stage the batch once,
// send each worker a Step (and the Setup where it lacks it), wait for every Done within the timeout,
// and turn any failure into an error that names the step and stops the trainer. Must not import
// node:* modules (the browser trainer shares it).
import type { BaseHyperparameters, Tensor } from '@backprop/core';
import type { BuiltModel } from './built-model.js';
import { assignChunks } from './chunks.js';
import { withTimeout } from './limits.js';
import { GrowingBuffer, type MemoryAdapter } from './memory.js';
import type { WireModel } from './model-source.js';
import type { Done, LossName, Setup, Step, WorkerTask } from './protocol.js';
import { forgetReplica, runTask } from './replica.js';
import { signalFailure } from './sharded-update.js';
import type { TransportFactory, WorkerTransport } from './transport.js';

/** What stays the same for every step of a trainer. */
export interface CoordinatorOptions {
  session: string;
  wire: WireModel;
  loss: LossName;
  seed: number;
  chunkSize: number;
  workers: number;
  /** The main thread runs the last share of a step of two or more, beside `workers − 1` threads (NOTE(main-share)). */
  shareMainThread: boolean;
  startTransport: TransportFactory;
}

/** One dispatch: a training step or an evaluation batch, already staged. */
export interface Dispatch {
  kind: Step['kind'];
  step: number;
  chunkCount: number;
  inputShape: number[];
  targetShape: number[];
  divisor: number;
  hyperparameters: BaseHyperparameters;
  /** Milliseconds before the threads are terminated and the dispatch rejects (`Infinity`: none). */
  timeout: number;
}

/**
 * The trainer's side of the protocol: its buffers, its Setup (re-sent only when it changes), its
 * transport, and the failure that stopped it.
 *
 * @example
 * ```ts
 * coordinator.stage(built, inputs, targets, chunkCount);
 * const { answers, updatedInWorkers } = await coordinator.dispatch(built, { kind: 'train', step: 1, chunkCount, ... });
 * ```
 */
export class Coordinator {
  readonly #gradients: GrowingBuffer;
  readonly #inputs: GrowingBuffer;
  readonly #targets: GrowingBuffer;
  #setup: Setup | null = null;
  #version = 0;
  #transport: WorkerTransport | null = null;
  /** The error that stopped the trainer (a failed or timed-out dispatch), or null. */
  failure: Error | null = null;
  /** Set when `close` gave up waiting and terminated the threads: how long it had waited. */
  closedAfter: number | null = null;

  constructor(
    readonly options: CoordinatorOptions,
    readonly memory: MemoryAdapter,
  ) {
    [this.#gradients, this.#inputs, this.#targets] = [0, 1, 2].map(() => new GrowingBuffer(memory)) as [
      GrowingBuffer,
      GrowingBuffer,
      GrowingBuffer,
    ];
  }

  /** The weights' optimizer state or the buffers' identity changed: the next dispatch sends a new Setup. */
  invalidateSetup(): void {
    this.#setup = null;
  }

  /** Copies a checked minibatch into the input buffers (once per step) and makes room for its chunk gradients. */
  stage(built: BuiltModel, inputs: Tensor, targets: Tensor, chunkCount: number): void {
    const grew = [
      this.#inputs.ensure(inputs.size * 4),
      this.#targets.ensure(targets.size * 4),
      this.#gradients.ensure(chunkCount * built.stride * 4),
    ].some((buffer) => buffer.grew);
    if (grew) this.invalidateSetup();
    new Float32Array(this.#inputs.buffer, 0, inputs.size).set(inputs.data);
    new Float32Array(this.#targets.buffer, 0, targets.size).set(targets.data);
  }

  /** The chunk gradient slots of the last dispatch (`chunkCount × stride` values). */
  gradients(built: BuiltModel, chunkCount: number): Float32Array {
    return new Float32Array(this.#gradients.buffer, 0, chunkCount * built.stride);
  }

  /**
   * Sends one task per worker and waits for all (at most `work.timeout` ms), then reports the first
   * failure with the step number. `updatedInWorkers`: the workers also reduced and updated the
   * parameters, shard by shard — only in shared memory, when the transport runs every task of the
   * step at once (the tasks wait for one another, so a task queued behind another would wait
   * forever); otherwise the caller finishes the step on the main thread, with the same bits.
   */
  async dispatch(built: BuiltModel, work: Dispatch): Promise<{ answers: Done[]; updatedInWorkers: boolean }> {
    const { memory } = this;
    const { workers, shareMainThread } = this.options;
    this.#transport ??= this.options.startTransport(shareMainThread ? Math.max(1, workers - 1) : workers);
    const transport = this.#transport;
    const ranges = assignChunks(work.chunkCount, workers);
    // NOTE(main-share): with shared memory the main thread can run one share itself instead of
    // waking one more thread and waiting for its answer; it waits at the barrier asynchronously, so
    // the step's timeout and a worker's failure still end the step. Off by default (option
    // shareMainThread): in a page it would block the page's thread for a share of every step.
    const local = shareMainThread && ranges.length >= 2 && memory.claim !== null;
    const inThreads = ranges.length - (local ? 1 : 0);
    const control =
      work.kind === 'train' && memory.control !== null && inThreads <= (transport.concurrency ?? 1)
        ? memory.control
        : null;
    if (memory.claim !== null) Atomics.store(new Int32Array(memory.claim), 0, 0);
    if (control !== null) new Int32Array(control).fill(0);
    const setup = (this.#setup ??= this.#newSetup(built));
    const copied = memory.copies({
      parameters: new Float32Array(built.parameters),
      buffers: new Float32Array(built.buffers),
      inputs: new Float32Array(this.#inputs.buffer),
      targets: new Float32Array(this.#targets.buffer),
    });
    const { kind, step, chunkCount, inputShape, targetShape, divisor, hyperparameters } = work;
    const base = {
      session: this.options.session,
      kind,
      step,
      chunkCount,
      inputShape,
      targetShape,
      divisor,
      hyperparameters,
      setup,
      copied,
    };
    const runs = ranges.map((range, index) => {
      const task: WorkerTask = {
        ...base,
        firstChunk: range.first,
        endChunk: range.end,
        shard: control === null ? null : { index, count: ranges.length },
      };
      const run =
        local && index === ranges.length - 1 ? () => runTask(task, { barrier: 'async' }) : () => transport.run(task);
      // Through then(): a transport that throws instead of rejecting must not strand the tasks already sent.
      return Promise.resolve()
        .then(run)
        .catch((error: unknown) => {
          // Tasks waiting at the barrier for this one would wait forever (NOTE(barrier) in sharded-update.ts).
          if (control !== null) signalFailure(control);
          throw error;
        });
    });
    const settled = await withTimeout(Promise.allSettled(runs), work.timeout, null);
    const what = kind === 'train' ? `step ${step}` : `evaluate (after step ${step})`;
    const stop = async (problem: string, cause?: unknown): Promise<never> => {
      // NOTE(stopped): the workers may have updated some shards of the weights and optimizer state
      // and not others, so no later step or snapshot would be consistent.
      const after =
        kind === 'train'
          ? 'its workers may have updated some shards of the weights and not others'
          : 'its worker threads are gone';
      this.failure = new Error(
        `DataParallelTrainer: ${what} ${problem}; the trainer is stopped (${after}): start a new one from the last checkpoint`,
        { cause },
      );
      if (control !== null) signalFailure(control);
      await transport.close().catch(() => undefined);
      throw this.failure;
    };
    if (settled === null)
      return stop(`did not finish within ${work.timeout} ms (timeoutMilliseconds); its worker threads were terminated`);
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) {
      const reason = (failed as PromiseRejectedResult).reason as unknown;
      if (this.closedAfter !== null)
        return stop(
          `did not finish: close() terminated its worker threads after waiting ${this.closedAfter} ms (its timeoutMilliseconds)`,
          reason,
        );
      return stop(`failed in a worker: ${reason instanceof Error ? reason.message : String(reason)}`, reason);
    }
    const answers = settled.map((outcome) => (outcome as PromiseFulfilledResult<Done>).value);
    if (answers.some((answer) => answer.aborted))
      return stop('failed: a worker left its shard of the update without any task failing');
    if (kind === 'train')
      answers.forEach((answer, index) =>
        memory.collect(answer, ranges[index]!.first, built.stride, this.gradients(built, chunkCount)),
      );
    return { answers, updatedInWorkers: control !== null };
  }

  /** Stops the threads (after `close` has waited for the calls before it). */
  async close(): Promise<void> {
    forgetReplica(this.options.session);
    await this.#transport?.close();
  }

  #newSetup(built: BuiltModel): Setup {
    const { session, wire, loss, seed, chunkSize } = this.options;
    return {
      session,
      version: ++this.#version,
      memory: this.memory.mode,
      model: wire,
      loss,
      seed,
      chunkSize,
      parameters: built.parameters,
      buffers: built.buffers,
      gradients: this.#gradients.buffer,
      reduced: built.reduced,
      inputs: this.#inputs.buffer,
      targets: this.#targets.buffer,
      claim: this.memory.claim,
      control: this.memory.control,
      optimizer: built.optimizer.setup(),
    };
  }
}

/** Per-chunk losses of all answers added in chunk order (so the bits do not depend on which worker ran which chunk). */
export function sumLosses(answers: readonly Done[], chunkCount: number): number {
  const losses = new Float64Array(chunkCount);
  for (const answer of answers) for (const [chunk, loss] of answer.losses) losses[chunk] = loss;
  let sum = 0;
  for (let chunk = 0; chunk < chunkCount; chunk++) sum += losses[chunk]!;
  return sum;
}
