// Adam's update on the WebAssembly module of adam-module.ts: copy the arrays in, one f64x2 pass,
// copy the updated ones out. Its TypeScript twin, and the choice between the two, are in
// kernels/adam.ts. Imports kernels/wasm/ only.
import { alignmentOf, HEAP_LIMIT_BYTES, HeapPlan, reserveHeap, roundUp, type WasmRuntime } from './runtime.js';

const LANES = 2;

/** The arrays of one update, all of one length; `maxExpAvgSq` with AMSGrad, else null. */
export interface AdamArrays {
  values: Float32Array;
  gradient: Float32Array;
  expAvg: Float32Array;
  expAvgSq: Float32Array;
  maxExpAvgSq: Float32Array | null;
}

/** The step's scalars, computed once per parameter in float64. */
export interface AdamScalars {
  beta1: number;
  beta2: number;
  /** lr / (1 − β₁ᵗ) */
  stepSize: number;
  /** √(1 − β₂ᵗ) */
  correction2Sqrt: number;
  eps: number;
  /** Multiplies the weights first (AdamW's decoupled decay; 1 for Adam). */
  decay: number;
  /** Added to the gradient as weightDecay · w (Adam's L2 penalty; 0 for AdamW). */
  weightDecay: number;
}

// NOTE(adam-wasm): the WebAssembly kernel gives the TypeScript loop's bits (NOTE(adam-lanes) in
// adam-module.ts). Its gain is bounded by the two float64 divisions and the square root per
// value, which f64x2 lanes at best halve (unrolling to four values per iteration gains nothing),
// plus seven copies in and out; the copies' fixed cost is paid back between 128 and 256 values,
// hence MIN_WASM_VALUES (figures: docs/performance.md).
const MIN_WASM_VALUES = 256;

/** Whether an update of `count` values pays on the WebAssembly kernel, and fits its memory. */
export function wasmAdamPays(count: number): boolean {
  return count >= MIN_WASM_VALUES && 5 * (roundUp(count, LANES) * 4 + 64) <= HEAP_LIMIT_BYTES;
}

/**
 * `adamKernelJs` of kernels/adam.ts on the WebAssembly kernel: the same bits (NOTE(adam-lanes) in
 * adam-module.ts). Requires arrays of equal length that fit (`wasmAdamPays`). Returns false, touching
 * nothing, when the memory cannot grow (the caller runs the TypeScript loop).
 *
 * @example
 * adamUpdateWasm(rt, { values, gradient, expAvg, expAvgSq, maxExpAvgSq: null }, scalars);
 */
export function adamUpdateWasm(rt: WasmRuntime, arrays: AdamArrays, scalars: AdamScalars): boolean {
  const { values, gradient, expAvg, expAvgSq, maxExpAvgSq } = arrays;
  const count = values.length;
  const padded = roundUp(count, LANES);
  const plan = new HeapPlan();
  const inputs =
    maxExpAvgSq === null ? [values, gradient, expAvg, expAvgSq] : [values, gradient, expAvg, expAvgSq, maxExpAvgSq];
  const at = inputs.map((array) => plan.floats(padded, alignmentOf(array))); // NOTE(copy-alignment) in runtime.ts
  if (!reserveHeap(rt, plan.end)) return false;
  inputs.forEach((array, index) => rt.heap.set(array, at[index]! >> 2));
  const { beta1, beta2, stepSize, correction2Sqrt, eps, decay, weightDecay } = scalars;
  const rest = [count, beta1, 1 - beta1, beta2, 1 - beta2, stepSize, correction2Sqrt, eps, decay, weightDecay] as const;
  if (maxExpAvgSq === null) rt.adam.adam(at[0]!, at[1]!, at[2]!, at[3]!, ...rest);
  else rt.adam.adamAmsgrad(at[0]!, at[1]!, at[2]!, at[3]!, at[4]!, ...rest);
  const GRADIENT = 1; // the one input not written
  inputs.forEach((array, index) => {
    if (index !== GRADIENT) array.set(rt.heap.subarray(at[index]! >> 2, (at[index]! >> 2) + count));
  });
  return true;
}
