// Float32 matrix multiply on the WebAssembly SIMD module of sgemm-module.ts: compiles it once per
// thread on first use, copies operands into its memory, runs the cache blocking. Imports kernels/ only.
import { emitSgemmModule, MR, NR } from './sgemm-module.js';

// NOTE(blocking): the BLIS loop nest around the 4×8 micro-kernel. A KC×NC block of B is packed
// into KC×8 panels (one panel, 8 KiB, stays in L1 while it meets every A panel), an MC×KC block of
// A into KC×4 panels (120 KiB, in L2), and the B block (up to 2 MiB) sits in L3. For k > KC the
// products of each further depth block are added onto C, so each element is a float32 sum rounded
// in the order p = 0, 1, …, k−1 within a block: the same bits for the same inputs on every run.
// The first depth block stores its products into C and later ones add onto them, so C is never
// zeroed first: for small k (LeNet's input gradient has k = 16) a zeroing pass over C cost about as
// much as the copy out (LeNet training: 458 → 492 samples/s with the store, CPU time, same run).
// Each dimension is cut into near-equal blocks of at most KC, MC, NC (`evenBlock`), so no block is
// a thin remainder.
const KC = 256;
const MC = 120; // a multiple of MR
const NC = 2048; // a multiple of NR

// NOTE(wasm-memory): operands are copied into the module's memory (`Float32Array.set`, a memcpy:
// 1–5% of the call at 128×784×128 … 1024³ here, ≤ 3% in issue #7) and packed there by WebAssembly;
// packing from JS would be several times slower. Growing a non-shared WebAssembly.Memory detaches
// its old ArrayBuffer, and the first detach in a process makes V8 check "detached?" on typed-array
// loads everywhere (see NOTE(scratch-array) in ../matmul.ts). A shared memory grows in place and
// never detaches, so it is used wherever it can be created (Node; browsers only when cross-origin
// isolated); otherwise the memory grows geometrically, so a process detaches a handful of times at
// most. Measured (matmulJsInto 256³, CPU time, two processes): fresh 3.16 / 3.21 GFLOP/s, after
// this module's shared memory grew 3.30 / 3.43, after a non-shared memory grew 3.03 / 2.83.
// The maximum bounds one call's operands; larger products use the TypeScript kernel.
const PAGE_BYTES = 65536;
const INITIAL_PAGES = 64; // 4 MiB: the MNIST MLP's matmuls fit without growing
const MAXIMUM_PAGES = 16384; // 1 GiB

interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

/** The part of the WebAssembly JS API used here (the core's tsconfig has no DOM lib). */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

type Pack = (src: number, rs: number, cs: number, count: number, depth: number, dst: number) => void;
type MacroKernel = (aPack: number, bPack: number, rows: number, cols: number, depth: number, c: number, ldc: number, accumulate: number) => void;

interface Sgemm {
  readonly memory: WasmMemory;
  readonly shared: boolean;
  readonly packA: Pack;
  readonly packB: Pack;
  readonly macroKernel: MacroKernel;
  /** A view of the whole memory; re-created after every growth. */
  heap: Float32Array;
}

/** undefined: not tried yet; null: WebAssembly SIMD is unavailable in this thread. */
let instance: Sgemm | null | undefined;

function instantiate(shared: boolean): Sgemm | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const bytes = emitSgemmModule({ initialPages: INITIAL_PAGES, maximumPages: MAXIMUM_PAGES, shared });
    // validate() is false when the engine lacks SIMD (or, for a shared memory, threads).
    if (!api.validate(bytes)) return null;
    const memory = new api.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared });
    const { exports } = new api.Instance(new api.Module(bytes), { env: { memory } });
    return {
      memory,
      shared,
      packA: exports.packA as Pack,
      packB: exports.packB as Pack,
      macroKernel: exports.macroKernel as MacroKernel,
      heap: new Float32Array(memory.buffer),
    };
  } catch {
    return null; // e.g. a shared memory outside a cross-origin isolated page
  }
}

function sgemm(): Sgemm | null {
  if (instance === undefined) instance = instantiate(true) ?? instantiate(false);
  return instance;
}

/**
 * True when this thread can run the WebAssembly SIMD kernel (compiles it on the first call).
 *
 * @example
 * if (!wasmSgemmAvailable()) console.log('matmul uses the TypeScript kernel');
 */
export function wasmSgemmAvailable(): boolean {
  return sgemm() !== null;
}

/** Whether the module's memory is a shared one (which never detaches on growth); null if unavailable. */
export function wasmSgemmMemoryIsShared(): boolean | null {
  return sgemm()?.shared ?? null;
}

const roundUp = (value: number, multiple: number) => Math.ceil(value / multiple) * multiple;

