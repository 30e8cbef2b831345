// The main thread's model bound to the trainer's flat buffers — parameters, reduced gradient,
// optimizer state, BatchNorm buffers — and the end of a step the main thread runs itself when the
// workers cannot (memory `copy`, or a transport that cannot run a step's tasks at once).
// Must not import node:* modules.
import type { BaseHyperparameters, Module, Optimizer, Tensor } from '@backprop/core';
import { bindParameters, chunkStride, parameterLayout, tensorsOver, type ParameterLayout } from './flat-parameters.js';
import type { MemoryAdapter } from './memory.js';
import type { OptimizerKind } from './optimizer-shard.js';
import { ShardedOptimizerState } from './optimizer-state.js';
import type { TaskBuffer } from './protocol.js';
import { bufferSize, saveBuffers, statisticsLayout, type StatisticsLayout } from './running-statistics.js';
import { finishShard } from './sharded-update.js';

/** The main thread's model bound to the shared parameters, and what steps need of it. */
export interface BuiltModel {
  model: Module;
  layout: ParameterLayout;
  parameters: TaskBuffer;
  /** The model's BatchNorm layers, whose statistics follow each chunk's gradient. */
  statistics: StatisticsLayout;
  /** Float32 values per chunk slot: parameters, then statistics. */
  stride: number;
  /** The running statistics as the workers keep them (`Setup.buffers`): the model's own are refreshed from here when read. */
  buffers: TaskBuffer;
  /** The reduced gradient, one float32 per parameter value, which the main model's `grad`s view. */
  reduced: TaskBuffer;
  optimizer: ShardedOptimizerState;
}

/**
 * Moves `model`'s parameters into one flat buffer (shared in memory `shared`), points their `grad`s
 * at the reduced gradient, and builds its optimizer with its state in flat buffers beside them.
 *
 * @example
 * ```ts
 * const built = installModel(buildModel(spec), memoryAdapter('shared'), { kind: 'adam', create: (parameters) => new Adam(parameters) });
 * built.model.parameters()[0].data.buffer === built.parameters; // true: a view of the shared buffer
 * ```
 */
export function installModel(
  model: Module,
  memory: MemoryAdapter,
  optimizer: { kind: OptimizerKind; create: (parameters: Iterable<Tensor>) => Optimizer },
): BuiltModel {
  const size = parameterLayout(model).size;
  const parameters = memory.allocate(size * 4);
  const layout = bindParameters(model, new Float32Array(parameters), { copyValues: true });
  const reduced = memory.allocate(size * 4);
  tensorsOver(new Float32Array(reduced), layout).forEach(
    (gradient, index) => (model.parameters()[index]!.grad = gradient),
  );
  const statistics = statisticsLayout(model);
  const buffers = memory.allocate(bufferSize(model) * 4);
  saveBuffers(model, new Float32Array(buffers));
  const state = new ShardedOptimizerState(optimizer.kind, optimizer.create(model.parameters()), layout, memory);
  return {
    model,
    layout,
    parameters,
    statistics,
    stride: chunkStride(layout, statistics.size),
    buffers,
    reduced,
    optimizer: state,
  };
}

/** The end of a training step over every value, on this thread: the same bits as the workers' shards. */
export function finishOnMainThread(
  built: BuiltModel,
  step: {
    gradients: Float32Array;
    chunkCount: number;
    divisor: number;
    step: number;
    hyperparameters: BaseHyperparameters;
  },
): void {
  const { layout, optimizer } = built;
  const update = {
    kind: optimizer.kind,
    hyperparameters: step.hyperparameters,
    layout,
    values: new Float32Array(built.parameters),
    reduced: new Float32Array(built.reduced),
    state: optimizer.views(),
    origins: optimizer.origins,
    step: step.step,
  };
  const end = {
    gradients: step.gradients,
    chunkCount: step.chunkCount,
    stride: built.stride,
    divisor: step.divisor,
    update,
    model: built.model,
    statistics: built.statistics,
    buffers: new Float32Array(built.buffers),
  };
  finishShard(end, { start: 0, end: layout.size, first: true });
}
