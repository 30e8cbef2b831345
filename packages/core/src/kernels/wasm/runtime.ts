// The per-thread WebAssembly runtime: one linear memory that every kernel module imports, the
// compiled instances, views of the memory, and a planner for its regions. Imports kernels/wasm/ only.
import { adamFunctions, type AdamExports } from './adam-module.js';
import { chunkSumFunctions, type ChunkSumExports } from './chunk-sum-module.js';
import { convFunctions, type ConvExports } from './conv-module.js';
import { elementwiseFunctions, type ElementwiseExports } from './elementwise-module.js';
import { encodeModule } from './module-writer.js';
import { poolFunctions, type PoolExports } from './pool-module.js';
import { sgemmFunctions, type SgemmExports } from './sgemm-module.js';

// NOTE(wasm-memory): operands are copied into the modules' memory (`Float32Array.set`, a memcpy,
// a few percent of a matmul call) and packed there by WebAssembly; packing from JS would be several
// times slower. Growing a non-shared
// WebAssembly.Memory detaches its old ArrayBuffer, and the first detach in a process makes V8 check
// "detached?" on typed-array loads everywhere (see NOTE(scratch-array) in ../matmul.ts). A shared
// memory grows in place and never detaches, so it is used wherever it can be created (Node;
// browsers only when cross-origin isolated); otherwise the memory grows geometrically, so a process
// detaches a handful of times at most (figures: docs/performance.md). The maximum bounds one call's working set; larger calls use the
// TypeScript kernels. All modules share the one memory, so a convolution writes its patches where
// the sgemm packs them from (NOTE(implicit-im2col) in conv.ts).

// NOTE(copy-alignment): the memory is a SharedArrayBuffer in Node, and V8 copies into or out of one
// (`set`, `slice`, from a shared or a plain array) with relaxed-atomic 8-byte words only when source and target sit at the same
// byte offset modulo 8 — otherwise byte by byte (see NOTE(alignment) in packages/parallel). A range
// of a Float32Array at an odd index (a matmul operand at an odd offset, a shard of a flat parameter
// buffer) is 4 mod 8, so the regions it is copied to or from start at 4 mod 8 too (`alignmentOf`,
// `HeapPlan.floats`); the kernels' v128 loads and stores do not need alignment. A misaligned copy
// is several times slower than an aligned one (figures: docs/performance.md). The convolution keeps 64-byte regions (its group copies start at multiples of an image: 16 bytes in
// LeNet), and ReLU copies into byte 0 and out to a new array (both at 0 mod 8 for whole tensors).
export const PAGE_BYTES = 65536;
const INITIAL_PAGES = 64; // 4 MiB: the MNIST MLP's matmuls fit without growing
const MAXIMUM_PAGES = 16384; // 1 GiB
/** The most bytes one call may use in the memory. */
export const HEAP_LIMIT_BYTES = MAXIMUM_PAGES * PAGE_BYTES;

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

/** One thread's memory and the exports of every kernel module compiled against it. */
export interface WasmRuntime {
  readonly memory: WasmMemory;
  readonly shared: boolean;
  readonly sgemm: SgemmExports;
  readonly conv: ConvExports;
  readonly elementwise: ElementwiseExports;
  readonly pool: PoolExports;
  readonly chunkSum: ChunkSumExports;
  readonly adam: AdamExports;
  /** Views of the whole memory; re-created after every growth (`reserveHeap`). */
  heap: Float32Array;
  heapInt32: Int32Array;
}

/** undefined: not tried yet; null: WebAssembly SIMD is unavailable in this thread. */
let runtime: WasmRuntime | null | undefined;

