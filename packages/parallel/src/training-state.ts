// Snapshots of the main model and its restores: copies of a StateDict, the checks a TrainerState passes,
// and loading one with the weights rolled back when the optimizer state does not fit. Must not import node:*.
import { Tensor, type StateDict } from '@backprop/core';
import type { BuiltModel } from './built-model.js';
import { saveBuffers } from './running-statistics.js';
import type { TrainerState } from './trainer-options.js';

/**
 * A copy of `state` whose tensors own their values (the model's own are views of the shared buffers,
 * which the next step changes).
 *
 * @example
 * ```ts
 * const snapshot = copyStateDict(built.model.stateDict()); // PyTorch's names and layouts, detached
 * ```
 */
export function copyStateDict(state: StateDict): StateDict {
  return Object.fromEntries(Object.entries(state).map(([name, t]) => [name, new Tensor(t.data.slice(), t.shape)]));
}

/**
 * `state` if it has the shape of a `trainingState()` — an integer `steps` ≥ 0, `model` and `optimizer`
 * objects — else throws, naming `operation`. Their contents are checked when they are loaded.
 *
 * @example
 * ```ts
 * checkTrainerState({ model, optimizer, steps: -1 }, 'DataParallelTrainer.loadTrainingState');
 * // throws 'DataParallelTrainer.loadTrainingState: steps must be an integer ≥ 0, got -1'
 * ```
 */
export function checkTrainerState(state: unknown, operation: string): TrainerState {
  const { model, optimizer, steps } = (state ?? {}) as Partial<TrainerState>;
  if (!Number.isSafeInteger(steps) || (steps as number) < 0) {
    throw new Error(`${operation}: steps must be an integer ≥ 0, got ${String(steps)}`);
  }
  if (typeof model !== 'object' || model === null || typeof optimizer !== 'object' || optimizer === null) {
    throw new Error(`${operation}: expected { model, optimizer, steps } as returned by trainingState()`);
  }
  return { model, optimizer, steps: steps as number };
}

/**
 * Loads weights (checked like `Module.loadStateDict`: nothing changes unless all fit) and writes the
 * running statistics they carry into the buffers the workers read.
 *
 * @example
 * ```ts
 * loadWeights(built, saved.model);
 * ```
 */
export function loadWeights(built: BuiltModel, weights: StateDict): void {
  built.model.loadStateDict(weights);
  saveBuffers(built.model, new Float32Array(built.buffers));
}

/**
 * Loads a checked TrainerState's weights and optimizer state (the step count is the caller's). When the
 * optimizer state does not fit, the weights go back to what they were and the error is rethrown, so a
 * failed restore changes nothing. `built.model` must hold the current running statistics.
 *
 * @example
 * ```ts
 * restoreTrainingState(built, checkTrainerState(state, 'DataParallelTrainer.loadTrainingState'));
 * ```
 */
export function restoreTrainingState(built: BuiltModel, state: TrainerState): void {
  const before = copyStateDict(built.model.stateDict());
  built.model.loadStateDict(state.model);
  try {
    built.optimizer.load(state.optimizer, state.steps);
  } catch (error) {
    built.model.loadStateDict(before);
    throw error;
  } finally {
    saveBuffers(built.model, new Float32Array(built.buffers));
  }
}
