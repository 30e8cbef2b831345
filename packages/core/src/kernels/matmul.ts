// The TypeScript float32 matrix multiply (packed, cache-tiled, register-blocked), its transposed
// variants and transpose: the fallback where WebAssembly SIMD is missing and the reference the
// WebAssembly kernel is tested against (matmul-backend.ts chooses). Imports only kernels/.
import { checkMatmulArguments, requireSize, requireSpan } from './matmul-arguments.js';

// NOTE(tiling): the GotoBLAS/BLIS loop nest, sized for what V8 makes of scalar float64 code.
// - Register block: a 2×3 block of C lives in six local variables for the whole k loop; each k
//   step loads 2 values of A and 3 of B for 6 multiply-adds. Larger blocks (4×4, 3×3, 2×4) do more
//   work per load but need more than the 15 usable xmm registers, and V8 then spills accumulators:
//   each k step reloads, adds and stores them, a chain through memory that caps the loop at about
//   one step per 10 cycles. 2×3 is the largest block that stays spill-free (docs/performance.md).
// - Packing: a KC×NC block of B and an MC×KC block of A are copied into contiguous float64
//   micro-panels, padded to whole register blocks, so the kernel reads with unit stride, does no
//   float32 → float64 conversion and has no edge cases inside its loop. A B micro-panel
//   (KC·NR·8 B = 6 KiB) stays in L1 while it meets every A micro-panel of the A block
//   (MC·KC·8 B = 128 KiB, in L2); the B block (KC·NC·8 B = 768 KiB) sits in L2/L3.
// - k-blocking: for k > KC the products of each further k block are added onto `out`, so the
//   result is rounded to float32 once per KC terms; within a block the sum is float64.
// Packing costs O(m·k + k·n) per block against O(m·k·n) arithmetic: a few percent from 128³ up.

// NOTE(scratch-array): the packed panels live in one plain JS array of doubles, not a Float64Array.
// V8 stores it unboxed (PACKED_DOUBLE_ELEMENTS), so a load is the same 8-byte read plus an index
// check. The reason is detached ArrayBuffers: once anything in the process has detached one
// (postMessage or structuredClone with a transfer list, WebAssembly memory growth, even tsx loading
// a CommonJS package), V8 adds a "was this buffer detached?" test to every typed-array load it
// would otherwise trust, and a plain array keeps its rate after a detach where a Float64Array
// loses about a third of it (docs/performance.md). A single array for both panels means one map
// check per k step instead of two. It is a fixed-size module-level
// scratch (~0.9 MiB) because the block sizes, not the matrix sizes, bound it.

// NOTE(no-deopt): every call runs the same operations whatever the shape; only trip counts differ.
// Edge panels are padded by repeating the last row or column (the padded results are computed and
// dropped), and the block is stored through one clipped loop. An `if (edge)` path instead would
// first run after V8 had optimized for whole blocks and deoptimize the kernel; on Node 20 such a
// deopt racing an on-stack replacement compile sometimes left the kernel unoptimized for the
// rest of the process, ten times slower (docs/performance.md).

const MR = 2; // rows of the register block (microKernel is written out for 2×3)
const NR = 3; // columns of the register block
const KC = 256; // depth of one packed block
const MC = 64; // rows of A packed at once (a multiple of MR)
const NC = 384; // columns of B packed at once (a multiple of NR)

/** Packed A block in [0, B_START), packed B block in [B_START, B_START + KC·NC); see NOTE(scratch-array). */
const B_START = MC * KC;
const packed = doubleArray(B_START + KC * NC);
/** The finished register block, on its way to `out` (clipped where it overhangs the edge). */
const block = doubleArray(MR * NR);