function instantiate(shared: boolean): WasmRuntime | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const memoryImport = {
      module: 'env',
      name: 'memory',
      initialPages: INITIAL_PAGES,
      maximumPages: MAXIMUM_PAGES,
      shared,
    };
    const modules = [
      sgemmFunctions(),
      convFunctions(),
      elementwiseFunctions(),
      poolFunctions(),
      chunkSumFunctions(),
      adamFunctions(),
    ].map((functions) => encodeModule({ memory: memoryImport, functions }));
    // validate() is false when the engine lacks SIMD (or, for a shared memory, threads).
    if (!modules.every((bytes) => api.validate(bytes))) return null;
    const memory = new api.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared });
    const [sgemm, conv, elementwise, pool, chunkSum, adam] = modules.map(
      (bytes) => new api.Instance(new api.Module(bytes), { env: { memory } }).exports,
    );
    return {
      memory,
      shared,
      sgemm: sgemm as unknown as SgemmExports,
      conv: conv as unknown as ConvExports,
      elementwise: elementwise as unknown as ElementwiseExports,
      pool: pool as unknown as PoolExports,
      chunkSum: chunkSum as unknown as ChunkSumExports,
      adam: adam as unknown as AdamExports,
      heap: new Float32Array(memory.buffer),
      heapInt32: new Int32Array(memory.buffer),
    };
  } catch {
    return null; // e.g. a shared memory outside a cross-origin isolated page
  }
}

/**
 * This thread's runtime, compiled on first use; null where WebAssembly or its 128-bit SIMD is
 * missing.
 *
 * @example
 * const rt = wasmRuntime();
 * if (rt === null) console.log('the TypeScript kernels run here');
 */
export function wasmRuntime(): WasmRuntime | null {
  if (runtime === undefined) runtime = instantiate(true) ?? instantiate(false);
  return runtime;
}

/** Whether this thread's memory is a shared one (which never detaches on growth); null if unavailable. */
export function wasmMemoryIsShared(): boolean | null {
  return wasmRuntime()?.shared ?? null;
}

/**
 * Grows the memory to at least `bytes` (at least doubling, see NOTE(wasm-memory)) and refreshes
 * the views. Returns false, touching nothing, when the engine refuses to grow it (`memory.grow`
 * throws a RangeError when the system has no memory to give): the caller then runs its
 * TypeScript kernel. Callers check `bytes ≤ HEAP_LIMIT_BYTES` first.
 *
 * @example
 * if (!reserveHeap(rt, plan.end)) return false; // the TypeScript kernel runs instead
 */
export function reserveHeap(rt: WasmRuntime, bytes: number): boolean {
  const have = rt.memory.buffer.byteLength;
  if (bytes <= have) return true;
  const wantPages = Math.min(MAXIMUM_PAGES, Math.max(Math.ceil(bytes / PAGE_BYTES), (2 * have) / PAGE_BYTES));
  try {
    rt.memory.grow(wantPages - have / PAGE_BYTES);
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
  rt.heap = new Float32Array(rt.memory.buffer);
  rt.heapInt32 = new Int32Array(rt.memory.buffer);
  return true;
}

/**
 * The byte offset modulo 8 of `array[index]` in its buffer (0 or 4 for float32): where a region it
 * is copied to or from should start, modulo 8 (NOTE(copy-alignment)).
 *
 * @example
 * alignmentOf(new Float32Array(8), 1); // 4
 */
export function alignmentOf(array: Float32Array, index = 0): number {
  return (array.byteOffset + index * 4) % 8;
}

/**
 * `value` rounded up to a multiple of `multiple`: padded counts and aligned offsets.
 *
 * @example
 * roundUp(10, 4); // 12
 */
export function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * Lays out one call's regions in the memory from byte 0, each on a 64-byte (cache line) boundary,
 * or that plus an `alignment` of 4 bytes for a region copied to or from a range at 4 mod 8.
 *
 * @example
 * const plan = new HeapPlan();
 * const a = plan.floats(m * k), b = plan.floats(k * n);
 * if (plan.end <= HEAP_LIMIT_BYTES && reserveHeap(rt, plan.end)) {
 *   // write A at a and B at b, run the kernel
 * }
 */
export class HeapPlan {
  end = 0;

  /** Reserves `bytes` and returns their byte offset. */
  bytes(bytes: number): number {
    const start = roundUp(this.end, 64);
    this.end = start + bytes;
    return start;
  }

  /** Reserves `count` float32 (or int32) values `alignment` bytes past a 64-byte boundary and returns their byte offset. */
  floats(count: number, alignment = 0): number {
    const start = roundUp(this.end, 64) + alignment;
    this.end = start + count * 4;
    return start;
  }
}
