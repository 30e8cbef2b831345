// The worker side of a step: rebuild the model from its spec, bind its parameters to the shared
// buffer (or, in `copy` memory, to a buffer of its own refreshed from each message), then forward +
// backward per chunk into the chunk's gradient slot. Runs in any worker (piscina thread, Web
// Worker): must not import node:* modules.
import { crossEntropy, Dropout, Generator, mseLoss, noGrad, Tensor, type Module, type Optimizer } from '@backprop/core';
import { chunkBounds, chunkCount, chunkSeed } from './chunks.js';
import { bindParameters, chunkStride, type ParameterLayout } from './flat-parameters.js';
import { buildFromWire } from './model-source.js';
import { createOptimizer } from './optimizer-choice.js';
import { stateViews } from './optimizer-state.js';
import { loadBuffers, statisticsLayout, writeChunkStatistics, type StatisticsLayout } from './running-statistics.js';
import { arriveAndWait, reduceChunks, shardBounds, signalFailure, updateRange, type BarrierWait, type ShardedUpdate } from './sharded-update.js';
import type { LossName, TaskBuffer, WorkerTask, WorkerTaskResult } from './transport.js';

interface Replica {
  model: Module;
  parameters: Tensor[];
  layout: ParameterLayout;
  dropouts: Dropout[];
  /** The flat buffer the replica's parameters view: the shared one, or (memory `copy`) its own. */
  values: Float32Array;
  statistics: StatisticsLayout;
  /** Float32 values per chunk slot: gradient, then BatchNorm statistics. */
  stride: number;
  /** Updates this thread's shards (memory `shared`), built on the first training task. */
  optimizer: Optimizer | null;
}

/** Replicas built (or being built) in this thread, by trainer session. */
const replicas = new Map<string, Promise<Replica>>();

function replicaFor(task: WorkerTask): Promise<Replica> {
  let replica = replicas.get(task.session);
  if (replica === undefined) {
    replica = buildReplica(task);
    replicas.set(task.session, replica);
  }
  return replica;
}

async function buildReplica(task: WorkerTask): Promise<Replica> {
  // The initial values are overwritten by the shared ones; a fixed generator keeps the global one untouched.
  const model = await buildFromWire(task.model, new Generator(0));
  const size = task.parameters.byteLength / 4;
  const values = task.memory === 'shared' ? new Float32Array(task.parameters) : new Float32Array(size);
  const layout = bindParameters(model, values, { copyValues: false });
  const statistics = statisticsLayout(model);
  const dropouts = model.modules().filter((m) => m instanceof Dropout);
  return { model, parameters: model.parameters(), layout, values, statistics, stride: chunkStride(layout, statistics.size), dropouts, optimizer: null };
}

/** The summed loss of one chunk. */
function chunkLoss(loss: LossName, output: Tensor, target: Tensor): Tensor {
  return loss === 'crossEntropy' ? crossEntropy(output, target, { reduction: 'sum' }) : mseLoss(output, target, { reduction: 'sum' });
}

/**
 * How many rows of `output` have their largest score at the target's class (crossEntropy only), in
 * all at `slot[0]` and per class k at `slot[1 + k]` (the class slots are zeroed first).
 */
function countCorrect(output: Tensor, target: Tensor, slot: Float64Array): void {
  const [rows, classes] = [output.shape[0]!, output.size / output.shape[0]!];
  slot.fill(0);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (output.data[r * classes + c]! > output.data[r * classes + best]!) best = c;
    if (best === target.data[r]) {
      slot[0]! += 1;
      if (1 + best < slot.length) slot[1 + best]! += 1;
    }
  }
}

