// The chunk-gradient reduction on the WebAssembly module of chunk-sum-module.ts: copy each chunk's
// range in, one SIMD pass, copy the result out. Imports kernels/ only (and its options type).
import type { ChunkSumOptions } from '../reduce-chunks.js';
import { paddedCount } from './element-loop.js';
import { HEAP_LIMIT_BYTES, HeapPlan, reserveHeap, type WasmRuntime } from './runtime.js';

const LANES = 4;

/** Whether reducing `chunks` ranges of `count` values fits the memory (with padding and alignment). */
export function wasmChunkSumFits(chunks: number, count: number): boolean {
  return (chunks + 1) * (paddedCount(count, LANES) * 4 + 64) <= HEAP_LIMIT_BYTES;
}

/**
 * `sumChunksInto` on the WebAssembly kernel: the same bits (NOTE(chunk-sum-bits) in
 * ../reduce-chunks.ts). Requires a divisor exact in float32 and `wasmChunkSumFits`.
 *
 * @example
 * sumChunksWasm(rt, Float32Array.of(1, 2, 3, 4), reduced, { chunks: 2, stride: 2, divisor: 2, start: 0, end: 2 }); // reduced = [2, 3]
 */
export function sumChunksWasm(rt: WasmRuntime, gradients: Float32Array, reduced: Float32Array, options: ChunkSumOptions): void {
  const { chunks, stride, divisor, start, end } = options;
  const count = end - start;
  const padded = paddedCount(count, LANES);
  const plan = new HeapPlan();
  const source = plan.floats(chunks * padded);
  const destination = plan.floats(padded);
  reserveHeap(rt, plan.end);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const from = chunk * stride + start;
    rt.heap.set(gradients.subarray(from, from + count), (source >> 2) + chunk * padded);
  }
  rt.chunkSum.sumChunks(source, chunks, padded * 4, destination, count, divisor);
  reduced.set(rt.heap.subarray(destination >> 2, (destination >> 2) + count), start);
}
