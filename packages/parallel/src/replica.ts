// The worker side of the protocol (protocol.ts): a replica built once per trainer from its Setup, then
// per Step forward + backward of the chunks the worker claims into their gradient slots, and — when
// it owns a shard — the reduction, the optimizer step and the running statistics of that shard.
// Runs in any worker (piscina thread, Web Worker) and nowhere else: must not import node:* modules.
import { crossEntropy, Dropout, Generator, mseLoss, noGrad, Tensor, type Module } from '@backprop/core';
import { chunkBounds, chunkSeed } from './chunks.js';
import { addCounts, classCounts } from './evaluation-totals.js';
import { bindParameters, chunkStride, type ParameterLayout } from './flat-parameters.js';
import { buildFromWire } from './model-source.js';
import { replicaValues, taskArrays, type TaskArrays } from './memory.js';
import type { Done, LossName, Setup, WorkerTask } from './protocol.js';
import { loadBuffers, statisticsLayout, writeChunkStatistics, type StatisticsLayout } from './running-statistics.js';
import { arriveAndWait, finishShard, shardBounds, signalFailure, type BarrierWait } from './sharded-update.js';

interface Replica {
  setup: Setup;
  model: Module;
  parameters: Tensor[];
  layout: ParameterLayout;
  dropouts: Dropout[];
  /** The flat buffer the replica's parameters view: the shared one, or (memory `copy`) its own. */
  values: Float32Array;
  statistics: StatisticsLayout;
  /** Float32 values per chunk slot: gradient, then BatchNorm statistics. */
  stride: number;
}

/** Replicas built (or being built) in this thread, by trainer session. */
const replicas = new Map<string, Promise<Replica>>();

/** The session's replica, built from the task's Setup on first use, and brought to a newer Setup. */
async function replicaFor(task: WorkerTask): Promise<Replica> {
  const { setup } = task;
  let replica = replicas.get(task.session);
  if (replica === undefined) {
    // NOTE(setup-once): a transport sends the Setup with the first task each worker gets, so a bare Step here is a transport bug.
    if (setup === null) throw new Error(`protocol: a Step of ${task.session} arrived before its Setup`);
    replica = buildReplica(setup);
    replicas.set(task.session, replica);
  }
  const ready = await replica;
  if (setup !== null && setup.version > ready.setup.version) ready.setup = setup;
  return ready;
}

/** Drops this thread's replica of `session` (the main thread's own share, when its trainer closes). */
export function forgetReplica(session: string): void {
  replicas.delete(session);
}

async function buildReplica(setup: Setup): Promise<Replica> {
  // The initial values are overwritten by the shared ones; a fixed generator keeps the global one untouched.
  const model = await buildFromWire(setup.model, new Generator(0));
  const values = replicaValues(setup);
  const layout = bindParameters(model, values, { copyValues: false });
  const statistics = statisticsLayout(model);
  const dropouts = model.modules().filter((m) => m instanceof Dropout);
  return {
    setup,
    model,
    parameters: model.parameters(),
    layout,
    values,
    statistics,
    stride: chunkStride(layout, statistics.size),
    dropouts,
  };
}

/** Options of `runTask`. */
export interface RunTaskOptions {
  /**
   * How the task waits for the step's other tasks before its shard of the update (`BarrierWait`):
   * `'blocking'` in a thread that runs one task at a time (faster: NOTE(barrier) in
   * sharded-update.ts), `'async'` (the default) where several workers may share a thread.
   */
  barrier?: BarrierWait;
}

/**
 * Runs one task: for each of its chunks, forward (+ backward when training) with the loss summed
 * over the chunk, the chunk's gradient into its own slot; then, with a shard, waits for the step's
 * other tasks and reduces, updates and (first shard) replays the running statistics of its shard.
 * A worker entry only has to call it with the message it gets.
 *
 * @example
 * ```ts
 * // a Node worker entry (PiscinaTransport's `filename`): one task at a time per worker thread
 * import { runTask } from '@backprop/parallel';
 * export default (task) => runTask(task, { barrier: 'blocking' });
 * ```
 */
export async function runTask(task: WorkerTask, options: RunTaskOptions = {}): Promise<Done> {
  let control: SharedArrayBuffer | null = null;
  try {
    const started = performance.now();
    const replica = await replicaFor(task);
    const setup = replica.setup;
    control = task.shard === null ? null : setup.control;
    const arrays = taskArrays(task, setup, replica.values, replica.stride);
    const done = runChunks(task, replica, arrays);
    done.milliseconds = performance.now() - started;
    if (task.shard === null || control === null) return done;
    if (!(await arriveAndWait(control, task.shard.count, options.barrier ?? 'async')))
      return { ...done, aborted: true };
    const updateStarted = performance.now();
    const { start, end } = shardBounds(replica.layout.size, task.shard.count, task.shard.index);
    finishShard(
      {
        gradients: arrays.gradients,
        chunkCount: task.chunkCount,
        stride: replica.stride,
        divisor: task.divisor,
        update: {
          kind: setup.optimizer.kind,
          hyperparameters: task.hyperparameters,
          layout: replica.layout,
          values: replica.values,
          reduced: new Float32Array(setup.reduced),
          state: new Map(setup.optimizer.state.map(([key, buffer]) => [key, new Float32Array(buffer)])),
          origins: setup.optimizer.origins,
          step: task.step,
        },
        model: replica.model,
        statistics: replica.statistics,
        buffers: arrays.buffers,
      },
      { start, end, first: task.shard.index === 0 },
    );
    return { ...done, updateMilliseconds: performance.now() - updateStarted };
  } catch (error) {
    // The other tasks of the step may be waiting for this one at the barrier: release them.
    if (control !== null) signalFailure(control);
    throw error;
  }
}

