// An optimizer's state dict in PyTorch's layout: its types, copies, and every check a loaded one passes
// before anything changes. Imports the Tensor class and kernels/shape; never the Optimizer base (it imports this).
import { formatShape, shapesEqual } from '../kernels/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { BaseHyperparameters } from './hyperparameters.js';

/** One parameter's optimizer state: moment buffers (tensors of the parameter's shape) and counters. */
export type ParameterState = Record<string, Tensor | number>;

/**
 * An optimizer's state in PyTorch's layout: `state[i]` belongs to the i-th parameter of the list
 * the optimizer was built over (absent until its first update), and `paramGroups` holds the
 * hyperparameters with the indices of the parameters they apply to.
 */
export interface OptimizerStateDict<H extends BaseHyperparameters = BaseHyperparameters> {
  state: Record<number, ParameterState>;
  paramGroups: Array<H & { params: number[] }>;
}

/** What a loaded state dict is checked against: the optimizer it is loaded into. */
export interface StateDictTarget<H extends BaseHyperparameters> {
  /** Starts every error, e.g. `Adam.loadStateDict:`. */
  prefix: string;
  /** The optimizer's current hyperparameters: their names are the ones a saved group must have. */
  hyperparameters: H;
  /** The shapes of the optimizer's parameters, in order. */
  shapes: ReadonlyArray<readonly number[]>;
}

/**
 * The hyperparameters of a state dict's one parameter group over the target's current ones, after checking
 * the dict's layout, the group's parameter count and that it names exactly the target's hyperparameters.
 */
export function savedHyperparameters<H extends BaseHyperparameters>(
  stateDict: OptimizerStateDict<H>,
  target: StateDictTarget<H>,
): H {
  const { prefix } = target;
  const { state, paramGroups } = stateDict ?? {};
  if (!Array.isArray(paramGroups) || typeof state !== 'object' || state === null) {
    throw new Error(`${prefix} expected { state, paramGroups } as returned by stateDict()`);
  }
  if (paramGroups.length !== 1) {
    throw new Error(
      `${prefix} the state has ${paramGroups.length} parameter groups; Backprop optimizers hold exactly one`,
    );
  }
  const { params: indices, ...saved } = paramGroups[0]!;
  const count = target.shapes.length;
  if (!Array.isArray(indices) || indices.length !== count) {
    throw new Error(
      `${prefix} the state holds ${Array.isArray(indices) ? indices.length : 'no'} parameters, this optimizer ${count}; build the optimizer over the same parameters, in the same order (model.parameters())`,
    );
  }
  const known = Object.keys(target.hyperparameters);
  for (const key of known) {
    if (!(key in saved))
      throw new Error(
        `${prefix} the parameter group lacks '${key}'; was the state saved by another kind of optimizer?`,
      );
  }
  for (const key of Object.keys(saved)) {
    if (!known.includes(key))
      throw new Error(`${prefix} unknown hyperparameter '${key}' (expected ${known.join(', ')})`);
  }
  return { ...target.hyperparameters, ...(saved as unknown as H) };
}

/**
 * A state dict's per-parameter state, copied, after checking that each entry belongs to a parameter of the
 * target, has exactly the `expected` keys, and holds tensors of its parameter's shape or finite numbers.
 */
export function checkedStates<H extends BaseHyperparameters>(
  state: Record<number, ParameterState>,
  expected: string[],
  target: StateDictTarget<H>,
): Array<ParameterState | undefined> {
  const { prefix } = target;
  const count = target.shapes.length;
  const restored = new Array<ParameterState | undefined>(count);
  for (const [key, entry] of Object.entries(state)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new Error(
        `${prefix} state for parameter ${key}, but this optimizer has parameters 0..${count - 1}; build it over the same parameters`,
      );
    }
    restored[index] = checkedState(prefix, index, entry, expected, target.shapes[index]!);
  }
  return restored;
}

function checkedState(
  prefix: string,
  index: number,
  entry: ParameterState,
  expected: string[],
  shape: readonly number[],
): ParameterState {
  for (const key of Object.keys(entry)) {
    if (!expected.includes(key)) {
      throw new Error(
        `${prefix} state of parameter ${index} has an unknown entry '${key}' (expected ${expected.join(', ')})`,
      );
    }
  }
  for (const key of expected) {
    const value = entry[key];
    if (value === undefined)
      throw new Error(`${prefix} state of parameter ${index} lacks '${key}' (expected ${expected.join(', ')})`);
    if (value instanceof Tensor) {
      if (!shapesEqual(value.shape, shape)) {
        throw new Error(
          `${prefix} state '${key}' of parameter ${index} has shape ${formatShape(value.shape)} but the parameter has shape ${formatShape(shape)}; build the optimizer over the same parameters, in the same order`,
        );
      }
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(
        `${prefix} state '${key}' of parameter ${index} must be a Tensor or a finite number, got ${String(value)}`,
      );
    }
  }
  return copyState(entry);
}

/** A deep copy: tensors get their own values. */
export function copyState(entry: ParameterState): ParameterState {
  const copy: ParameterState = {};
  for (const [key, value] of Object.entries(entry)) {
    copy[key] = value instanceof Tensor ? new Tensor(value.data.slice(), value.shape) : value;
  }
  return copy;
}