/**
 * out[m×n] = a[m×k] @ b[k×n] in TypeScript, all row-major, contiguous Float32Array. Overwrites out.
 * Callers normally use `matmulInto` (matmul-backend.ts), which runs the WebAssembly kernel when it can.
 *
 * Each matrix starts at its offset, so batched callers can walk one large buffer without
 * `subarray`. `out` must not overlap `a` or `b`. Sums in float64 (rounded to float32 once per 256
 * terms); k = 0 gives zeros.
 *
 * @example
 * const a = Float32Array.of(1, 2, 3, 4); // [[1, 2], [3, 4]]
 * const b = Float32Array.of(5, 6, 7, 8); // [[5, 6], [7, 8]]
 * const out = new Float32Array(4);
 * matmulJsInto(a, b, out, 2, 2, 2); // out = [19, 22, 43, 50]
 */
export function matmulJsInto(
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
  checkMatmulArguments('matmulJsInto', a, b, out, m, k, n, aOffset, bOffset, outOffset);
  if (m === 0 || n === 0) return;
  out.fill(0, outOffset, outOffset + m * n);
  for (let col0 = 0; col0 < n; col0 += NC) {
    const cols = Math.min(NC, n - col0);
    for (let depth0 = 0; depth0 < k; depth0 += KC) {
      const depth = Math.min(KC, k - depth0);
      packB(b, bOffset + depth0 * n + col0, n, depth, cols);
      for (let row0 = 0; row0 < m; row0 += MC) {
        const rows = Math.min(MC, m - row0);
        packA(a, aOffset + row0 * k + depth0, k, rows, depth);
        // Each B micro-panel meets every A micro-panel while it is hot in L1.
        for (let j = 0; j < cols; j += NR) {
          const outCol = outOffset + col0 + j;
          const blockCols = Math.min(NR, cols - j);
          for (let i = 0; i < rows; i += MR) {
            const outStart = outCol + (row0 + i) * n;
            microKernel(i * depth, j * depth, depth, out, outStart, n, Math.min(MR, rows - i), blockCols);
          }
        }
      }
    }
  }
}

/**
 * out[m×n] = aᵀ @ b in TypeScript, where a is stored k×m and b is k×n (row-major, from the offsets):
 * a transpose into a scratch buffer, then `matmulJsInto`.
 *
 * @example
 * const out = new Float32Array(4);
 * matmulTransposeAJsInto(Float32Array.of(1, 3, 2, 4), Float32Array.of(5, 6, 7, 8), out, 2, 2, 2); // [19, 22, 43, 50]
 */
export function matmulTransposeAJsInto(
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
  checkMatmulArguments('matmulTransposeAJsInto', a, b, out, m, k, n, aOffset, bOffset, outOffset);
  const transposedA = new Float32Array(m * k);
  transposeInto(a, transposedA, k, m, aOffset);
  matmulJsInto(transposedA, b, out, m, k, n, 0, bOffset, outOffset);
}

/**
 * out[m×n] = a @ bᵀ in TypeScript, where a is m×k and b is stored n×k (row-major, from the offsets):
 * a transpose into a scratch buffer, then `matmulJsInto`.
 *
 * @example
 * const out = new Float32Array(4);
 * matmulTransposeBJsInto(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 7, 6, 8), out, 2, 2, 2); // [19, 22, 43, 50]
 */
export function matmulTransposeBJsInto(
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
  checkMatmulArguments('matmulTransposeBJsInto', a, b, out, m, k, n, aOffset, bOffset, outOffset);
  const transposedB = new Float32Array(k * n);
  transposeInto(b, transposedB, n, k, bOffset);
  matmulJsInto(a, transposedB, out, m, k, n, aOffset, 0, outOffset);
}

/**
 * dst[cols×rows] = srcᵀ for a row-major src[rows×cols]. `dst` must not overlap `src`.
 *
 * @example
 * const dst = new Float32Array(6);
 * transposeInto(Float32Array.of(1, 2, 3, 4, 5, 6), dst, 2, 3); // dst = [1, 4, 2, 5, 3, 6]
 */
