// conv2d's kernels behind one entry per pass: the WebAssembly convolution (kernels/wasm/conv.ts,
// NOTE(implicit-im2col)) where this thread runs the WebAssembly kernels and the convolution fits its
// memory, else the TypeScript path — direct kernels or grouped im2col + matmul (NOTE(grouping)).
// The only place that chooses between them. Imports only kernels/.
import { wasmKernels } from './backend.js';
import { col2imGroup, im2colGroup, type Conv2dGeometry } from './conv.js';
import { conv2dDirectImage, conv2dWeightGradImage, padImage, paddedImageLength } from './conv-direct.js';
import { matmulInto, matmulTransposeAInto, matmulTransposeBInto } from './matmul-backend.js';
import { conv2dBackwardWasm, conv2dForwardWasm } from './wasm/conv.js';

/** The gradients a conv2d backward pass fills: null for one no input needs. */
export interface Conv2dGradients {
  input: Float32Array | null;
  weight: Float32Array | null;
  bias: Float32Array | null;
}

// NOTE(grouping): the TypeScript path, taken when this thread runs the TypeScript kernels or the
// WebAssembly convolution does not fit its memory. The packed matmul kernels want long rows and long
// sums, which one product per image would not give them (m = O is 6 or 16 in LeNet, and each call
// pays its own packing and edge waste). So, with P = C·kH·kW, L = outH·outW, G = images per group:
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
// the whole batch, i.e. rounded once instead of per image. Scratch buffers are allocated once per
// call and reused across groups, and memory stays bounded by the byte budget whatever the batch size.

/** Bytes of unfolded columns one group may occupy; small enough to stay bounded, large enough for long matmul rows. */
const GROUP_COLUMNS_BYTES = 8 * 1024 * 1024;

/**
 * Largest C·kH·kW for which the forward pass uses the direct kernel: for short sums the packed
 * matmul's packing and block stores dominate (LeNet's conv1, 25 taps, runs faster direct); for
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
function gatherGroup(
  nchw: Float32Array,
  grouped: Float32Array,
  first: number,
  count: number,
  channels: number,
  positions: number,
): void {
  for (let i = 0; i < count; i++) {
    for (let o = 0; o < channels; o++) {
      const from = ((first + i) * channels + o) * positions;
      grouped.set(nchw.subarray(from, from + positions), (o * count + i) * positions);
    }
  }
}

function scatterGroup(
  grouped: Float32Array,
  nchw: Float32Array,
  first: number,
  count: number,
  channels: number,
  positions: number,
): void {
  for (let i = 0; i < count; i++) {
    for (let o = 0; o < channels; o++) {
      const from = (o * count + i) * positions;
      nchw.set(grouped.subarray(from, from + positions), ((first + i) * channels + o) * positions);
    }
  }
}

/**
 * out [N, O, outH, outW] = x [N, C, H, W] ⋆ weight [O, C, kH, kW] (cross-correlation over geometry
 * `g`) plus `bias` [O] per channel when given (NOTE(fused-bias)). Overwrites `out`.
 *
 * @example
 * const out = new Float32Array(g.batch * outChannels * g.outHeight * g.outWidth);
 * conv2dForwardInto({ x, weight, bias: null, outChannels, g }, out);
 */
export function conv2dForwardInto(operands: Conv2dOperands & { bias: Float32Array | null }, out: Float32Array): void {
  const { x, weight, bias, outChannels, g } = operands;
  // The WebAssembly kernels convolve every patch size, bias included (NOTE(implicit-im2col)).
  const rt = wasmKernels();
  if (rt !== null && conv2dForwardWasm(rt, x, weight, bias, outChannels, g, out)) return;
  const patch = g.channels * g.kernelHeight * g.kernelWidth;
  const positions = g.outHeight * g.outWidth;
  const group = groupSize(g, patch, positions);
  if (patch <= DIRECT_FORWARD_MAX_PATCH) {
    const padded = new Float32Array(paddedImageLength(g));
    for (let n = 0; n < g.batch; n++) {
      padImage(x, g, n, padded);
      conv2dDirectImage(padded, weight, outChannels, g, out, n * outChannels * positions);
    }
  } else {
    const columns = new Float32Array(patch * group * positions);
    const grouped = new Float32Array(outChannels * group * positions);
    for (let first = 0; first < g.batch; first += group) {
      const count = Math.min(group, g.batch - first);
      const width = count * positions;
      im2colGroup(x, g, first, count, columns.subarray(0, patch * width));
      matmulInto(weight, columns, grouped, outChannels, patch, width);
      scatterGroup(grouped, out, first, count, outChannels, positions);
    }
  }
  if (bias !== null) addChannelBias(out, bias, g.batch, outChannels, positions);
}

