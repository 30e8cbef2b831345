// The reduction of per-chunk gradients into their mean, in chunk order, rounding to float32 after
// every addition: the data-parallel trainer's reduction. Runs the WebAssembly SIMD kernel of
// wasm/chunk-sum.ts where this thread has it. Imports only kernels/.
import { wasmKernels } from './backend.js';
import { sumChunksWasm, wasmChunkSumFits } from './wasm/chunk-sum.js';

/** Where the chunks lie in `gradients`, what to divide by, and which values to reduce. */
export interface ChunkSumOptions {
  /** How many chunks (≥ 1); chunk c's value i is `gradients[c · stride + i]`. */
  chunks: number;
  /** Floats from one chunk's value i to the next chunk's. */
  stride: number;
  /** The sum is divided by this (a sample count: an integer below 2²⁴ is exact in float32). */
  divisor: number;
  /** The values [start, end) of a chunk to reduce. */
  start: number;
  end: number;
}

// NOTE(chunk-sum-bits): the WebAssembly kernel adds the chunks in the same order with f32x4.add, so
// each sum has the TypeScript loop's bits, and divides with f32x4.div: a float32 quotient of
// float32 operands rounded once, which equals the TypeScript loop's float64 quotient rounded to
// float32 on store, because 53 ≥ 2·24 + 2 makes double rounding innocuous for division (Figueroa,
// 1995). That needs the divisor itself in float32 unchanged; any other divisor takes the TypeScript
// loop. NaN payloads are the one thing neither language pins down; a NaN stays a NaN.
//
// NOTE(chunk-sum-speed): the operands are copied into the WebAssembly memory (one memcpy per chunk)
// and the result out; the loop then streams the chunks four values at a time, about five times
// as fast as the TypeScript loop. The copies have a fixed cost, which 16 values already pay back:
// hence MIN_WASM_VALUES (figures: docs/performance.md).
const MIN_WASM_VALUES = 16;

/**
 * reduced[i] = (Σ over chunks c = 0, 1, … in order of gradients[c · stride + i]) / divisor for i
 * in [start, end), rounding the running sum to float32 after every addition and the quotient once:
 * the same bits on both kernel backends, whichever range of i a call covers.
 *
 * @example
 * import { sumChunksInto } from '@backprop/core';
 * const gradients = Float32Array.of(1, 2, 3, 10, 20, 30); // two chunks of three values
 * const reduced = new Float32Array(3);
 * sumChunksInto(gradients, reduced, { chunks: 2, stride: 3, divisor: 2, start: 0, end: 3 });
 * // reduced = [5.5, 11, 16.5]
 */
export function sumChunksInto(gradients: Float32Array, reduced: Float32Array, options: ChunkSumOptions): void {
  const { chunks, stride, divisor, start, end } = options;
  checkOptions(gradients, reduced, options);
  const rt = wasmKernels();
  if (
    rt !== null &&
    end - start >= MIN_WASM_VALUES &&
    Math.fround(divisor) === divisor &&
    wasmChunkSumFits(chunks, end - start)
  ) {
    if (sumChunksWasm(rt, gradients, reduced, options)) return;
  }
  // One pass over i with the chunks inner, so each value of `reduced` is written once (three passes
  // — copy, add per chunk, divide — are slower: docs/performance.md).
  for (let i = start; i < end; i++) {
    let sum = gradients[i]!;
    for (let offset = i + stride, chunk = 1; chunk < chunks; chunk++, offset += stride)
      sum = Math.fround(sum + gradients[offset]!);
    reduced[i] = sum / divisor;
  }
}

function checkOptions(
  gradients: Float32Array,
  reduced: Float32Array,
  { chunks, stride, start, end }: ChunkSumOptions,
): void {
  const describe = () => `chunks ${chunks}, stride ${stride}, range [${start}, ${end})`;
  if (![chunks, stride, start, end].every(Number.isInteger) || chunks < 1 || start < 0 || end < start || end > stride) {
    throw new RangeError(
      `sumChunksInto: expected integers with chunks ≥ 1 and 0 ≤ start ≤ end ≤ stride; got ${describe()}`,
    );
  }
  if (end > 0 && (chunks - 1) * stride + end > gradients.length) {
    throw new RangeError(
      `sumChunksInto: ${describe()} reads up to index ${(chunks - 1) * stride + end - 1}, but gradients has ${gradients.length} values`,
    );
  }
  if (end > reduced.length)
    throw new RangeError(`sumChunksInto: range [${start}, ${end}) does not fit reduced (${reduced.length} values)`);
}
