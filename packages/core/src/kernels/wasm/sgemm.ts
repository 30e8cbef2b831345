// Float32 matrix multiply on the WebAssembly SIMD module of sgemm-module.ts: the cache blocking over
// operands in the runtime's memory (strided, or gathered through offset tables), and `sgemmWasm`,
// which copies JS operands in and the product out. Imports kernels/wasm/ only.
import {
  alignmentOf,
  HEAP_LIMIT_BYTES,
  HeapPlan,
  reserveHeap,
  roundUp,
  wasmRuntime,
  type WasmRuntime,
} from './runtime.js';
import { MR, NR } from './sgemm-module.js';

// NOTE(blocking): the BLIS loop nest around the 4×8 micro-kernel. A KC×NC block of B is packed
// into KC×8 panels (one panel, 8 KiB, stays in L1 while it meets every A panel), an MC×KC block of
// A into KC×4 panels (120 KiB, in L2), and the B block (up to 2 MiB) sits in L3. For k > KC the
// products of each further depth block are added onto C, so each element is a float32 sum rounded
// in the order p = 0, 1, …, k−1 within a block: the same bits for the same inputs on every run.
// The first depth block stores its products into C and later ones add onto them, so C is never
// zeroed first: for small k (LeNet's input gradient has k = 16) a zeroing pass over C costs about as
// much as the copy out (docs/performance.md).
// Each dimension is cut into near-equal blocks of at most KC, MC, NC (`evenBlock`), so no block is
// a thin remainder.
const KC = 256;
const MC = 120; // a multiple of MR
const NC = 2048; // a multiple of NR

/**
 * The block length that cuts `length` into ⌈length/limit⌉ near-equal blocks, rounded up to a
 * multiple of `multiple` (≤ limit when limit is a multiple of it). E.g. k = 784 with KC = 256 gives
 * four 196-deep blocks instead of 256, 256, 256 and a 16-deep one, whose C updates would cost more
 * than its 16 multiply-adds per element.
 */
function evenBlock(length: number, limit: number, multiple: number): number {
  return roundUp(Math.ceil(length / Math.ceil(length / limit)), multiple);
}
// NOTE(padding): C lives in the memory with ⌈m/4⌉·4 rows and a row stride of ⌈n/8⌉·8 floats, so
// edge blocks write whole 4×8 tiles; the extra rows and columns are never read (sgemmWasm moves the
// rows together, copyWithin, a memmove, before its one copy out).

/**
 * How the blocked product reads op(A) (rows = m, depth = k) or op(B) (rows = the n columns,
 * depth = k) in the memory, all in bytes: element (i, p) at `offset + i·rowStride + p·depthStride`,
 * or at `base + rowTable[i] + depthTable[p]` with two i32 tables (NOTE(gather-pack)).
 */
export type HeapOperand =
  | { readonly offset: number; readonly rowStride: number; readonly depthStride: number }
  | { readonly base: number; readonly rowTable: number; readonly depthTable: number };

/** Where a product's packed blocks and C go (byte offsets), and C's row stride in floats. */
export interface SgemmScratch {
  readonly aPack: number;
  readonly bPack: number;
  readonly c: number;
  readonly ldc: number;
}

/**
 * Reserves the packed blocks and the padded C of an m×·×n product in `plan`; C starts
 * `cAlignment` bytes past a 64-byte boundary (NOTE(copy-alignment) in runtime.ts).
 */
export function planSgemm(plan: HeapPlan, m: number, n: number, cAlignment = 0): SgemmScratch {
  const ldc = roundUp(n, NR);
  return {
    aPack: plan.floats(MC * KC),
    bPack: plan.floats(KC * roundUp(Math.min(n, NC), NR)),
    c: plan.floats(roundUp(m, MR) * ldc, cAlignment),
    ldc,
  };
}

function pack(
  rt: WasmRuntime,
  which: 'A' | 'B',
  x: HeapOperand,
  row0: number,
  depth0: number,
  rows: number,
  depth: number,
  dst: number,
): void {
  if ('rowTable' in x) {
    const gather = which === 'A' ? rt.sgemm.packGatherA : rt.sgemm.packGatherB;
    gather(x.base, x.rowTable + row0 * 4, x.depthTable + depth0 * 4, rows, depth, dst);
  } else {
    const strided = which === 'A' ? rt.sgemm.packA : rt.sgemm.packB;
    strided(x.offset + row0 * x.rowStride + depth0 * x.depthStride, x.rowStride, x.depthStride, rows, depth, dst);
  }
}

/**
 * C[m×n] = op(A) · op(B) on operands already in the memory (NOTE(blocking)); C is left at
 * `scratch.c` with row stride `scratch.ldc` floats (NOTE(padding)). Requires m, k, n ≥ 1 and the
 * heap reserved up to the plan's end.
 *
 * @example
 * const plan = new HeapPlan();
 * const a = plan.floats(m * k), b = plan.floats(k * n), scratch = planSgemm(plan, m, n);
 * if (!reserveHeap(rt, plan.end)) return false; // then write A and B at a and b
 * sgemmInHeap(rt, m, k, n, { offset: a, rowStride: 4 * k, depthStride: 4 }, { offset: b, rowStride: 4, depthStride: 4 * n }, scratch);
 */
