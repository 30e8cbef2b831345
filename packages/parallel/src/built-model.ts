// The main thread's model bound to the trainer's flat (shared) buffers — parameters, reduced
// gradient, optimizer state, BatchNorm buffers — and the update the main thread runs itself when
// the workers do not (memory `copy`, or a transport that cannot run a step's tasks at once).
// Must not import node:* modules.
import type { Module, Optimizer, Tensor, UpdateContext } from '@backprop/core';
import { bindParameters, chunkStride, parameterLayout, tensorsOver, type ParameterLayout } from './flat-parameters.js';
import { FlatOptimizerState, stateViews } from './optimizer-state.js';
import { bufferSize, statisticsLayout, type StatisticsLayout } from './running-statistics.js';
import { reduceChunks, updateRange } from './sharded-update.js';
import { allocate } from './task-buffers.js';
import type { MemoryMode, TaskBuffer } from './transport.js';

/** The main thread's model bound to the shared parameters, and what steps need of it. */
export interface BuiltModel {
  model: Module;
  optimizer: Optimizer;
  layout: ParameterLayout;
  parameters: TaskBuffer;
  /** The model's BatchNorm layers, whose statistics follow each chunk's gradient. */
  statistics: StatisticsLayout;
  /** Float32 values per chunk slot: parameters, then statistics. */
  stride: number;
  /** The model's buffers (running statistics) as the workers read them. */
  buffers: TaskBuffer;
  /** The reduced gradient, one float32 per parameter value (shared with the workers, which write it). */
  reduced: Float32Array;
  /** Where the optimizer keeps its state: flat buffers the workers update. */
  state: FlatOptimizerState;
  /** Tensors over ranges of `reduced`: the model's gradients, set before each optimizer step. */
  gradientTensors: Tensor[];
}

/**
 * Moves `model`'s parameters into one flat buffer (shared in memory `shared`), builds its optimizer
 * with `createOptimizer` and places the optimizer's state in flat buffers beside them.
 *
 * @example
 * ```ts
 * const built = installModel(buildModel(spec), 'shared', (parameters) => new Adam(parameters));
 * built.model.parameters()[0].data.buffer === built.parameters; // true: a view of the shared buffer
 * ```
 */
export function installModel(model: Module, memory: MemoryMode, createOptimizer: (parameters: Iterable<Tensor>) => Optimizer): BuiltModel {
  const size = parameterLayout(model).size;
  const parameters = allocate(memory, size * 4);
  const layout = bindParameters(model, new Float32Array(parameters), { copyValues: true });
  const reduced = new Float32Array(allocate(memory, size * 4));
  const statistics = statisticsLayout(model);
  const buffers = allocate(memory, bufferSize(model) * 4);
  const optimizer = createOptimizer(model.parameters());
  const state = new FlatOptimizerState(memory, layout);
  optimizer.placeState(state.storage);
  const stride = chunkStride(layout, statistics.size);
  return { model, optimizer, layout, parameters, statistics, stride, buffers, reduced, state, gradientTensors: tensorsOver(reduced, layout) };
}

/** Reduces the chunk gradients and steps the optimizer over every value, on this thread: the same bits as the workers' shards. */
export function updateOnMainThread(built: BuiltModel, gradients: Float32Array, numChunks: number, divisor: number, plan: readonly UpdateContext[]): void {
  const size = built.layout.size;
  reduceChunks(gradients, numChunks, built.stride, divisor, built.reduced, 0, size);
  updateRange(built.optimizer, built.layout, new Float32Array(built.parameters), built.reduced, stateViews(built.state.buffers), plan, 0, size);
}
