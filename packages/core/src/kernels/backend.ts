// Which kernels this thread runs: the WebAssembly SIMD ones (kernels/wasm/) where the thread has
// them, the TypeScript ones otherwise, and the switch between them. Imports only kernels/wasm/runtime.
import { wasmRuntime, type WasmRuntime } from './wasm/runtime.js';

/** `'wasm'`: the WebAssembly SIMD kernels (kernels/wasm/); `'js'`: the TypeScript kernels. */
export type KernelBackend = 'wasm' | 'js';

/** undefined until first use: then 'wasm' if this thread validates and compiles the SIMD modules. */
let selected: KernelBackend | undefined;

/**
 * The kernels this thread runs: `'wasm'` (WebAssembly SIMD, chosen automatically where
 * `WebAssembly` exists and validates a SIMD module) or `'js'` (the TypeScript kernels). It covers
 * matrix products, convolution, ReLU, max pooling, the chunk-gradient reduction (`sumChunksInto`)
 * and Adam's update; every other op runs TypeScript either way.
 *
 * @example
 * import { kernelBackend } from '@backprop/core';
 * console.log(kernelBackend()); // 'wasm' in Node 20 and current browsers
 */
export function kernelBackend(): KernelBackend {
  selected ??= wasmRuntime() !== null ? 'wasm' : 'js';
  return selected;
}

/**
 * Chooses the kernels for this thread (each worker thread chooses its own): `'js'` forces the
 * TypeScript kernels everywhere, `'wasm'` the WebAssembly SIMD ones (an error where they are
 * unavailable). The two agree within float32 rounding: the WebAssembly kernels sum in float32,
 * the TypeScript ones mostly in float64.
 *
 * @example
 * import { setKernelBackend } from '@backprop/core';
 * setKernelBackend('js'); // e.g. to compare both, or to rule the WebAssembly kernels out
 */
export function setKernelBackend(choice: KernelBackend): void {
  if (choice !== 'wasm' && choice !== 'js') {
    throw new TypeError(`setKernelBackend: expected 'wasm' or 'js', got ${String(choice)}`);
  }
  if (choice === 'wasm' && wasmRuntime() === null) {
    throw new Error("setKernelBackend: 'wasm' is unavailable here (no WebAssembly, or no SIMD support); use 'js'");
  }
  selected = choice;
}

/**
 * The runtime when this thread runs the WebAssembly kernels, else null: the one test a kernel
 * makes before taking its WebAssembly path.
 *
 * @example
 * const rt = wasmKernels();
 * if (rt !== null) reluWasm(rt, x); else reluJs(x);
 */
export function wasmKernels(): WasmRuntime | null {
  return kernelBackend() === 'wasm' ? wasmRuntime() : null;
}
