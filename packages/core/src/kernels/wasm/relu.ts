// ReLU forward and backward on the WebAssembly module of elementwise-module.ts: copy in, one SIMD
// pass in place, copy out. Imports kernels/wasm/ only.
import { HEAP_LIMIT_BYTES, HeapPlan, reserveHeap, type WasmRuntime } from './runtime.js';

// NOTE(relu-wasm): ReLU is the cheap elementwise op the issue warns about: the data has to be
// copied into the memory and back. It pays anyway, because the TypeScript loop branches on the sign
// of every value and ReLU inputs go either way, so the branch predictor misses often; the f32x4 max
// and compare-and-mask have no branch, and the two copies are memcpys (figures: docs/performance.md).

/** Whether ReLU of `count` floats (forward or backward) fits the memory. */
export function wasmReluFits(count: number): boolean {
  return 2 * count * 4 + 64 <= HEAP_LIMIT_BYTES;
}

/**
 * max(x, 0) elementwise into a new array (NaN stays NaN); null when the memory cannot grow (the
 * caller runs the TypeScript loop). Requires `wasmReluFits(x.length)`.
 *
 * @example
 * reluForwardWasm(rt, Float32Array.of(-1, 2)); // [0, 2]
 */
export function reluForwardWasm(rt: WasmRuntime, x: Float32Array): Float32Array | null {
  if (!reserveHeap(rt, x.length * 4)) return null;
  rt.heap.set(x, 0);
  rt.elementwise.reluForward(0, x.length);
  return rt.heap.slice(0, x.length);
}

/**
 * g where x > 0, else 0, into a new array; null when the memory cannot grow. Requires
 * `wasmReluFits(g.length)` and equal lengths.
 *
 * @example
 * reluBackwardWasm(rt, Float32Array.of(-1, 2), Float32Array.of(5, 6)); // [0, 6]
 */
export function reluBackwardWasm(rt: WasmRuntime, x: Float32Array, g: Float32Array): Float32Array | null {
  const plan = new HeapPlan();
  const xAt = plan.floats(x.length);
  const gAt = plan.floats(g.length);
  if (!reserveHeap(rt, plan.end)) return null;
  rt.heap.set(x, xAt >> 2);
  rt.heap.set(g, gAt >> 2);
  rt.elementwise.reluBackward(xAt, gAt, g.length);
  return rt.heap.slice(gAt >> 2, (gAt >> 2) + g.length);
}
