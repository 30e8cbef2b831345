// Bit-for-bit comparison of float32 arrays for the tests of kernels that promise the TypeScript
// kernel's exact bits; no vitest import.

/**
 * The first index where `actual` and `expected` differ in their bits (a NaN matches any NaN: the
 * payload is the one thing neither JavaScript nor WebAssembly pins down), or -1 when none does.
 *
 * @example
 * expect(firstBitDifference(wasm, js)).toBe(-1);
 */
export function firstBitDifference(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) return i;
  }
  return -1;
}

/** Special float32 values to mix into test data: ±0, ±∞, NaN, subnormals, the extremes. */
export const SPECIAL_FLOATS = [
  0,
  -0,
  Infinity,
  -Infinity,
  NaN,
  1e-45,
  -1e-45,
  1.1754942e-38,
  3.4028235e38,
  -3.4028235e38,
  1e-40,
] as const;

/** Writes SPECIAL_FLOATS over `values` at every `every`-th index from `first`. */
export function sprinkleSpecials(values: Float32Array, first: number, every: number): Float32Array {
  for (let i = first, k = 0; i < values.length; i += every, k++) values[i] = SPECIAL_FLOATS[k % SPECIAL_FLOATS.length]!;
  return values;
}
