// The matmul entry points the tensor layer calls: the WebAssembly SIMD kernel where this thread has
// it, the TypeScript kernel otherwise, and the switch between them. Imports only kernels/.
import { checkMatmulArguments } from './matmul-arguments.js';
import { matmulJsInto, matmulTransposeAJsInto, matmulTransposeBJsInto } from './matmul.js';
import { sgemmWasm, wasmSgemmAvailable, wasmSgemmFits, type SgemmLayout } from './wasm/sgemm.js';

/** `'wasm'`: the WebAssembly SIMD kernel (kernels/wasm/); `'js'`: the TypeScript kernel (kernels/matmul.ts). */
export type MatmulBackend = 'wasm' | 'js';

/** undefined until first use: then 'wasm' if this thread validates and compiles the SIMD module. */
let selected: MatmulBackend | undefined;

function backend(): MatmulBackend {
  selected ??= wasmSgemmAvailable() ? 'wasm' : 'js';
  return selected;
}

/**
 * The kernel matrix products use in this thread: `'wasm'` (WebAssembly SIMD, chosen automatically
 * where `WebAssembly` exists and validates a SIMD module) or `'js'` (the TypeScript kernel).
 *
 * @example
 * import { matmulBackend } from '@backprop/core';
 * console.log(matmulBackend()); // 'wasm' in Node 20 and current browsers
 */
export function matmulBackend(): MatmulBackend {
  return backend();
}

/**
 * Chooses the matmul kernel for this thread (each worker thread chooses its own): `'js'` forces the
 * TypeScript kernel, `'wasm'` the WebAssembly SIMD one (an error where it is unavailable). The two
 * agree within float32 rounding: the WebAssembly kernel sums in float32, the TypeScript one in float64.
 *
 * @example
 * import { setMatmulBackend } from '@backprop/core';
 * setMatmulBackend('js'); // e.g. to compare both, or to rule the WebAssembly kernel out
 */
export function setMatmulBackend(choice: MatmulBackend): void {
  if (choice !== 'wasm' && choice !== 'js') {
    throw new TypeError(`setMatmulBackend: expected 'wasm' or 'js', got ${String(choice)}`);
  }
  if (choice === 'wasm' && !wasmSgemmAvailable()) {
    throw new Error(
      "setMatmulBackend: 'wasm' is unavailable here (no WebAssembly, or no SIMD support); use 'js'",
    );
  }
  selected = choice;
}

const PLAIN: SgemmLayout = { transposeA: false, transposeB: false };
const TRANSPOSED_A: SgemmLayout = { transposeA: true, transposeB: false };
const TRANSPOSED_B: SgemmLayout = { transposeA: false, transposeB: true };

/**
 * out[m×n] = a[m×k] @ b[k×n], all row-major Float32Array, each from its offset (so batched callers
 * walk one buffer without `subarray`). Overwrites out[outOffset, outOffset + m·n), which must not
 * overlap a or b; k = 0 gives zeros. Runs on the backend of `matmulBackend()`.
 *
 * @example
 * const out = new Float32Array(4);
 * matmulInto(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), out, 2, 2, 2); // out = [19, 22, 43, 50]
 */
export function matmulInto(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  aOffset = 0,
  bOffset = 0,
  outOffset = 0,
): void {
  checkMatmulArguments('matmulInto', a, b, out, m, k, n, aOffset, bOffset, outOffset);
  if (backend() === 'wasm' && wasmSgemmFits(m, k, n)) sgemmWasm(a, b, out, m, k, n, aOffset, bOffset, outOffset, PLAIN);
  else matmulJsInto(a, b, out, m, k, n, aOffset, bOffset, outOffset);
}

/**
 * out[m×n] = aᵀ @ b where a is stored k×m and b is k×n — e.g. a weight gradient Xᵀ·G without
 * materializing Xᵀ. Offsets and overwriting as in `matmulInto`.
 *
 * @example
 * const out = new Float32Array(4);
 * matmulTransposeAInto(Float32Array.of(1, 3, 2, 4), Float32Array.of(5, 6, 7, 8), out, 2, 2, 2); // [19, 22, 43, 50]
 */
export function matmulTransposeAInto(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  aOffset = 0,
  bOffset = 0,
  outOffset = 0,
): void {
  checkMatmulArguments('matmulTransposeAInto', a, b, out, m, k, n, aOffset, bOffset, outOffset);
  if (backend() === 'wasm' && wasmSgemmFits(m, k, n)) sgemmWasm(a, b, out, m, k, n, aOffset, bOffset, outOffset, TRANSPOSED_A);
  else matmulTransposeAJsInto(a, b, out, m, k, n, aOffset, bOffset, outOffset);
}

/**
 * out[m×n] = a @ bᵀ where a is m×k and b is stored n×k — e.g. an input gradient G·Wᵀ without
 * materializing Wᵀ. Offsets and overwriting as in `matmulInto`.
 *
 * @example
 * const out = new Float32Array(4);
 * matmulTransposeBInto(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 7, 6, 8), out, 2, 2, 2); // [19, 22, 43, 50]
 */
export function matmulTransposeBInto(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  aOffset = 0,
  bOffset = 0,
  outOffset = 0,
): void {
  checkMatmulArguments('matmulTransposeBInto', a, b, out, m, k, n, aOffset, bOffset, outOffset);
  if (backend() === 'wasm' && wasmSgemmFits(m, k, n)) sgemmWasm(a, b, out, m, k, n, aOffset, bOffset, outOffset, TRANSPOSED_B);
  else matmulTransposeBJsInto(a, b, out, m, k, n, aOffset, bOffset, outOffset);
}
