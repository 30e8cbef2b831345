// The optimizer's state buffers (Adam's moments, momentum) laid out like the parameters: one flat
// buffer per state name, parameter i at its offset in the flat parameter layout. The main thread's
// optimizer keeps its state there (`Optimizer.placeState`), so workers that update ranges of the
// parameters update their state too, and `stateDict()` reads what they wrote. Must not import node:*.
import type { StateStorage } from '@backprop/core';
import type { ParameterLayout } from './flat-parameters.js';
import { allocate } from './task-buffers.js';
import type { MemoryMode, TaskBuffer } from './transport.js';

/**
 * Flat optimizer state, one buffer per state name, created on first use.
 *
 * @example
 * ```ts
 * const state = new FlatOptimizerState('shared', layout);
 * optimizer.placeState(state.storage); // Adam's expAvg of parameter i: state.buffers.get('expAvg') at layout.slots[i].offset
 * ```
 */
export class FlatOptimizerState {
  /** State name → float32 × the parameter count, in the flat parameter layout. */
  readonly buffers = new Map<string, TaskBuffer>();

  constructor(
    readonly memory: MemoryMode,
    readonly layout: ParameterLayout,
  ) {}

  /** For `optimizer.placeState`: buffer `key` of parameter `index`, a view of the flat buffer. */
  readonly storage: StateStorage = (index, key) => {
    const slot = this.layout.slots[index]!;
    let buffer = this.buffers.get(key);
    if (buffer === undefined) {
      buffer = allocate(this.memory, this.layout.size * 4);
      this.buffers.set(key, buffer);
    }
    return new Float32Array(buffer, slot.offset * 4, slot.size);
  };
}

/** Float32 views of flat state buffers by name, as `updateRange` takes them. */
export function stateViews(buffers: Iterable<[string, TaskBuffer]>): Map<string, Float32Array> {
  return new Map([...buffers].map(([key, buffer]) => [key, new Float32Array(buffer)]));
}
