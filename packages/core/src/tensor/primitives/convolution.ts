// conv2d (NCHW: the WebAssembly kernels by default, NOTE(implicit-im2col) in kernels/wasm/conv.ts;
// otherwise direct kernels or grouped im2col + matmul) and max/avg pooling primitives with their
// backward rules. Arguments arrive validated by tensor/functional. Imports kernels and graph types only.
import type { BackwardRule, PrimitiveResult, RawTensor } from '../../autograd/graph.js';
import { col2imGroup, im2colGroup, type Conv2dGeometry } from '../../kernels/conv.js';
import { conv2dDirectImage, conv2dWeightGradImage, padImage, paddedImageLength } from '../../kernels/conv-direct.js';
import { matmulInto, matmulTransposeAInto, matmulTransposeBInto } from '../../kernels/matmul-backend.js';
import { wasmKernels } from '../../kernels/backend.js';
import { conv2dBackwardWasm, conv2dForwardWasm } from '../../kernels/wasm/conv.js';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from '../../kernels/pool.js';
import type { PoolSweep } from '../../kernels/pool-geometry.js';

/** Output shape [N, channels, outH, outW] of a window sweep. */
function outputShape(g: Conv2dGeometry, channels: number): number[] {
  return [g.batch, channels, g.outHeight, g.outWidth];
}

// NOTE(grouping): the TypeScript path, taken when this thread runs the TypeScript kernels or the
// WebAssembly convolution does not fit its memory (the default path, on the WebAssembly kernels,
// is NOTE(implicit-im2col) in kernels/wasm/conv.ts, which builds no column matrix and has its own
// groups). The matmul kernels (WebAssembly 4×8 or TypeScript 2×3 register blocks, both
// packed) want long rows and long sums. One call per image (the old scheme) gave them m = O (6 or
// 16 in LeNet), n = outH·outW, per-call packing and edge waste, and the weight gradient needed a transpose and an add per
// image. Now (P = C·kH·kW, L = outH·outW, G = images per group):
// - forward, P ≤ DIRECT_FORWARD_MAX_PATCH: direct kernel on each zero-padded image (no im2col,
//   no packing; see NOTE(direct-conv) in kernels/conv-direct.ts);
// - forward, larger P: the batch is cut into groups whose columns fit in GROUP_COLUMNS_BYTES;
//   out_g [O × G·L] = weight [O × P] @ cols_g [P × G·L] in one matmul, scattered into NCHW;
// - dWeight, P ≤ DIRECT_FORWARD_MAX_PATCH: direct kernel per image, summed over the batch in float64;
// - dWeight, larger P: per group dW_g [O × P] = dOut_g [O × G·L] · cols_gᵀ in one matmul (columns
//   recomputed, read transposed in place), the groups summed in float64;
// - dx: per group, dOut_g [O × G·L] is gathered from NCHW, dCols_g [P × G·L] = weightᵀ @ dOut_g in
//   one matmul that reads the weight transposed in place, then col2imGroup.
// Forward and dx are sums over the same P (or O) terms as one matmul per image would give (float32
// sums in the WebAssembly kernel, float64 in the TypeScript one); dWeight is summed in float64 over
// the whole batch, i.e. rounded once instead of per image. Scratch buffers are allocated once per call and reused across images/groups, and
// memory stays bounded by the byte budget whatever the batch size.

/** Bytes of unfolded columns one group may occupy; small enough to stay bounded, large enough for long matmul rows. */
const GROUP_COLUMNS_BYTES = 8 * 1024 * 1024;

/**
 * Largest C·kH·kW for which the forward pass uses the direct kernel: for short sums the packed
 * matmul's packing and block stores dominate (LeNet conv1, 25 taps: ~1.6× faster direct); for
 * longer ones the matmul's unit-stride packed loads win (conv2, 150 taps).
 */
const DIRECT_FORWARD_MAX_PATCH = 64;

/** Images per group: as many as fit in GROUP_COLUMNS_BYTES (at least one, at most the batch). */
function groupSize(g: Conv2dGeometry, patch: number, positions: number): number {
  const perImage = patch * positions * Float32Array.BYTES_PER_ELEMENT;
  return Math.max(1, Math.min(g.batch, Math.floor(GROUP_COLUMNS_BYTES / perImage)));
}

/**
 * Copies between NCHW [N, O, L] (images first … first+count−1) and the group layout [O × count·L]
 * in which image i's channel o is row o, columns i·L … i·L+L−1.
 */
function gatherGroup(nchw: Float32Array, grouped: Float32Array, first: number, count: number, channels: number, positions: number): void {
  for (let i = 0; i < count; i++) {
    for (let o = 0; o < channels; o++) {
      const from = ((first + i) * channels + o) * positions;
      grouped.set(nchw.subarray(from, from + positions), (o * count + i) * positions);
    }
  }
}

