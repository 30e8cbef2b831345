// Max pooling on the WebAssembly module of pool-module.ts (NOTE(simd-max-pool)): copy the input in,
// pool every plane, copy values and winner indices out. Imports kernels/ only.
import type { PoolSweep } from '../pool-geometry.js';
import { HEAP_LIMIT_BYTES, HeapPlan, reserveHeap, type WasmRuntime } from './runtime.js';

/** Floats the stride-2 kernel may read past the input (see `PoolExports`). */
const OVERREAD = 8;

/**
 * Max pooling of `input` [N, C, H, W] into `out` [N, C, outH, outW], with each winner's flat input
 * index in `argmaxIndex`: the same values and indices as the TypeScript kernel. Returns false,
 * touching nothing, where it does not apply: padding, dilation, a window past the input's end (ceil
 * mode), a horizontal stride other than 1 or 2, an output narrower than 4, or too large for the memory (or the memory cannot grow). Buffers must already be checked.
 *
 * @example
 * if (!maxPool2dForwardWasm(rt, input, g, out, argmax)) maxPool2dForwardJs(input, g, out, argmax);
 */
export function maxPool2dForwardWasm(
  rt: WasmRuntime,
  input: Float32Array,
  g: PoolSweep,
  out: Float32Array,
  argmaxIndex: Int32Array,
): boolean {
  if (g.padHeight !== 0 || g.padWidth !== 0 || (g.strideWidth !== 1 && g.strideWidth !== 2) || g.outWidth < 4)
    return false;
  if ((g.dilationHeight ?? 1) !== 1 || (g.dilationWidth ?? 1) !== 1) return false;
  // Ceil mode's last window may reach past the input, which the module would read as values.
  if (
    (g.outHeight - 1) * g.strideHeight + g.kernelHeight > g.height ||
    (g.outWidth - 1) * g.strideWidth + g.kernelWidth > g.width
  )
    return false;
  const plan = new HeapPlan();
  const inputAt = plan.floats(input.length + OVERREAD);
  const outAt = plan.floats(out.length);
  const argmaxAt = plan.floats(out.length);
  if (plan.end > HEAP_LIMIT_BYTES || !reserveHeap(rt, plan.end)) return false;
  rt.heap.set(input, inputAt >> 2);
  const pool = g.strideWidth === 1 ? rt.pool.maxPoolStride1 : rt.pool.maxPoolStride2;
  pool(
    inputAt,
    outAt,
    argmaxAt,
    g.batch * g.channels,
    g.height,
    g.width,
    g.kernelHeight,
    g.kernelWidth,
    g.strideHeight,
    g.outHeight,
    g.outWidth,
  );
  out.set(rt.heap.subarray(outAt >> 2, (outAt >> 2) + out.length));
  argmaxIndex.set(rt.heapInt32.subarray(argmaxAt >> 2, (argmaxAt >> 2) + out.length));
  return true;
}