/** What both passes of a convolution read. */
export interface Conv2dOperands {
  x: Float32Array;
  weight: Float32Array;
  outChannels: number;
  g: Conv2dGeometry;
}

/**
 * The gradients of {@link conv2dForwardInto} for the output gradient `gradient` [N, O, outH, outW]:
 * writes each non-null buffer of `gradients` (input [N, C, H, W], weight, bias [O]).
 *
 * @example
 * conv2dBackwardInto({ x, weight, outChannels, g }, gradient, { input: null, weight: new Float32Array(weight.length), bias: null });
 */
export function conv2dBackwardInto(operands: Conv2dOperands, gradient: Float32Array, gradients: Conv2dGradients): void {
  const { x, weight, outChannels, g } = operands;
  const rt = wasmKernels();
  if (rt !== null && conv2dBackwardWasm(rt, x, weight, gradient, outChannels, g, gradients)) return;
  const patch = g.channels * g.kernelHeight * g.kernelWidth;
  const positions = g.outHeight * g.outWidth;
  const group = groupSize(g, patch, positions);
  const { input: gradientX, weight: gradientWeight } = gradients;
  const gradientGrouped = new Float32Array(outChannels * group * positions);
  const gradientColumns = gradientX !== null ? new Float32Array(patch * group * positions) : null;
  const viaColumns = patch > DIRECT_FORWARD_MAX_PATCH;
  if (gradientWeight !== null && !viaColumns) {
    // dWeight = Σ_n dOut_n [O × L] · cols_nᵀ, summed in float64 by the direct kernel.
    const padded = new Float32Array(paddedImageLength(g));
    const imageGradient = new Float64Array(weight.length);
    const sum = new Float64Array(weight.length);
    for (let n = 0; n < g.batch; n++) {
      padImage(x, g, n, padded);
      conv2dWeightGradImage(padded, gradient, n * outChannels * positions, outChannels, g, imageGradient);
      for (let i = 0; i < sum.length; i++) sum[i] += imageGradient[i]!;
    }
    gradientWeight.set(sum);
  }
  // Long patches: dWeight per group in one matmul, dW_g [O × P] = dOut_g [O × G·L] · cols_gᵀ,
  // reading the recomputed columns transposed in place; groups summed in float64.
  const columns = gradientWeight !== null && viaColumns ? new Float32Array(patch * group * positions) : null;
  const groupWeightGradient = columns !== null ? new Float32Array(weight.length) : null;
  const weightSum = columns !== null ? new Float64Array(weight.length) : null;
  for (let first = 0; first < g.batch; first += group) {
    const count = Math.min(group, g.batch - first);
    const width = count * positions;
    if (gradientX !== null || columns !== null)
      gatherGroup(gradient, gradientGrouped, first, count, outChannels, positions);
    if (columns !== null && groupWeightGradient !== null && weightSum !== null) {
      im2colGroup(x, g, first, count, columns.subarray(0, patch * width));
      matmulTransposeBInto(gradientGrouped, columns, groupWeightGradient, outChannels, width, patch);
      for (let i = 0; i < weightSum.length; i++) weightSum[i] += groupWeightGradient[i]!;
    }
    if (gradientX !== null && gradientColumns !== null) {
      // dx_g = col2im(weightᵀ [patch × O] · dOut_g [O × G·L]); a first layer's input needs none.
      // The transposed kernel reads weight [O × patch] in place.
      matmulTransposeAInto(weight, gradientGrouped, gradientColumns, patch, outChannels, width);
      col2imGroup(gradientColumns.subarray(0, patch * width), g, first, count, gradientX);
    }
  }
  if (gradientWeight !== null && weightSum !== null) gradientWeight.set(weightSum);
  if (gradients.bias !== null) gradients.bias.set(channelSums(gradient, g.batch, outChannels, positions));
}

/** out[n, o, ·] += bias[o]: the conv's bias, added in place (NOTE(fused-bias)). */
function addChannelBias(
  out: Float32Array,
  bias: Float32Array,
  batch: number,
  channels: number,
  positions: number,
): void {
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
 * NOTE(fused-bias): the bias rides in the conv primitive instead of a broadcast add after it: that
 * add and the engine's un-broadcast sum behind it would each walk the whole output once more, a
 * large share of a small CNN's step (docs/performance.md).
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