/**
 * The block length that cuts `length` into ⌈length/limit⌉ near-equal blocks, rounded up to a
 * multiple of `multiple` (≤ limit when limit is a multiple of it). E.g. k = 784 with KC = 256 gives
 * four 196-deep blocks instead of 256, 256, 256 and a 16-deep one, whose C updates would cost more
 * than its 16 multiply-adds per element.
 */
function evenBlock(length: number, limit: number, multiple: number): number {
  return roundUp(Math.ceil(length / Math.ceil(length / limit)), multiple);
}
/** Regions start on 64-byte (cache line) boundaries. */
const align = (bytes: number) => roundUp(bytes, 64);

// NOTE(padding): C lives in the module's memory with ⌈m/4⌉·4 rows and a row stride of ⌈n/8⌉·8
// floats, so edge blocks write whole 4×8 tiles; the extra rows and columns are dropped when the
// rows are moved together (copyWithin, a memmove) before the one copy out.

/** Byte offsets of each region for an m×k×n product. */
function layout(m: number, k: number, n: number) {
  const ldc = roundUp(n, NR);
  const aPack = 0;
  const bPack = align(aPack + MC * KC * 4);
  const a = align(bPack + KC * roundUp(Math.min(n, NC), NR) * 4);
  const b = align(a + m * k * 4);
  const c = align(b + k * n * 4);
  const end = c + roundUp(m, MR) * ldc * 4;
  return { ldc, aPack, bPack, a, b, c, end };
}

/**
 * Whether an m×k×n product fits the module's memory limit (1 GiB for A, B, C and the packed blocks).
 *
 * @example
 * wasmSgemmFits(1024, 1024, 1024); // true
 */
export function wasmSgemmFits(m: number, k: number, n: number): boolean {
  return layout(m, k, n).end <= MAXIMUM_PAGES * PAGE_BYTES;
}

function ensureMemory(state: Sgemm, bytes: number): void {
  const have = state.memory.buffer.byteLength;
  if (bytes <= have) return;
  const wantPages = Math.min(MAXIMUM_PAGES, Math.max(Math.ceil(bytes / PAGE_BYTES), (2 * have) / PAGE_BYTES));
  state.memory.grow(wantPages - have / PAGE_BYTES);
  state.heap = new Float32Array(state.memory.buffer);
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
 * the product must fit (`wasmSgemmFits`); throws if WebAssembly SIMD is unavailable.
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
): void {
  const state = sgemm();
  if (state === null) throw new Error('sgemmWasm: WebAssembly SIMD is not available in this thread');
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, outOffset, outOffset + m * n);
    return;
  }
  const regions = layout(m, k, n);
  if (regions.end > MAXIMUM_PAGES * PAGE_BYTES) {
    throw new RangeError(`sgemmWasm: ${m}×${k}×${n} needs ${regions.end} bytes, over the ${MAXIMUM_PAGES * PAGE_BYTES}-byte limit`);
  }
  ensureMemory(state, regions.end);
  const { heap, packA, packB, macroKernel } = state;
  const { ldc, c } = regions;
  heap.set(a.subarray(aOffset, aOffset + m * k), regions.a >> 2);
  heap.set(b.subarray(bOffset, bOffset + k * n), regions.b >> 2);

  // Byte strides of op(A)[i][p] (rows i, depth p) and op(B)[p][j] (depth p, columns j).
  const aRow = transposeA ? 4 : k * 4;
  const aDepth = transposeA ? m * 4 : 4;
  const bDepth = transposeB ? 4 : n * 4;
  const bColumn = transposeB ? k * 4 : 4;
  const blockCols = evenBlock(n, NC, NR);
  const blockDepth = evenBlock(k, KC, 1);
  const blockRows = evenBlock(m, MC, MR);
  for (let col0 = 0; col0 < n; col0 += blockCols) {
    const cols = Math.min(blockCols, n - col0);
    for (let depth0 = 0; depth0 < k; depth0 += blockDepth) {
      const depth = Math.min(blockDepth, k - depth0);
      packB(regions.b + col0 * bColumn + depth0 * bDepth, bColumn, bDepth, cols, depth, regions.bPack);
      for (let row0 = 0; row0 < m; row0 += blockRows) {
        const rows = Math.min(blockRows, m - row0);
        packA(regions.a + row0 * aRow + depth0 * aDepth, aRow, aDepth, rows, depth, regions.aPack);
        macroKernel(regions.aPack, regions.bPack, rows, cols, depth, c + (row0 * ldc + col0) * 4, ldc * 4, depth0 > 0 ? 1 : 0);
      }
    }
  }

  const c4 = c >> 2;
  if (ldc !== n) {
    for (let i = 1; i < m; i++) heap.copyWithin(c4 + i * n, c4 + i * ldc, c4 + i * ldc + n);
  }
  out.set(heap.subarray(c4, c4 + m * n), outOffset);
}
