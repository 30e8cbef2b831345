// Seeded matrix values for the kernel tests (matmul, convolution, ReLU, pooling); no vitest import.

/**
 * `length` deterministic values in [-1, 1) from mulberry32 — a tiny PRNG kept for the matmul
 * fixtures, so every run multiplies the same matrices.
 *
 * @example
 * const a = seededValues(128 * 784, 1);
 */
export function seededValues(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return values;
}
