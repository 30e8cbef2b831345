// Flat parameter layout: every parameter of a module as one range of a single Float32Array (the
// wire layout of parameter and gradient buffers), and binding a module's parameters to it.
// Shared by the main thread and the workers: must not import node:* modules.
import { Tensor, type Module } from '@backprop/core';

/** One parameter's place in the flat buffer. */
export interface ParameterSlot {
  name: string;
  shape: readonly number[];
  offset: number;
  size: number;
}

/** Where each parameter lives in the flat buffer, in `namedParameters()` order. */
export interface ParameterLayout {
  slots: ParameterSlot[];
  /** Total number of float32 values, padding included (a multiple of `ALIGNMENT`). */
  size: number;
}

/**
 * Every parameter, chunk slot and update shard starts at a multiple of this many float32 values.
 *
 * NOTE(alignment): V8 copies a typed array over a SharedArrayBuffer (`set`, including into
 * WebAssembly memory, which the kernels do) with relaxed-atomic word copies only when source and
 * target are 8-byte aligned, and byte by byte otherwise — several times slower for a misaligned
 * shard's reduction and update (figures: docs/performance.md). So parameters start at multiples of
 * 16 bytes; the padding values are zeros that nothing updates.
 */
export const ALIGNMENT = 4;

/** `count` rounded up to a multiple of `ALIGNMENT`. */
export function alignUp(count: number): number {
  return Math.ceil(count / ALIGNMENT) * ALIGNMENT;
}

/**
 * The layout of `module`'s parameters, in `namedParameters()` order (deterministic for a spec),
 * each starting at a multiple of `ALIGNMENT` values (NOTE(alignment)).
 */
export function parameterLayout(module: Module): ParameterLayout {
  let offset = 0;
  const slots = module.namedParameters().map(([name, parameter]) => {
    const slot = { name, shape: parameter.shape, offset, size: parameter.size };
    offset = alignUp(offset + parameter.size);
    return slot;
  });
  return { slots, size: offset };
}

/** Float32 values per chunk slot of the gradient buffer: the parameters, then `statisticsSize` BatchNorm values, padded (NOTE(alignment)). */
export function chunkStride(layout: ParameterLayout, statisticsSize: number): number {
  return alignUp(layout.size + statisticsSize);
}

/**
 * Makes each parameter tensor of `module` use a view of `flat` as its storage (zero-copy: whatever
 * writes `flat` — another thread, an optimizer — changes the module's weights, and back). With
 * `copyValues`, the module's current values are copied into `flat` first (the main thread does this
 * once, so the initial weights come from the model's own seeded initialisation).
 *
 * NOTE(rebind): core's `tensor.data = view` (PyTorch's `p.data = …`) swaps a leaf's storage while
 * the Tensor object stays the same, so every reference to it (the module, an optimizer built
 * afterwards) sees the shared memory. Done right after `buildModel`, before any view (`detach`,
 * `reshape`) of a parameter exists.
 */
export function bindParameters(module: Module, flat: Float32Array, options: { copyValues: boolean }): ParameterLayout {
  const layout = parameterLayout(module);
  if (flat.length !== layout.size) {
    throw new Error(
      `bindParameters: the flat buffer holds ${flat.length} values but the model's layout needs ${layout.size} (parameters and alignment padding)`,
    );
  }
  const parameters = module.parameters();
  layout.slots.forEach((slot, index) => {
    const parameter = parameters[index]!;
    const view = flat.subarray(slot.offset, slot.offset + slot.size);
    if (options.copyValues) view.set(parameter.data);
    parameter.data = view;
  });
  return layout;
}

/** Float32 tensors over ranges of `flat`, one per slot (e.g. gradients for an optimizer). */
export function tensorsOver(flat: Float32Array, layout: ParameterLayout): Tensor[] {
  return layout.slots.map((slot) => new Tensor(flat.subarray(slot.offset, slot.offset + slot.size), slot.shape));
}
