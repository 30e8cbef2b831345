// Single-threaded float32 matrix multiply (cache-tiled, packed, register-blocked) and transpose.
// Imports nothing outside kernels/.

// NOTE(tiling): GotoBLAS/BLIS layout, sized for what V8 can do with scalar float64 arithmetic.
// - Micro-kernel: a MR×NR = 4×4 block of C lives in 16 local variables for the whole k loop, so
//   each step loads 4 values of A and 4 of B (8 loads) for 16 multiply-adds; every load of a
//   typed array costs V8 an index check, so the ratio of arithmetic to loads is what sets speed.
//   4×4 measured best: larger blocks spill accumulators to the stack, smaller ones load more.
// - Packing: a KC×NC block of B and an MC×KC block of A are copied into contiguous float64
//   micro-panels (zero-padded to whole MR/NR) so the kernel reads both with unit stride, never
//   converts float32 → float64 inside the loop, and needs no edge cases. A B micro-panel
//   (KC·NR·8 B = 8 KiB) stays in L1 while it meets every A micro-panel; the A block
//   (MC·KC·8 B = 128 KiB) stays in L2; the B block (KC·NC·8 B = 1 MiB) in L2/L3.
// - k-blocking: for k > KC the products of later k blocks are added onto `out`, so the result is
//   rounded to float32 once per KC terms; within a block the sum is exact float64 accumulation.

// NOTE(constant-scratch): the packing buffers are fixed-size module-level `const`s that the
// micro-kernel reads directly, not through parameters. V8 then treats them as constants and folds
// their address and length into the machine code, which drops a map check and three field loads
// per array per k step (measured on V8 11 / Node 20: ~2.8 → ~4 GFLOP/s for the same kernel).
// A buffer that grows would have to be a `let` and lose this, so the block sizes bound them.

const MR = 4; // rows of the register block (keep in step with microKernel)
const NR = 4; // columns of the register block (keep in step with microKernel)
const KC = 256; // depth of one packed block
const MC = 64; // rows of A packed at once (multiple of MR)
const NC = 512; // columns of B packed at once (multiple of NR)

const packedA = new Float64Array(MC * KC);
const packedB = new Float64Array(KC * NC);
/** Receives a register block when it overhangs the edge of `out`. */
const edgeBlock = new Float64Array(MR * NR);

/**
 * out[m×n] = a[m×k] @ b[k×n], all row-major, contiguous Float32Array. Overwrites out.
 *
 * Each matrix starts at its offset, so batched callers can walk one large buffer without
 * `subarray`. `out` must not overlap `a` or `b`. Accumulates in float64; k = 0 gives zeros.
 *
 * @example
 * const a = Float32Array.of(1, 2, 3, 4); // [[1, 2], [3, 4]]
 * const b = Float32Array.of(5, 6, 7, 8); // [[5, 6], [7, 8]]
 * const out = new Float32Array(4);
 * matmulInto(a, b, out, 2, 2, 2); // out = [19, 22, 43, 50]
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
  requireSize('m', m);
  requireSize('k', k);
  requireSize('n', n);
  requireRange('a', a, aOffset, m * k, `m·k = ${m}·${k}`);
  requireRange('b', b, bOffset, k * n, `k·n = ${k}·${n}`);
  requireRange('out', out, outOffset, m * n, `m·n = ${m}·${n}`);
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
          for (let i = 0; i < rows; i += MR) {
            microKernel(
              i * depth,
              j * depth,
              depth,
              out,
              outOffset + (row0 + i) * n + col0 + j,
              n,
              Math.min(MR, rows - i),
              Math.min(NR, cols - j),
            );
          }
        }
      }
    }
  }
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
  requireSize('rows', rows, 'transposeInto');
  requireSize('cols', cols, 'transposeInto');
  requireRange('src', src, srcOffset, rows * cols, `rows·cols = ${rows}·${cols}`, 'transposeInto');
  requireRange('dst', dst, dstOffset, rows * cols, `rows·cols = ${rows}·${cols}`, 'transposeInto');
  // Square tiles keep both the rows read and the rows written within a few cache lines.
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

/** Copies b[depth×cols] (row stride `stride`) into packedB as NR-wide, depth-long micro-panels. */
function packB(b: Float32Array, start: number, stride: number, depth: number, cols: number): void {
  let t = 0;
  for (let j = 0; j < cols; j += NR) {
    const width = Math.min(NR, cols - j);
    for (let p = 0; p < depth; p++) {
      const from = start + p * stride + j;
      if (width === NR) {
        packedB[t] = b[from];
        packedB[t + 1] = b[from + 1];
        packedB[t + 2] = b[from + 2];
        packedB[t + 3] = b[from + 3];
      } else {
        for (let c = 0; c < NR; c++) packedB[t + c] = c < width ? b[from + c] : 0;
      }
      t += NR;
    }
  }
}