function scatterGroup(grouped: Float32Array, nchw: Float32Array, first: number, count: number, channels: number, positions: number): void {
  for (let i = 0; i < count; i++) {
    for (let o = 0; o < channels; o++) {
      const from = (o * count + i) * positions;
      nchw.set(grouped.subarray(from, from + positions), ((first + i) * channels + o) * positions);
    }
  }
}

/**
 * Cross-correlation of x [N, C, H, W] with weight [O, C, kH, kW] over geometry `g`
 * plus an optional per-channel bias (NOTE(fused-bias)). Where this thread runs the WebAssembly
 * kernels (the default) the forward pass and its backward rule run there, gathering the patches
 * straight from the images (NOTE(implicit-im2col) in kernels/wasm/conv.ts). Otherwise — the
 * TypeScript kernels, or a convolution too large for the WebAssembly memory — short patches use
 * direct kernels and longer ones unfold groups of images by im2col side by side, multiplied by the
 * weight matrix [O × C·kH·kW] in one matmul (NOTE(grouping)); backward recomputes the columns
 * rather than keeping them.
 */
export function conv2d(x: RawTensor, weight: RawTensor, g: Conv2dGeometry, bias: RawTensor | null = null): PrimitiveResult {
  const outChannels = weight.shape[0]!;
  const patch = g.channels * g.kernelHeight * g.kernelWidth;
  const positions = g.outHeight * g.outWidth;
  const group = groupSize(g, patch, positions);
  const out = new Float32Array(g.batch * outChannels * positions);
  // The WebAssembly kernels convolve every patch size, bias included (NOTE(implicit-im2col)).
  const rt = wasmKernels();
  if (rt !== null && conv2dForwardWasm(rt, x.data, weight.data, bias?.data ?? null, outChannels, g, out)) {
    return { output: { data: out, shape: outputShape(g, outChannels) }, backward: conv2dBackward(x, weight, g, bias) };
  }
  if (patch <= DIRECT_FORWARD_MAX_PATCH) {
    const padded = new Float32Array(paddedImageLength(g));
    for (let n = 0; n < g.batch; n++) {
      padImage(x.data, g, n, padded);
      conv2dDirectImage(padded, weight.data, outChannels, g, out, n * outChannels * positions);
    }
  } else {
    const columns = new Float32Array(patch * group * positions);
    const grouped = new Float32Array(outChannels * group * positions);
    for (let first = 0; first < g.batch; first += group) {
      const count = Math.min(group, g.batch - first);
      const width = count * positions;
      im2colGroup(x.data, g, first, count, columns.subarray(0, patch * width));
      matmulInto(weight.data, columns, grouped, outChannels, patch, width);
      scatterGroup(grouped, out, first, count, outChannels, positions);
    }
  }
  if (bias !== null) addChannelBias(out, bias.data, g.batch, outChannels, positions);
  return { output: { data: out, shape: outputShape(g, outChannels) }, backward: conv2dBackward(x, weight, g, bias) };
}

