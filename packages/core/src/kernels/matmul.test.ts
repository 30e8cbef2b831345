import { describe, expect, it } from 'vitest';
import { matmulJsInto, transposeInto } from './matmul.js';
import { seededValues } from '../../test/seeded-values.js';

/**
 * Checks out[m×n] (at outOffset) against a float64 triple loop. The tolerance is relative to
 * Σ|a·b| for each element, the scale that rounding error grows with, so it holds under cancellation.
 */
function expectProduct(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  offsets = { a: 0, b: 0, out: 0 },
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let scale = 0;
      for (let p = 0; p < k; p++) {
        const term = a[offsets.a + i * k + p] * b[offsets.b + p * n + j];
        sum += term;
        scale += Math.abs(term);
      }
      const got = out[offsets.out + i * n + j];
      if (!(Math.abs(got - sum) <= 1e-5 * scale)) {
        expect.fail(`${m}×${k}×${n}: out[${i}, ${j}] = ${got}, expected ${sum} (scale ${scale})`);
      }
    }
  }
}

/** Sizes around the register block (2×3), the packed blocks (64 rows, 256 deep, 384 wide) and primes. */
const SHAPES: [m: number, k: number, n: number][] = [
  [1, 1, 1],
  [1, 5, 1],
  [2, 3, 3],
  [3, 5, 17],
  [5, 3, 1],
  [1, 17, 65],
  [17, 1, 5],
  [63, 65, 129],
  [65, 63, 64],
  [64, 64, 63],
  [129, 17, 3],
  [7, 257, 11],
  [66, 300, 385],
  [3, 600, 391],
  [131, 513, 2],
  [2, 784, 128],
  [3, 0, 5],
];

describe('matmulJsInto', () => {
  it.each(SHAPES)('matches a float64 triple loop for %i×%i×%i', (m, k, n) => {
    const a = seededValues(m * k, 1000 + m);
    const b = seededValues(k * n, 2000 + n);
    const out = new Float32Array(m * n).fill(Number.NaN);
    matmulJsInto(a, b, out, m, k, n);
    expectProduct(a, b, out, m, k, n);
  });

  it('gives the documented 2×2 example', () => {
    const out = new Float32Array(4);
    matmulJsInto(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), out, 2, 2, 2);
    expect(Array.from(out)).toEqual([19, 22, 43, 50]);
  });

  it('is exact on small integers, including the identity', () => {
    const m = 9,
      k = 9,
      n = 7;
    const identity = new Float32Array(m * k);
    for (let i = 0; i < m; i++) identity[i * k + i] = 1;
    const b = Float32Array.from({ length: k * n }, (_, i) => (i % 13) - 6);
    const out = new Float32Array(m * n);
    matmulJsInto(identity, b, out, m, k, n);
    expect(out).toEqual(b);
  });

  it('keeps a NaN or ∞ in the last row and column of the inputs to that row and column of out', () => {
    // Odd m and n make the last panels partial, so their padding copies these values.
    const m = 5,
      k = 4,
      n = 7;
    const a = seededValues(m * k, 15);
    const b = seededValues(k * n, 16);
    a[(m - 1) * k + 2] = Number.NaN;
    b[1 * n + (n - 1)] = Number.POSITIVE_INFINITY;
    const out = new Float32Array(m * n);
    matmulJsInto(a, b, out, m, k, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const value = out[i * n + j];
        if (i === m - 1) expect(value).toBeNaN();
        else if (j === n - 1) expect(Math.abs(value)).toBe(Number.POSITIVE_INFINITY);
        else expect(Number.isFinite(value)).toBe(true);
      }
    }
  });

  it('writes zeros when k = 0, whatever out held', () => {
    const out = new Float32Array(6).fill(7);
    matmulJsInto(new Float32Array(0), new Float32Array(0), out, 2, 0, 3);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('does nothing when m or n is 0', () => {
    const out = Float32Array.of(7, 7);
    matmulJsInto(new Float32Array(0), seededValues(12, 3), out, 0, 4, 3);
    matmulJsInto(seededValues(12, 4), new Float32Array(0), out, 3, 4, 0);
    expect(Array.from(out)).toEqual([7, 7]);
  });

  it('reads and writes at offsets and leaves the rest of out alone', () => {
    const m = 5,
      k = 67,
      n = 7;
    const aOffset = 3,
      bOffset = 11,
      outOffset = 13;
    const a = seededValues(aOffset + m * k + 4, 5);
    const b = seededValues(bOffset + k * n + 2, 6);
    const out = new Float32Array(outOffset + m * n + 9).fill(42);
    matmulJsInto(a, b, out, m, k, n, aOffset, bOffset, outOffset);
    expectProduct(a, b, out, m, k, n, { a: aOffset, b: bOffset, out: outOffset });
    expect(Array.from(out.subarray(0, outOffset))).toEqual(new Array(outOffset).fill(42));
    expect(Array.from(out.subarray(outOffset + m * n))).toEqual(new Array(9).fill(42));
  });

  it('runs a batch over one buffer with offsets', () => {
    const batch = 3,
      m = 4,
      k = 70,
      n = 5;
    const a = seededValues(batch * m * k, 7);
    const b = seededValues(batch * k * n, 8);
    const out = new Float32Array(batch * m * n);
    for (let s = 0; s < batch; s++) matmulJsInto(a, b, out, m, k, n, s * m * k, s * k * n, s * m * n);
    for (let s = 0; s < batch; s++) {
      expectProduct(a, b, out, m, k, n, { a: s * m * k, b: s * k * n, out: s * m * n });
    }
  });

  it('gives the same answer whatever ran before it (no stale scratch)', () => {
    const a = seededValues(7 * 9, 9);
    const b = seededValues(9 * 4, 10);
    const first = new Float32Array(7 * 4);
    matmulJsInto(a, b, first, 7, 9, 4);
    matmulJsInto(seededValues(300 * 70, 11), seededValues(70 * 400, 12), new Float32Array(300 * 400), 300, 70, 400);
    const second = new Float32Array(7 * 4);
    matmulJsInto(a, b, second, 7, 9, 4);
    expect(second).toEqual(first);
  });

  it('names the operation, the sizes and the fix when an array is too short', () => {
    const out = new Float32Array(4);
    expect(() => matmulJsInto(new Float32Array(5), new Float32Array(6), out, 2, 3, 2)).toThrow(
      /matmulJsInto: a needs m·k = 2·3 = 6 elements from offset 0, but has 5/,
    );
    expect(() => matmulJsInto(new Float32Array(6), new Float32Array(6), out, 2, 3, 2, 0, 1)).toThrow(
      /matmulJsInto: b needs k·n = 3·2 = 6 elements from offset 1, but has 5/,
    );
    expect(() => matmulJsInto(new Float32Array(6), new Float32Array(6), out, 2, 3, 2, 0, 0, 1)).toThrow(
      /matmulJsInto: out needs m·n = 2·2 = 4 elements from offset 1/,
    );
  });

  it('rejects sizes and offsets that are not non-negative integers', () => {
    const x = new Float32Array(16);
    const out = new Float32Array(16);
    expect(() => matmulJsInto(x, x, out, -1, 2, 2)).toThrow(/matmulJsInto: m must be a non-negative integer, got -1/);
    expect(() => matmulJsInto(x, x, out, 2, 1.5, 2)).toThrow(/k must be a non-negative integer, got 1.5/);
    expect(() => matmulJsInto(x, x, out, 2, 2, 2, -1)).toThrow(/aOffset must be a non-negative integer/);
  });
});