/** Copies a[rows×depth] (row stride `stride`) into packedA as MR-tall, depth-long micro-panels. */
function packA(a: Float32Array, start: number, stride: number, rows: number, depth: number): void {
  let t = 0;
  for (let i = 0; i < rows; i += MR) {
    const height = Math.min(MR, rows - i);
    const row = start + i * stride;
    if (height === MR) {
      for (let p = 0; p < depth; p++) {
        packedA[t] = a[row + p];
        packedA[t + 1] = a[row + stride + p];
        packedA[t + 2] = a[row + 2 * stride + p];
        packedA[t + 3] = a[row + 3 * stride + p];
        t += MR;
      }
    } else {
      for (let p = 0; p < depth; p++) {
        for (let r = 0; r < MR; r++) packedA[t + r] = r < height ? a[row + r * stride + p] : 0;
        t += MR;
      }
    }
  }
}

/**
 * Adds packedA[aStart…] (MR×depth) @ packedB[bStart…] (depth×NR) onto out at `outStart` (row
 * stride `stride`), writing only the top-left rows×cols of the block.
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
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let ai = aStart;
  let bi = bStart;
  for (let p = 0; p < depth; p++) {
    const b0 = packedB[bi], b1 = packedB[bi + 1], b2 = packedB[bi + 2], b3 = packedB[bi + 3];
    let av = packedA[ai];
    c00 += av * b0; c01 += av * b1; c02 += av * b2; c03 += av * b3;
    av = packedA[ai + 1];
    c10 += av * b0; c11 += av * b1; c12 += av * b2; c13 += av * b3;
    av = packedA[ai + 2];
    c20 += av * b0; c21 += av * b1; c22 += av * b2; c23 += av * b3;
    av = packedA[ai + 3];
    c30 += av * b0; c31 += av * b1; c32 += av * b2; c33 += av * b3;
    ai += MR;
    bi += NR;
  }
  if (rows === MR && cols === NR) {
    let o = outStart;
    out[o] += c00; out[o + 1] += c01; out[o + 2] += c02; out[o + 3] += c03;
    o += stride;
    out[o] += c10; out[o + 1] += c11; out[o + 2] += c12; out[o + 3] += c13;
    o += stride;
    out[o] += c20; out[o + 1] += c21; out[o + 2] += c22; out[o + 3] += c23;
    o += stride;
    out[o] += c30; out[o + 1] += c31; out[o + 2] += c32; out[o + 3] += c33;
    return;
  }
  edgeBlock[0] = c00; edgeBlock[1] = c01; edgeBlock[2] = c02; edgeBlock[3] = c03;
  edgeBlock[4] = c10; edgeBlock[5] = c11; edgeBlock[6] = c12; edgeBlock[7] = c13;
  edgeBlock[8] = c20; edgeBlock[9] = c21; edgeBlock[10] = c22; edgeBlock[11] = c23;
  edgeBlock[12] = c30; edgeBlock[13] = c31; edgeBlock[14] = c32; edgeBlock[15] = c33;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[outStart + r * stride + c] += edgeBlock[r * NR + c];
  }
}

function requireSize(name: string, value: number, op = 'matmulInto'): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${value}`);
  }
}

function requireRange(
  name: string,
  array: Float32Array,
  offset: number,
  count: number,
  what: string,
  op = 'matmulInto',
): void {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`${op}: ${name} offset must be a non-negative integer, got ${offset}`);
  }
  if (offset + count > array.length) {
    throw new RangeError(
      `${op}: ${name} needs ${what} = ${count} elements from offset ${offset}, ` +
        `but has only ${array.length - offset} (length ${array.length}); pass a larger array or smaller sizes`,
    );
  }
}