/** The backward rule of {@link conv2d}: WebAssembly kernels where this thread runs them, else grouped im2col or direct kernels. */
function conv2dBackward(x: RawTensor, weight: RawTensor, g: Conv2dGeometry, bias: RawTensor | null): BackwardRule {
  const outChannels = weight.shape[0]!;
  const patch = g.channels * g.kernelHeight * g.kernelWidth;
  const positions = g.outHeight * g.outWidth;
  const group = groupSize(g, patch, positions);
  return ({ data: gradient }, [needsX, needsWeight, needsBias]) => {
    const gradientX = needsX ? new Float32Array(x.data.length) : null;
    const gradientWeight = needsWeight ? new Float32Array(weight.data.length) : null;
    const gradients = [gradientX && { data: gradientX, shape: x.shape }, gradientWeight && { data: gradientWeight, shape: weight.shape }];
    const rt = wasmKernels();
    if (rt !== null) {
      const gradientBias = bias !== null && needsBias === true ? new Float32Array(outChannels) : null;
      if (conv2dBackwardWasm(rt, x.data, weight.data, gradient, outChannels, g, { input: gradientX, weight: gradientWeight, bias: gradientBias })) {
        return bias === null ? gradients : [...gradients, gradientBias && { data: gradientBias, shape: bias.shape }];
      }
    }
    const gradientGrouped = new Float32Array(outChannels * group * positions);
    const gradientColumns = needsX ? new Float32Array(patch * group * positions) : null;
    const viaColumns = patch > DIRECT_FORWARD_MAX_PATCH;
    if (gradientWeight !== null && !viaColumns) {
      // dWeight = Σ_n dOut_n [O × L] · cols_nᵀ, summed in float64 by the direct kernel.
      const padded = new Float32Array(paddedImageLength(g));
      const imageGradient = new Float64Array(weight.data.length);
      const sum = new Float64Array(weight.data.length);
      for (let n = 0; n < g.batch; n++) {
        padImage(x.data, g, n, padded);
        conv2dWeightGradImage(padded, gradient, n * outChannels * positions, outChannels, g, imageGradient);
        for (let i = 0; i < sum.length; i++) sum[i] += imageGradient[i]!;
      }
      gradientWeight.set(sum);
    }
    // Long patches: dWeight per group in one matmul, dW_g [O × P] = dOut_g [O × G·L] · cols_gᵀ,
    // reading the recomputed columns transposed in place; groups summed in float64.
    const columns = gradientWeight !== null && viaColumns ? new Float32Array(patch * group * positions) : null;
    const groupWeightGradient = columns !== null ? new Float32Array(weight.data.length) : null;
    const weightSum = columns !== null ? new Float64Array(weight.data.length) : null;
    for (let first = 0; first < g.batch; first += group) {
      const count = Math.min(group, g.batch - first);
      const width = count * positions;
      if (gradientX !== null || columns !== null) gatherGroup(gradient, gradientGrouped, first, count, outChannels, positions);
      if (columns !== null && groupWeightGradient !== null && weightSum !== null) {
        im2colGroup(x.data, g, first, count, columns.subarray(0, patch * width));
        matmulTransposeBInto(gradientGrouped, columns, groupWeightGradient, outChannels, width, patch);
        for (let i = 0; i < weightSum.length; i++) weightSum[i] += groupWeightGradient[i]!;
      }
      if (gradientX !== null && gradientColumns !== null) {
        // dx_g = col2im(weightᵀ [patch × O] · dOut_g [O × G·L]); a first layer's input needs none.
        // The transposed kernel reads weight [O × patch] in place.
        matmulTransposeAInto(weight.data, gradientGrouped, gradientColumns, patch, outChannels, width);
        col2imGroup(gradientColumns.subarray(0, patch * width), g, first, count, gradientX);
      }
    }
    if (gradientWeight !== null && weightSum !== null) gradientWeight.set(weightSum);
    if (bias === null) return gradients;
    return [...gradients, needsBias === true ? { data: channelSums(gradient, g.batch, outChannels, positions), shape: bias.shape } : null];
  };
}

/** out[n, o, ·] += bias[o]: the conv's bias, added in place (NOTE(fused-bias)). */
function addChannelBias(out: Float32Array, bias: Float32Array, batch: number, channels: number, positions: number): void {
  for (let n = 0, offset = 0; n < batch; n++) {
    for (let o = 0; o < channels; o++, offset += positions) {
      const b = bias[o]!;
      for (let p = 0; p < positions; p++) out[offset + p] = out[offset + p]! + b;
    }
  }
}

/**
 * The bias gradient: Σ over images and positions of dOut[n, o, ·], per channel, in float64.
 *
 * NOTE(fused-bias): the bias rides in the conv primitive instead of a broadcast add after it —
 * that add and the engine's un-broadcast sum behind it cost ~15% of a LeNet-5 step (2026-11-26).
 */
function channelSums(gradient: Float32Array, batch: number, channels: number, positions: number): Float32Array {
  const sums = new Float64Array(channels);
  for (let n = 0, offset = 0; n < batch; n++) {
    for (let o = 0; o < channels; o++, offset += positions) {
      let sum = 0;
      for (let p = 0; p < positions; p++) sum += gradient[offset + p]!;
      sums[o] = sums[o]! + sum;
    }
  }
  return Float32Array.from(sums);
}

/** Max pooling (dilated windows too); the gradient goes to the element that won each window (first on ties). */
export function maxPool2d(x: RawTensor, g: PoolSweep): PrimitiveResult {
  const shape = outputShape(g, g.channels);
  const out = new Float32Array(g.batch * g.channels * g.outHeight * g.outWidth);
  const winners = new Int32Array(out.length);
  maxPool2dForward(x.data, g, out, winners);
  return {
    output: { data: out, shape },
    backward: ({ data: gradient }) => {
      const gradientX = new Float32Array(x.data.length);
      maxPool2dBackward(gradient, winners, gradientX);
      return [{ data: gradientX, shape: x.shape }];
    },
  };
}

/** Average pooling; padding counts in the divisor unless `g.countIncludePad` is false (PyTorch's rules). */
export function avgPool2d(x: RawTensor, g: PoolSweep): PrimitiveResult {
  const shape = outputShape(g, g.channels);
  const out = new Float32Array(g.batch * g.channels * g.outHeight * g.outWidth);
  avgPool2dForward(x.data, g, out);
  return {
    output: { data: out, shape },
    backward: ({ data: gradient }) => {
      const gradientX = new Float32Array(x.data.length);
      avgPool2dBackward(gradient, g, gradientX);
      return [{ data: gradientX, shape: x.shape }];
    },
  };
}