export function sgemmInHeap(
  rt: WasmRuntime,
  m: number,
  k: number,
  n: number,
  a: HeapOperand,
  b: HeapOperand,
  scratch: SgemmScratch,
): void {
  const { aPack, bPack, c, ldc } = scratch;
  const blockCols = evenBlock(n, NC, NR);
  const blockDepth = evenBlock(k, KC, 1);
  const blockRows = evenBlock(m, MC, MR);
  for (let col0 = 0; col0 < n; col0 += blockCols) {
    const cols = Math.min(blockCols, n - col0);
    for (let depth0 = 0; depth0 < k; depth0 += blockDepth) {
      const depth = Math.min(blockDepth, k - depth0);
      pack(rt, 'B', b, col0, depth0, cols, depth, bPack);
      for (let row0 = 0; row0 < m; row0 += blockRows) {
        const rows = Math.min(blockRows, m - row0);
        pack(rt, 'A', a, row0, depth0, rows, depth, aPack);
        rt.sgemm.macroKernel(aPack, bPack, rows, cols, depth, c + (row0 * ldc + col0) * 4, ldc * 4, depth0 > 0 ? 1 : 0);
      }
    }
  }
}

/** Byte offsets modulo 8 of the operands' first values (NOTE(copy-alignment) in runtime.ts). */
interface OperandAlignments {
  a: number;
  b: number;
  out: number;
}

/** The most any alignment adds to a layout: what `wasmSgemmFits` assumes. */
const WORST_ALIGNMENTS: OperandAlignments = { a: 4, b: 4, out: 4 };

/** Byte offsets of each region for an m×k×n product from JS operands. */
function layout(m: number, k: number, n: number, alignments: OperandAlignments) {
  const plan = new HeapPlan();
  const scratch = planSgemm(plan, m, n, alignments.out);
  const a = plan.floats(m * k, alignments.a);
  const b = plan.floats(k * n, alignments.b);
  return { scratch, a, b, end: plan.end };
}

/**
 * Whether an m×k×n product fits the memory limit (1 GiB for A, B, C and the packed blocks).
 *
 * @example
 * wasmSgemmFits(1024, 1024, 1024); // true
 */
export function wasmSgemmFits(m: number, k: number, n: number): boolean {
  return layout(m, k, n, WORST_ALIGNMENTS).end <= HEAP_LIMIT_BYTES;
}

/** Which operands are stored transposed: A as k×m instead of m×k, B as n×k instead of k×n. */
export interface SgemmLayout {
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * out[m×n] = op(A) · op(B) with the WebAssembly kernel, op(A) = A (m×k) or Aᵀ (A stored k×m) and
 * op(B) = B (k×n) or Bᵀ (B stored n×k), all row-major from the given offsets. Overwrites
 * out[outOffset, outOffset + m·n). Arguments must already be checked (see matmul-arguments.ts) and
 * the product must fit (`wasmSgemmFits`); throws if WebAssembly SIMD is unavailable. Returns false,
 * touching nothing, when the memory cannot grow (the caller runs the TypeScript kernel).
 *
 * @example
 * const out = new Float32Array(4);
 * sgemmWasm(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), out, 2, 2, 2, 0, 0, 0,
 *   { transposeA: false, transposeB: false }); // out = [19, 22, 43, 50]
 */
export function sgemmWasm(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  aOffset: number,
  bOffset: number,
  outOffset: number,
  { transposeA, transposeB }: SgemmLayout,
): boolean {
  const rt = wasmRuntime();
  if (rt === null) throw new Error('sgemmWasm: WebAssembly SIMD is not available in this thread');
  if (m === 0 || n === 0) return true;
  if (k === 0) {
    out.fill(0, outOffset, outOffset + m * n);
    return true;
  }
  const regions = layout(m, k, n, {
    a: alignmentOf(a, aOffset),
    b: alignmentOf(b, bOffset),
    out: alignmentOf(out, outOffset),
  });
  if (regions.end > HEAP_LIMIT_BYTES) {
    throw new RangeError(
      `sgemmWasm: ${m}×${k}×${n} needs ${regions.end} bytes, over the ${HEAP_LIMIT_BYTES}-byte limit`,
    );
  }
  if (!reserveHeap(rt, regions.end)) return false;
  const { heap } = rt;
  heap.set(a.subarray(aOffset, aOffset + m * k), regions.a >> 2);
  heap.set(b.subarray(bOffset, bOffset + k * n), regions.b >> 2);
  // Byte strides of op(A)[i][p] (rows i, depth p) and op(B)[p][j] (depth p, columns j).
  const opA = { offset: regions.a, rowStride: transposeA ? 4 : k * 4, depthStride: transposeA ? m * 4 : 4 };
  const opB = { offset: regions.b, rowStride: transposeB ? k * 4 : 4, depthStride: transposeB ? 4 : n * 4 };
  sgemmInHeap(rt, m, k, n, opA, opB, regions.scratch);

  const { c, ldc } = regions.scratch;
  const c4 = c >> 2;
  if (ldc !== n) {
    for (let i = 1; i < m; i++) heap.copyWithin(c4 + i * n, c4 + i * ldc, c4 + i * ldc + n);
  }
  out.set(heap.subarray(c4, c4 + m * n), outOffset);
  return true;
}
