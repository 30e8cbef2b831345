// Optimizer: the base of SGD, Adam, AdamW and RMSprop — parameters, lazy per-parameter state, the step.
// Imports the Tensor class, kernels/shape, hyperparameters.ts and optimizer-state-dict.ts; never nn/ (a model
// hands over `model.parameters()`).
import { formatShape } from '../kernels/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { type BaseHyperparameters, copyHyperparameters } from './hyperparameters.js';
import {
  checkedStates,
  copyState,
  type OptimizerStateDict,
  type ParameterState,
  savedHyperparameters,
  type StateDictTarget,
} from './optimizer-state-dict.js';

/** What one parameter's update needs besides its values, gradient, state buffers and the hyperparameters. */
export interface UpdateContext {
  /** The parameter's update count including this one (1 on its first update); 0 for optimizers that keep no count (SGD). */
  step: number;
  /** True when any of the parameter's state buffers was just created (zeros): SGD's momentum starts from the gradient then. */
  fresh: boolean;
}

/** One parameter's part of a step, as `prepareStep` returns it. */
export interface PlannedUpdate extends UpdateContext {
  /** The parameter's index in `params`. */
  index: number;
  /** Its state buffers, in `bufferKeys` order. */
  buffers: Float32Array[];
}

/** Where `placeState` keeps state: the buffer (of the parameter's size) for state `key` of parameter `index`. */
export type StateStorage = (index: number, key: string) => Float32Array;

/** The state entry that counts a parameter's updates (Adam's bias correction, RMSprop). */
const STEP = 'step';

/**
 * The base class of optimizers. It holds the parameters in the order given (that order is the
 * layout of `stateDict()`), one group of hyperparameters, and per-parameter state created on a
 * parameter's first update. Subclasses implement `updateValues` as plain loops over `Float32Array`s
 * that write into `param.data` in place (it may be a view of a shared buffer; it is never replaced).
 *
 * @example
 * ```ts
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * optimizer.zeroGrad();
 * crossEntropy(model.forward(x), labels).backward();
 * optimizer.step();
 * ```
 */
export abstract class Optimizer<H extends BaseHyperparameters = BaseHyperparameters> {
  /** The parameters, in the order given; index i in `stateDict()` is `params[i]`. */
  readonly params: readonly Tensor[];
  /** Name used in error messages (`'SGD'`, `'Adam'`, …). */
  readonly name: string;
  #hyperparameters: H;
  #state: Array<ParameterState | undefined>;
  /** Where state buffers live (`placeState`); null: arrays of their own. */
  #storage: StateStorage | null = null;

  constructor(params: Iterable<Tensor>, defaults: H, name: string) {
    this.name = name;
    if (
      params === null ||
      typeof params !== 'object' ||
      typeof (params as Iterable<Tensor>)[Symbol.iterator] !== 'function'
    ) {
      throw new Error(`${name}: params must be an iterable of tensors; pass model.parameters()`);
    }
    const list = [...params];
    if (list.length === 0)
      throw new Error(`${name}: got an empty parameter list; pass model.parameters() of a model that has some`);
    list.forEach((param, index) => {
      if (!(param instanceof Tensor)) {
        throw new Error(`${name}: parameter ${index} is not a Tensor; pass model.parameters() (an array of tensors)`);
      }
      if (param.creator !== null) {
        throw new Error(
          `${name}: parameter ${index} ${formatShape(param.shape)} is not a leaf tensor; optimize x.detach() with requiresGrad = true`,
        );
      }
      const first = list.indexOf(param);
      if (first !== index)
        throw new Error(
          `${name}: parameter ${index} is the same tensor as parameter ${first}; pass each parameter once`,
        );
    });
    this.params = Object.freeze(list);
    this.validate(defaults);
    this.#hyperparameters = copyHyperparameters(defaults);
    this.#state = new Array<ParameterState | undefined>(list.length);
  }

