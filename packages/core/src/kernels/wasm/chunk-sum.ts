// The chunk-gradient reduction on the WebAssembly module of chunk-sum-module.ts: copy each chunk's
// range in, one SIMD pass, copy the result out. Imports kernels/ only (and its options type).
import type { ChunkSumOptions } from '../reduce-chunks.js';
import { alignmentOf, HEAP_LIMIT_BYTES, HeapPlan, reserveHeap, roundUp, type WasmRuntime } from './runtime.js';

const LANES = 4;

/** Whether reducing `chunks` ranges of `count` values fits the memory (with padding and alignment). */
export function wasmChunkSumFits(chunks: number, count: number): boolean {
  return (chunks + 1) * (roundUp(count, LANES) * 4 + 64) <= HEAP_LIMIT_BYTES;
}

/**
 * `sumChunksInto` on the WebAssembly kernel: the same bits (NOTE(chunk-sum-bits) in
 * ../reduce-chunks.ts). Requires a divisor exact in float32 and `wasmChunkSumFits`. Returns false,
 * touching nothing, when the memory cannot grow (the caller runs the TypeScript loop).
 *
 * @example
 * sumChunksWasm(rt, Float32Array.of(1, 2, 3, 4), reduced, { chunks: 2, stride: 2, divisor: 2, start: 0, end: 2 }); // reduced = [2, 3]
 */
export function sumChunksWasm(
  rt: WasmRuntime,
  gradients: Float32Array,
  reduced: Float32Array,
  options: ChunkSumOptions,
): boolean {
  const { chunks, stride, divisor, start, end } = options;
  const count = end - start;
  const padded = roundUp(count, LANES);
  // Each chunk's copy at the byte offset modulo 8 of its range (NOTE(copy-alignment) in runtime.ts).
  const chunkFloats = padded + (stride % 2);
  const plan = new HeapPlan();
  const source = plan.floats(chunks * chunkFloats, alignmentOf(gradients, start));
  const destination = plan.floats(padded, alignmentOf(reduced, start));
  if (!reserveHeap(rt, plan.end)) return false;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const from = chunk * stride + start;
    rt.heap.set(gradients.subarray(from, from + count), (source >> 2) + chunk * chunkFloats);
  }
  rt.chunkSum.sumChunks(source, chunks, chunkFloats * 4, destination, count, divisor);
  reduced.set(rt.heap.subarray(destination >> 2, (destination >> 2) + count), start);
  return true;
}