/** The summed loss of one chunk. */
function chunkLoss(loss: LossName, output: Tensor, target: Tensor): Tensor {
  return loss === 'crossEntropy'
    ? crossEntropy(output, target, { reduction: 'sum' })
    : mseLoss(output, target, { reduction: 'sum' });
}

/** Rows [start, end) of a float32 batch of shape `shape`, as a tensor (a view). */
function rows(data: Float32Array, shape: readonly number[], start: number, end: number): Tensor {
  const perSample = shape.slice(1).reduce((a, b) => a * b, 1);
  return new Tensor(data.subarray(start * perSample, end * perSample), [end - start, ...shape.slice(1)]);
}

/**
 * The chunks this task runs, one at a time, -1 when done.
 *
 * NOTE(claiming): with a claim counter (memory `shared`) each worker takes the next unclaimed chunk
 * as soon as it finishes one, so a worker slowed by the machine's other load, or by a costlier
 * chunk, takes fewer; static ranges made every step wait for the slowest worker's fixed share.
 * Chunks keep their own gradient slots, Dropout seeds and reduction order, so the result is the
 * same bits whichever worker ran which chunk.
 */
function chunkSource(task: WorkerTask, claim: SharedArrayBuffer | null): () => number {
  if (claim === null) {
    let chunk = task.firstChunk;
    return () => (chunk < task.endChunk ? chunk++ : -1);
  }
  const counter = new Int32Array(claim);
  return () => {
    const chunk = Atomics.add(counter, 0, 1);
    return chunk < task.chunkCount ? chunk : -1;
  };
}

/**
 * Forward (+ backward) of each chunk the task gets. Gradients go to the chunk's slot (in memory
 * `copy`, of the task's own buffer from `firstChunk` on, returned in `Done.gradients`: memory.ts).
 */
function runChunks(task: WorkerTask, replica: Replica, arrays: TaskArrays): Done {
  const { model, parameters, layout, stride, setup } = replica;
  const batchSize = task.inputShape[0]!;
  const base = arrays.firstSlot;
  // Private running statistics, refreshed from the trainer's: evaluation reads them; a training
  // forward moves them too, which finishShard undoes before it replays the chunks in order.
  loadBuffers(model, arrays.buffers);
  model.train(task.kind === 'train');
  const next = chunkSource(task, setup.claim);
  const done: Done = {
    chunks: 0,
    losses: [],
    perClass: null,
    milliseconds: 0,
    updateMilliseconds: 0,
    aborted: false,
    gradients: arrays.returned,
  };
  for (let chunk = next(); chunk !== -1; chunk = next(), done.chunks++) {
    const { start, end } = chunkBounds(chunk, task.chunkCount, batchSize, setup.chunkSize);
    const input = rows(arrays.inputs, task.inputShape, start, end);
    const target = rows(arrays.targets, task.targetShape, start, end);
    if (task.kind === 'evaluate') {
      noGrad(() => {
        const output = model.forward(input);
        done.losses.push([chunk, chunkLoss(setup.loss, output, target).item()]);
        if (setup.loss === 'crossEntropy') done.perClass = addCounts(done.perClass, classCounts(output, target));
      });
      continue;
    }
    for (const dropout of replica.dropouts) dropout.generator = new Generator(chunkSeed(setup.seed, task.step, chunk));
    for (const parameter of parameters) parameter.grad = null;
    for (const layer of replica.statistics.layers) layer.lastBatchStatistics = null; // a layer this chunk skips must not replay an old chunk
    const loss = chunkLoss(setup.loss, model.forward(input), target);
    loss.backward();
    done.losses.push([chunk, loss.item()]);
    const slot = arrays.gradients.subarray((chunk - base) * stride, (chunk - base + 1) * stride);
    writeChunkStatistics(replica.statistics, slot.subarray(layout.size));
    layout.slots.forEach((entry, index) => {
      const grad = parameters[index]!.grad;
      if (grad === null) slot.fill(0, entry.offset, entry.offset + entry.size);
      else slot.set(grad.data, entry.offset);
    });
  }
  for (const parameter of parameters) parameter.grad = null;
  return done;
}