export function transposeInto(
  src: Float32Array,
  dst: Float32Array,
  rows: number,
  cols: number,
  srcOffset = 0,
  dstOffset = 0,
): void {
  const op = 'transposeInto';
  requireSize(op, 'rows', rows);
  requireSize(op, 'cols', cols);
  requireSpan(op, 'src', src, srcOffset, rows * cols, `rows·cols = ${rows}·${cols}`);
  requireSpan(op, 'dst', dst, dstOffset, rows * cols, `rows·cols = ${rows}·${cols}`);
  // Square tiles keep both the source rows read and the destination rows written in cache.
  const TILE = 32;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const from = srcOffset + r * cols;
        for (let c = c0; c < c1; c++) dst[dstOffset + c * rows + r] = src[from + c];
      }
    }
  }
}

/**
 * Copies b[depth×cols] (row stride `stride`) into the packed B block as depth×NR micro-panels.
 * A last, narrower panel repeats its last column into the missing ones (see NOTE(no-deopt)).
 */
function packB(b: Float32Array, start: number, stride: number, depth: number, cols: number): void {
  let t = B_START;
  for (let j = 0; j < cols; j += NR) {
    const col1 = Math.min(j + 1, cols - 1);
    const col2 = Math.min(j + 2, cols - 1);
    for (let p = 0; p < depth; p++) {
      const row = start + p * stride;
      packed[t] = b[row + j];
      packed[t + 1] = b[row + col1];
      packed[t + 2] = b[row + col2];
      t += NR;
    }
  }
}

/**
 * Copies a[rows×depth] (row stride `stride`) into the packed A block as MR×depth micro-panels.
 * A last panel with one row repeats it as the second (see NOTE(no-deopt)).
 */
function packA(a: Float32Array, start: number, stride: number, rows: number, depth: number): void {
  let t = 0;
  for (let i = 0; i < rows; i += MR) {
    const top = start + i * stride;
    const second = top + (i + 1 < rows ? stride : 0);
    for (let p = 0; p < depth; p++) {
      packed[t] = a[top + p];
      packed[t + 1] = a[second + p];
      t += MR;
    }
  }
}

/**
 * Adds (MR×depth A micro-panel at aStart) @ (depth×NR B micro-panel at bStart), both offsets
 * within their packed blocks, onto out at outStart (row stride `stride`), writing only the
 * top-left rows×cols of the register block.
 */
function microKernel(
  aStart: number,
  bStart: number,
  depth: number,
  out: Float32Array,
  outStart: number,
  stride: number,
  rows: number,
  cols: number,
): void {
  // NOTE(index-ranges): these clamps never change a value (callers stay inside the blocks), but
  // they tell V8 that every index below stays far inside the int32 range, so it drops the overflow
  // check on each index computation. Deriving the indices from `p`, rather than bumping two
  // cursors, keeps them in that known range. Together ~1.1–1.25× on this loop.
  const aBase = Math.min(aStart | 0, B_START);
  const bBase = B_START + Math.min(bStart | 0, KC * NC);
  const steps = Math.min(depth | 0, KC);
  let c00 = 0,
    c01 = 0,
    c02 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0;
  for (let p = 0; p < steps; p++) {
    const ai = aBase + 2 * p;
    const bi = bBase + 3 * p;
    const b0 = packed[bi],
      b1 = packed[bi + 1],
      b2 = packed[bi + 2];
    const a0 = packed[ai];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    const a1 = packed[ai + 1];
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
  }
  block[0] = c00;
  block[1] = c01;
  block[2] = c02;
  block[3] = c10;
  block[4] = c11;
  block[5] = c12;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[outStart + r * stride + c] += block[r * NR + c];
  }
}

/** A plain array that V8 keeps as unboxed doubles: filled with NaN (a double), never with 0 (a small int). */
function doubleArray(length: number): number[] {
  return Array.from({ length }, () => Number.NaN);
}