  /**
   * The arithmetic of one update, in place: new `values` from the `gradient` and the state
   * `buffers` (in `bufferKeys` order), under the current hyperparameters. Element i reads and
   * writes index i of each array only, so any range of a parameter can be updated on its own — the
   * data-parallel trainer splits a step over threads this way (`prepareStep` first).
   */
  abstract updateValues(
    values: Float32Array,
    gradient: Float32Array,
    buffers: Float32Array[],
    context: UpdateContext,
  ): void;

  /** Throws an actionable error when a hyperparameter is out of range. */
  protected abstract validate(hyperparameters: H): void;

  /** The state entries a parameter has under `hyperparameters` once it has been updated: `step` (a count) and buffer names. */
  protected abstract stateKeys(hyperparameters: H): string[];

  /** The names of the per-parameter state buffers under the current hyperparameters, in the order `updateValues` takes them. */
  get bufferKeys(): string[] {
    return this.stateKeys(this.#hyperparameters).filter((key) => key !== STEP);
  }

  /** Updates every parameter that has a gradient; parameters whose `grad` is `null` are skipped. */
  step(): void {
    for (const update of this.prepareStep()) {
      const param = this.params[update.index]!;
      this.updateValues(param.data, param.grad!.data, update.buffers, update);
    }
  }

  /**
   * Everything of a step but its arithmetic: for each parameter with a gradient (in order) creates
   * missing state buffers (zeros), advances its step count, and returns what `updateValues` needs.
   * `step()` is `prepareStep()` followed by `updateValues` on each parameter whole; a caller that
   * splits the arithmetic must update every value of every planned parameter exactly once, under
   * the same hyperparameters, before the next `prepareStep`.
   *
   * @example
   * ```ts
   * // the same as optimizer.step(), one parameter range at a time
   * for (const { index, buffers, ...context } of optimizer.prepareStep()) {
   *   const [values, gradient] = [params[index].data, params[index].grad.data];
   *   optimizer.updateValues(values.subarray(0, 10), gradient.subarray(0, 10), buffers.map((b) => b.subarray(0, 10)), context);
   *   optimizer.updateValues(values.subarray(10), gradient.subarray(10), buffers.map((b) => b.subarray(10)), context);
   * }
   * ```
   */
  prepareStep(): PlannedUpdate[] {
    const keys = this.stateKeys(this.#hyperparameters);
    const counts = keys.includes(STEP);
    const bufferKeys = keys.filter((key) => key !== STEP);
    const plan: PlannedUpdate[] = [];
    this.params.forEach((param, index) => {
      const grad = param.grad;
      if (grad === null) return;
      if (grad.size !== param.size) {
        throw new Error(
          `${this.name}.step: parameter ${index} ${formatShape(param.shape)} has a gradient of shape ${formatShape(grad.shape)}`,
        );
      }
      const state = (this.#state[index] ??= {});
      let fresh = false;
      const buffers = bufferKeys.map((key) => {
        const existing = state[key];
        if (existing instanceof Tensor) return existing.data;
        fresh = true;
        const buffer = this.#newBuffer(index, key);
        state[key] = new Tensor(buffer, param.shape);
        return buffer;
      });
      let step = 0;
      if (counts) {
        step = ((state[STEP] as number | undefined) ?? 0) + 1;
        state[STEP] = step;
      }
      plan.push({ index, step, fresh, buffers });
    });
    return plan;
  }

  /**
   * Keeps every state buffer in memory the caller provides: `storage(index, key)` returns the
   * Float32Array (of the parameter's size) that holds buffer `key` of parameter `index`, e.g. a view
   * of a SharedArrayBuffer that worker threads update. State that exists is copied in; buffers
   * created later start as zeros there; `loadStateDict` copies into them; `stateDict` copies out.
   *
   * @example
   * ```ts
   * const shared = new Float32Array(new SharedArrayBuffer(4 * 2 * size)); // expAvg, expAvgSq of one parameter
   * optimizer.placeState((index, key) => shared.subarray(key === 'expAvg' ? 0 : size, key === 'expAvg' ? size : 2 * size));
   * ```
   */
  placeState(storage: StateStorage): void {
    if (typeof storage !== 'function')
      throw new Error(`${this.name}.placeState: storage must be a function (index, key) => Float32Array`);
    this.#storage = storage;
    this.#state = this.#placedAll(this.#state);
  }

  /** Forgets all gradients (sets each parameter's `grad` to `null`), before the next backward pass. */
  zeroGrad(): void {
    for (const param of this.params) param.grad = null;
  }

  /** The current hyperparameters (a copy). */
  get hyperparameters(): Readonly<H> {
    return copyHyperparameters(this.#hyperparameters);
  }

  /** Changes some hyperparameters, validated as in the constructor. */
  setHyperparameters(changes: Partial<H>): void {
    const next = { ...this.#hyperparameters, ...changes };
    this.validate(next);
    this.#hyperparameters = copyHyperparameters(next);
  }

  /** The learning rate; learning-rate schedulers set it before each step. */
  get learningRate(): number {
    return this.#hyperparameters.lr;
  }

  set learningRate(value: number) {
    this.setHyperparameters({ lr: value } as Partial<H>);
  }

  /**
   * A snapshot of the optimizer: per-parameter state (tensors copied) and the hyperparameters, in
   * PyTorch's layout. Save it with the weights; `loadStateDict` resumes exactly where it stopped.
   */
  stateDict(): OptimizerStateDict<H> {
    const state: Record<number, ParameterState> = {};
    this.#state.forEach((entry, index) => {
      if (entry !== undefined) state[index] = copyState(entry);
    });
    const group = { ...copyHyperparameters(this.#hyperparameters), params: this.params.map((_, index) => index) };
    return { state, paramGroups: [group] };
  }

  /**
   * Restores a `stateDict()` of an optimizer of the same kind built over parameters of the same
   * shapes, in the same order. Everything is checked before anything changes; values are copied.
   */
  loadStateDict(stateDict: OptimizerStateDict<H>): void {
    const target: StateDictTarget<H> = {
      prefix: `${this.name}.loadStateDict:`,
      hyperparameters: this.#hyperparameters,
      shapes: this.params.map((param) => param.shape),
    };
    const hyperparameters = savedHyperparameters(stateDict, target);
    this.validate(hyperparameters);
    const restored = checkedStates(stateDict.state, this.stateKeys(hyperparameters), target);
    this.#hyperparameters = copyHyperparameters(hyperparameters);
    this.#state = this.#placedAll(restored);
  }

  /** A zeroed buffer for state `key` of parameter `index`: in the placed storage, or new. */
  #newBuffer(index: number, key: string): Float32Array {
    if (this.#storage === null) return new Float32Array(this.params[index]!.size);
    return this.#stored(index, key).fill(0);
  }

  /**
   * `entries` with their buffers copied into the placed storage (unchanged without one). Every
   * target buffer is fetched, and so checked, before any is written.
   */
  #placedAll(entries: Array<ParameterState | undefined>): Array<ParameterState | undefined> {
    if (this.#storage === null) return entries;
    const targets = entries.map((entry, index) =>
      entry === undefined
        ? []
        : Object.keys(entry)
            .filter((key) => entry[key] instanceof Tensor)
            .map((key) => [key, this.#stored(index, key)] as const),
    );
    return entries.map((entry, index) => {
      if (entry === undefined) return undefined;
      const placed: ParameterState = { ...entry };
      for (const [key, buffer] of targets[index]!) {
        const value = entry[key] as Tensor;
        buffer.set(value.data);
        placed[key] = new Tensor(buffer, value.shape);
      }
      return placed;
    });
  }

  #stored(index: number, key: string): Float32Array {
    const buffer = this.#storage!(index, key);
    const size = this.params[index]!.size;
    if (!(buffer instanceof Float32Array) || buffer.length !== size) {
      throw new Error(
        `${this.name}: the placed storage gave no Float32Array of ${size} values for state '${key}' of parameter ${index}`,
      );
    }
    return buffer;
  }
}
