// ReLU forward and backward as dedicated loops: the hottest activation of every network here. Runs
// the WebAssembly SIMD kernels of wasm/relu.ts where this thread has them. Imports only kernels/.
import { wasmKernels } from './backend.js';
import { reluBackwardWasm, reluForwardWasm, wasmReluFits } from './wasm/relu.js';

// NOTE(relu-loops): the generic unary path calls a per-op callback per element from one shared
// loop, which V8 cannot inline once several ops have used it (a megamorphic call per value); ReLU,
// the hottest activation, gets monomorphic loops of its own (docs/performance.md).

/** max(x, 0) elementwise; NaN stays NaN (a diverging run must not look healthy). */
export function reluForward(x: Float32Array): Float32Array {
  const rt = wasmKernels();
  const done = rt !== null && wasmReluFits(x.length) ? reluForwardWasm(rt, x) : null;
  if (done !== null) return done;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const value = x[i]!;
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test of the hot loop (NaN passes through, as in PyTorch)
    out[i] = value > 0 || value !== value ? value : 0;
  }
  return out;
}

/** g where x > 0, else 0 (relu'(0) = 0, as in PyTorch). */
export function reluBackward(x: Float32Array, g: Float32Array): Float32Array {
  const rt = wasmKernels();
  const done = rt !== null && wasmReluFits(g.length) ? reluBackwardWasm(rt, x, g) : null;
  if (done !== null) return done;
  const out = new Float32Array(g.length);
  for (let i = 0; i < g.length; i++) out[i] = x[i]! > 0 ? g[i]! : 0;
  return out;
}