describe('transposeInto', () => {
  it('gives the documented 2×3 example', () => {
    const dst = new Float32Array(6);
    transposeInto(Float32Array.of(1, 2, 3, 4, 5, 6), dst, 2, 3);
    expect(Array.from(dst)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it.each([
    [1, 1],
    [1, 7],
    [7, 1],
    [31, 33],
    [64, 65],
    [100, 37],
  ])('transposes %i×%i, at offsets, and twice gives back the source', (rows, cols) => {
    const srcOffset = 3,
      dstOffset = 5;
    const src = seededValues(srcOffset + rows * cols, rows * 100 + cols);
    const dst = new Float32Array(dstOffset + rows * cols + 2).fill(42);
    transposeInto(src, dst, rows, cols, srcOffset, dstOffset);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) expect(dst[dstOffset + c * rows + r]).toBe(src[srcOffset + r * cols + c]);
    }
    expect(Array.from(dst.subarray(0, dstOffset))).toEqual(new Array(dstOffset).fill(42));
    expect(Array.from(dst.subarray(dstOffset + rows * cols))).toEqual([42, 42]);
    const back = new Float32Array(rows * cols);
    transposeInto(dst, back, cols, rows, dstOffset);
    expect(back).toEqual(src.subarray(srcOffset));
  });

  it('feeds matmulJsInto to compute a·bᵀ', () => {
    const m = 6,
      k = 11,
      n = 5;
    const a = seededValues(m * k, 13);
    const bRows = seededValues(n * k, 14); // b[n×k]; we want a @ bᵀ
    const bT = new Float32Array(k * n);
    transposeInto(bRows, bT, n, k);
    const out = new Float32Array(m * n);
    matmulJsInto(a, bT, out, m, k, n);
    expectProduct(a, bT, out, m, k, n);
  });

  it('rejects a destination that is too short', () => {
    expect(() => transposeInto(new Float32Array(6), new Float32Array(5), 2, 3)).toThrow(
      /transposeInto: dst needs rows·cols = 2·3 = 6 elements from offset 0, but has 5/,
    );
  });
});