/** Rows [start, end) of a float32 buffer holding a batch of shape `shape`, as a tensor (a view). */
function rows(buffer: TaskBuffer, shape: readonly number[], start: number, end: number): Tensor {
  const perSample = shape.slice(1).reduce((a, b) => a * b, 1);
  const data = new Float32Array(buffer, start * perSample * 4, (end - start) * perSample);
  return new Tensor(data, [end - start, ...shape.slice(1)]);
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
function chunkSource(task: WorkerTask): () => number {
  if (!task.claim) {
    let chunk = task.firstChunk;
    return () => (chunk < task.endChunk ? chunk++ : -1);
  }
  const counter = new Int32Array(task.claim);
  return () => {
    const chunk = Atomics.add(counter, 0, 1);
    return chunk < task.chunkCount ? chunk : -1;
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
 * over the chunk; writes the chunk's gradient and loss into its own slots of the shared buffers;
 * then, with `task.update`, reduces and updates its shard of the parameters once every task of the
 * step has finished its chunks. A worker entry only has to call it with the message it gets.
 *
 * @example
 * ```ts
 * // a Node worker entry (PiscinaTransport's `filename`): one task at a time per worker thread
 * import { runTask } from '@backprop/parallel';
 * export default (task) => runTask(task, { barrier: 'blocking' });
 * ```
 */
export async function runTask(task: WorkerTask, options: RunTaskOptions = {}): Promise<WorkerTaskResult> {
  try {
    const started = performance.now();
    const replica = await replicaFor(task);
    const { ran, copies } = runChunks(task, replica);
    const milliseconds = performance.now() - started;
    if (copies !== null) return { chunks: task.endChunk - task.firstChunk, milliseconds, copies };
    if (task.update === null) return { chunks: ran, milliseconds };
    return { chunks: ran, milliseconds, ...(await updateShard(task, task.update, replica, options.barrier ?? 'async')) };
  } catch (error) {
    // The other tasks of the step may be waiting for this one at the barrier: release them.
    if (task.update !== null) signalFailure(task.update.control);
    throw error;
  }
}

/** Waits for the step's other tasks, then reduces and steps values of this task's shard. */
async function updateShard(task: WorkerTask, update: ShardedUpdate, replica: Replica, barrier: BarrierWait): Promise<Pick<WorkerTaskResult, 'updateMilliseconds' | 'aborted'>> {
  if (!(await arriveAndWait(update.control, update.shards, barrier))) return { updateMilliseconds: 0, aborted: true };
  const started = performance.now();
  const optimizer = (replica.optimizer ??= createOptimizer({ type: update.optimizerType, ...update.hyperparameters }, replica.parameters));
  optimizer.setHyperparameters(update.hyperparameters);
  const { start, end } = shardBounds(replica.layout.size, update.shards, update.shard);
  const reduced = new Float32Array(update.reduced);
  reduceChunks(new Float32Array(task.gradients), task.chunkCount, replica.stride, update.divisor, reduced, start, end);
  updateRange(optimizer, replica.layout, replica.values, reduced, stateViews(update.state), update.plan, start, end);
  return { updateMilliseconds: performance.now() - started };
}

/**
 * Forward (+ backward) of each chunk the task gets; `ran` counts them. In memory `copy` the chunks'
 * gradients and results come back in `copies`; otherwise they are in the shared buffers.
 */
function runChunks(task: WorkerTask, replica: Replica): { ran: number; copies: WorkerTaskResult['copies'] | null } {
  const { model, parameters, layout } = replica;
  const batchSize = task.inputShape[0]!;
  // Chunk c's slots start at c · size in the shared buffers; in `copy` memory at (c − firstChunk) · size of local ones.
  const copying = task.memory === 'copy';
  const chunks = task.endChunk - task.firstChunk;
  const base = copying ? task.firstChunk : 0;
  const gradients = copying ? new Float32Array(task.kind === 'train' ? chunks * replica.stride : 0) : new Float32Array(task.gradients);
  const stride = task.resultStride;
  const results = copying ? new Float64Array(chunks * stride) : new Float64Array(task.results);
  if (copying) replica.values.set(new Float32Array(task.parameters));
  // Private running statistics, refreshed from the main thread's: evaluation reads them; a training
  // forward updates them too, harmlessly (the main thread replays the chunks' statistics instead).
  loadBuffers(model, new Float32Array(task.buffers));
  model.train(task.kind === 'train');
  const count = chunkCount(batchSize, task.chunkSize, replica.statistics.layers.length > 0);
  const next = chunkSource(task);
  let ran = 0;
  for (let chunk = next(); chunk !== -1; chunk = next(), ran++) {
    const { start, end } = chunkBounds(chunk, count, batchSize, task.chunkSize);
    const input = rows(task.inputs, task.inputShape, start, end);
    const target = rows(task.targets, task.targetShape, start, end);
    if (task.kind === 'evaluate') {
      noGrad(() => {
        const output = model.forward(input);
        const slot = results.subarray((chunk - base) * stride, (chunk - base + 1) * stride);
        slot[0] = chunkLoss(task.loss, output, target).item();
        if (task.loss === 'crossEntropy') countCorrect(output, target, slot.subarray(1));
        else slot[1] = 0;
      });
      continue;
    }
    for (const dropout of replica.dropouts) dropout.generator = new Generator(chunkSeed(task.seed, task.step, chunk));
    for (const parameter of parameters) parameter.grad = null;
    for (const layer of replica.statistics.layers) layer.lastBatchStatistics = null; // a layer this chunk skips must not replay an old chunk
    const loss = chunkLoss(task.loss, model.forward(input), target);
    loss.backward();
    results[(chunk - base) * stride] = loss.item();
    results[(chunk - base) * stride + 1] = 0;
    const slot = gradients.subarray((chunk - base) * replica.stride, (chunk - base + 1) * replica.stride);
    writeChunkStatistics(replica.statistics, slot.subarray(layout.size));
    layout.slots.forEach((entry, index) => {
      const grad = parameters[index]!.grad;
      if (grad === null) slot.fill(0, entry.offset, entry.offset + entry.size);
      else slot.set(grad.data, entry.offset);
    });
  }
  for (const parameter of parameters) parameter.grad = null;
  return { ran, copies: copying ? { gradients, results } : null };
}
