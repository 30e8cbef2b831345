// The optimizer's state as the workers hold it: one flat buffer per state name (Adam's moments,
// momentum) laid out like the parameters, each worker updating its own range, plus each parameter's
// step origin (NOTE(step-count) in optimizer-shard.ts). The main thread reads it into a PyTorch-style
// state dict and loads one back. Must not import node:* modules.
import { Tensor, type Optimizer, type OptimizerStateDict, type ParameterState } from '@backprop/core';
import type { ParameterLayout } from './flat-parameters.js';
import type { MemoryAdapter } from './memory.js';
import { countsSteps, type OptimizerKind } from './optimizer-shard.js';
import type { OptimizerSetup, TaskBuffer } from './protocol.js';

/**
 * Flat optimizer state for the workers' shards, and the main thread's `Optimizer`, which keeps the
 * hyperparameters (schedulers set its learning rate) and checks what is loaded.
 *
 * @example
 * ```ts
 * const state = new ShardedOptimizerState('adam', optimizer, layout, memory);
 * state.setup();              // { kind, state: [['expAvg', buffer], ['expAvgSq', buffer]], origins }
 * state.stateDict(steps);     // PyTorch's layout, read from the buffers the workers updated
 * ```
 */
export class ShardedOptimizerState {
  /** State name → float32 × the parameter layout's size. */
  readonly #buffers = new Map<string, TaskBuffer>();
  #origins: number[];
  /** The state names the last Setup carried (joined). */
  #keys = '';

  constructor(
    readonly kind: OptimizerKind,
    readonly optimizer: Optimizer,
    readonly layout: ParameterLayout,
    readonly memory: MemoryAdapter,
  ) {
    this.#origins = layout.slots.map(() => 0);
    // loadStateDict copies loaded tensors straight into the flat buffers.
    optimizer.placeState((index, key) => this.#view(key, index));
  }

  /** What a Setup carries of the optimizer (the buffers of its current state names, created zeroed on first use). */
  setup(): OptimizerSetup {
    this.#keys = this.optimizer.bufferKeys.join();
    return {
      kind: this.kind,
      state: this.optimizer.bufferKeys.map((key) => [key, this.#buffer(key)]),
      origins: [...this.#origins],
    };
  }

  /**
   * Before step `steps + 1`: true when the state's names changed since the last `setup()` (momentum
   * or AMSGrad switched on by `setHyperparameters`), so the workers need a new Setup. A state buffer
   * that did not exist starts at zero, as in core; for SGD, which counts no steps, its parameters'
   * next update is then their first (the momentum starts from the gradient, as core's does).
   */
  changedBefore(steps: number): boolean {
    const keys = this.optimizer.bufferKeys;
    if (keys.join() === this.#keys) return false;
    const created = keys.some((key) => !this.#buffers.has(key));
    if (created && !countsSteps(this.kind)) this.#origins = this.#origins.map(() => steps);
    return true;
  }

  /** Float32 views of the state buffers by name (the main thread's own update, memory `copy`). */
  views(): Map<string, Float32Array> {
    return new Map(this.optimizer.bufferKeys.map((key) => [key, new Float32Array(this.#buffer(key))]));
  }

  get origins(): readonly number[] {
    return this.#origins;
  }

  /**
   * The state after `steps` steps, as core's `Optimizer.stateDict()` gives it: a parameter has state
   * once it has been updated; `step` counts its updates (Adam, AdamW, RMSprop); tensors are copies.
   */
  stateDict(steps: number): OptimizerStateDict {
    const counts = countsSteps(this.kind);
    const keys = this.optimizer.bufferKeys;
    const state: Record<number, ParameterState> = {};
    this.layout.slots.forEach((slot, index) => {
      const updates = steps - this.#origins[index]!;
      if (updates < 1) return;
      const entry: ParameterState = {};
      if (counts) entry.step = updates;
      for (const key of keys) entry[key] = new Tensor(this.#view(key, index).slice(), slot.shape);
      state[index] = entry;
    });
    const group = { ...this.optimizer.hyperparameters, params: this.layout.slots.map((_, index) => index) };
    return { state, paramGroups: [group] };
  }

  /**
   * Loads a `stateDict()` (checked by core's `Optimizer.loadStateDict`, which copies its tensors into
   * the flat buffers) as the state after `steps` steps. A parameter without state starts from zeroed
   * buffers; one with state continues its count (SGD, which keeps none, continues its momentum).
   */
  load(stateDict: OptimizerStateDict, steps: number): void {
    this.optimizer.loadStateDict(stateDict as Parameters<Optimizer['loadStateDict']>[0]);
    const entries = stateDict.state;
    this.#origins = this.layout.slots.map((_, index) => {
      const entry = entries[index];
      if (entry === undefined) {
        for (const key of this.optimizer.bufferKeys) this.#view(key, index).fill(0);
        return steps;
      }
      return typeof entry.step === 'number' ? steps - entry.step : steps - 1;
    });
  }

  /**
   * The main thread's `Optimizer` as users see it (`trainer.optimizer`): its hyperparameters, and a
   * `stateDict()` / `loadStateDict()` that read and write the shards as of `steps()` steps.
   */
  facade(steps: () => number): Optimizer {
    const { optimizer } = this;
    const stateDict = () => this.stateDict(steps());
    const loadStateDict = (state: OptimizerStateDict) => this.load(state, steps());
    return new Proxy(optimizer, {
      // Methods and accessors run on the optimizer itself: its private fields are not the proxy's.
      get: (target, key) => {
        if (key === 'stateDict') return stateDict;
        if (key === 'loadStateDict') return loadStateDict;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
      set: (target, key, value) => Reflect.set(target, key, value, target),
    });
  }

  #buffer(key: string): TaskBuffer {
    let buffer = this.#buffers.get(key);
    if (buffer === undefined) {
      buffer = this.memory.allocate(this.layout.size * 4);
      this.#buffers.set(key, buffer);
    }
    return buffer;
  }

  #view(key: string, index: number): Float32Array {
    const slot = this.layout.slots[index]!;
    return new Float32Array(this.#buffer(key), slot.offset * 4, slot.size);
  }
}
