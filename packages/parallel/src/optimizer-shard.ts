// The optimizer step of one parameter range, as the worker that owns the range runs it: core's pure
// update functions (sgdUpdate, adamUpdate, adamwUpdate, rmspropUpdate) over the range's values,
// reduced gradient and state — no Optimizer object. Shared by all threads: no node:* imports.
import {
  adamUpdate,
  adamwUpdate,
  rmspropUpdate,
  sgdUpdate,
  type AdamOptions,
  type BaseHyperparameters,
  type RMSpropOptions,
  type SGDOptions,
} from '@backprop/core';
import type { ParameterLayout } from './flat-parameters.js';

/** The optimizers a trainer can use, by the `type` of its `optimizer` option. */
export type OptimizerKind = 'sgd' | 'adam' | 'adamw' | 'rmsprop';

/** The arrays of one range update: values, reduced gradient and state buffers by name, all of one length. */
interface RangeArrays {
  values: Float32Array;
  gradient: Float32Array;
  state: ReadonlyMap<string, Float32Array>;
}

/** Per kind: whether its state counts updates (`step` in its state dict), and its update of one range. */
const KINDS: Record<
  OptimizerKind,
  { counts: boolean; update: (arrays: RangeArrays, hyperparameters: BaseHyperparameters, count: number) => void }
> = {
  sgd: {
    counts: false,
    update: ({ values, gradient, state }, hyperparameters, count) =>
      sgdUpdate(
        { values, gradient, momentumBuffer: state.get('momentumBuffer') ?? null, fresh: count === 1 },
        hyperparameters as SGDOptions,
      ),
  },
  adam: {
    counts: true,
    update: (arrays, hyperparameters, count) => adamUpdate(adamRange(arrays, count), hyperparameters as AdamOptions),
  },
  adamw: {
    counts: true,
    update: (arrays, hyperparameters, count) => adamwUpdate(adamRange(arrays, count), hyperparameters as AdamOptions),
  },
  rmsprop: {
    counts: true,
    update: ({ values, gradient, state }, hyperparameters) =>
      rmspropUpdate(
        {
          values,
          gradient,
          squareAvg: stateOf(state, 'squareAvg'),
          momentumBuffer: state.get('momentumBuffer') ?? null,
          gradAvg: state.get('gradAvg') ?? null,
        },
        hyperparameters as RMSpropOptions,
      ),
  },
};

function adamRange({ values, gradient, state }: RangeArrays, step: number) {
  return {
    values,
    gradient,
    expAvg: stateOf(state, 'expAvg'),
    expAvgSq: stateOf(state, 'expAvgSq'),
    maxExpAvgSq: state.get('maxExpAvgSq') ?? null,
    step,
  };
}

function stateOf(state: ReadonlyMap<string, Float32Array>, key: string): Float32Array {
  const buffer = state.get(key);
  if (buffer === undefined) throw new Error(`optimizer shard: the state '${key}' is missing from the Setup`);
  return buffer;
}

/** Whether `kind`'s state dict counts updates per parameter (`step`): Adam, AdamW and RMSprop do, SGD does not. */
export function countsSteps(kind: OptimizerKind): boolean {
  return KINDS[kind].counts;
}

/** What `updateRange` needs besides the range. */
export interface RangeUpdate {
  kind: OptimizerKind;
  hyperparameters: BaseHyperparameters;
  layout: ParameterLayout;
  /** The flat parameter values, reduced gradient and state buffers (state name → flat buffer). */
  values: Float32Array;
  reduced: Float32Array;
  state: ReadonlyMap<string, Float32Array>;
  /** Per parameter: the step number before its first update (see NOTE(step-count)). */
  origins: readonly number[];
  /** The step being taken (1-based). */
  step: number;
}

/**
 * Steps the optimizer on flat values [start, end): for each parameter overlapping the range, core's
 * pure update on the overlap of its values, its reduced gradient and its state. The updates are
 * elementwise, so any split of the values gives the bits of one whole `optimizer.step()`.
 *
 * NOTE(step-count): a parameter's update count (Adam's bias correction, SGD's first momentum step)
 * is `step − origin`: every parameter is updated at every step, so the worker derives it from the
 * step number instead of being told it. The origin is 0 for a fresh run; `loadTrainingState` sets
 * it from the loaded counts (optimizer-state.ts), which is what makes a resume bit-identical.
 *
 * @example
 * ```ts
 * updateRange({ kind: 'adam', hyperparameters, layout, values, reduced, state, origins: [0, 0], step: 1 }, 0, layout.size);
 * ```
 */
export function updateRange(update: RangeUpdate, start: number, end: number): void {
  const { kind, hyperparameters, layout, values, reduced, state, origins, step } = update;
  const rule = KINDS[kind];
  layout.slots.forEach((slot, index) => {
    const from = Math.max(start, slot.offset);
    const to = Math.min(end, slot.offset + slot.size);
    if (from >= to) return;
    const sliced = new Map([...state].map(([key, buffer]) => [key, buffer.subarray(from, to)]));
    rule.update(
      { values: values.subarray(from, to), gradient: reduced.subarray(from, to), state: sliced },
      hyperparameters,
      step - origins[index]!,
    );
  });
}
