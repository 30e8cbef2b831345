// Direct 2-D convolution kernels (NCHW): forward and weight gradient read a zero-padded image in
// place, without im2col or packing. Imports only kernels/conv (the geometry and its buffer checks).
import { checkBuffers, type Conv2dGeometry } from './conv.js';

// NOTE(direct-conv): the forward pass and the weight gradient also have direct kernels that read
// the (zero-padded) image in place instead of unfolding it and calling the general matmul. With
// LeNet's shapes (O = 6 or 16 rows, C·kH·kW = 25 or 150 terms) the packed GEMM spends much of its
// time packing and storing register blocks, and im2col writes C·kH·kW copies of every pixel.
// The direct kernels use the same 2×3 register block of float64 accumulators (two output
// channels × three output positions, or two output channels × three weight taps), so each step
// loads five numbers for six multiply-adds. Ragged edges repeat the last row/column (clamped
// indices) and *assign* the duplicate result, which is idempotent, so the loops have no edge
// branches (see NOTE(no-deopt) in matmul.ts). Sums are float64 over all terms, rounded to float32
// once at the end.

/** Length of one zero-padded image [C, H + 2·padH, W + 2·padW] for {@link padImage}. */
export function paddedImageLength(g: Conv2dGeometry): number {
  return g.channels * (g.height + 2 * g.padHeight) * (g.width + 2 * g.padWidth);
}

/** Copies image `n` of `input` [N, C, H, W] into `padded` [C, H + 2·padH, W + 2·padW] with a zero border. */
export function padImage(input: Float32Array, g: Conv2dGeometry, n: number, padded: Float32Array): void {
  checkBuffers('padImage', input, 'input', padded, g, n, false);
  const { channels, height, width, padHeight, padWidth } = g;
  const paddedHeight = height + 2 * padHeight;
  const paddedWidth = width + 2 * padWidth;
  if (padded.length !== channels * paddedHeight * paddedWidth) {
    throw new Error(
      `padImage: padded has length ${padded.length}, expected C·(H+2·padH)·(W+2·padW) = ${channels * paddedHeight * paddedWidth}`,
    );
  }
  if (padHeight === 0 && padWidth === 0) {
    const from = n * channels * height * width;
    padded.set(input.subarray(from, from + padded.length));
    return;
  }
  padded.fill(0);
  for (let c = 0; c < channels; c++) {
    for (let h = 0; h < height; h++) {
      const from = ((n * channels + c) * height + h) * width;
      padded.set(input.subarray(from, from + width), (c * paddedHeight + h + padHeight) * paddedWidth + padWidth);
    }
  }
}

/** Offset of weight tap p = (c·kH + kh)·kW + kw inside a padded image, for the direct kernels. */
function tapOffsets(g: Conv2dGeometry): Int32Array {
  const paddedHeight = g.height + 2 * g.padHeight;
  const paddedWidth = g.width + 2 * g.padWidth;
  const offsets = new Int32Array(g.channels * g.kernelHeight * g.kernelWidth);
  let p = 0;
  for (let c = 0; c < g.channels; c++) {
    for (let kh = 0; kh < g.kernelHeight; kh++) {
      for (let kw = 0; kw < g.kernelWidth; kw++) offsets[p++] = (c * paddedHeight + kh) * paddedWidth + kw;
    }
  }
  return offsets;
}

/**
 * Direct convolution of one padded image (from {@link padImage}) with `weight` [O, C, kH, kW]:
 * writes output image [O, outH, outW] into `out` from `outOffset`. See NOTE(direct-conv).
 *
 * @example
 * padImage(x, g, n, padded);
 * conv2dDirectImage(padded, weight, outChannels, g, out, n * outChannels * g.outHeight * g.outWidth);
 */
export function conv2dDirectImage(
  padded: Float32Array,
  weight: Float32Array,
  outChannels: number,
  g: Conv2dGeometry,
  out: Float32Array,
  outOffset: number,
): void {
  const patch = g.channels * g.kernelHeight * g.kernelWidth;
  if (padded.length !== paddedImageLength(g) || weight.length !== outChannels * patch) {
    throw new Error(
      `conv2dDirectImage: padded (${padded.length}) or weight (${weight.length}) does not match the geometry`,
    );
  }
  const { outHeight, outWidth, strideHeight, strideWidth } = g;
  const positions = outHeight * outWidth;
  if (outOffset < 0 || outOffset + outChannels * positions > out.length) {
    throw new RangeError(`conv2dDirectImage: out needs ${outChannels * positions} elements from ${outOffset}`);
  }
  const paddedWidth = g.width + 2 * g.padWidth;
  const taps = tapOffsets(g);
  for (let o0 = 0; o0 < outChannels; o0 += 2) {
    const o1 = Math.min(o0 + 1, outChannels - 1);
    const w0 = o0 * patch;
    const w1 = o1 * patch;
    const out0 = outOffset + o0 * positions;
    const out1 = outOffset + o1 * positions;
    for (let oh = 0; oh < outHeight; oh++) {
      const rowBase = oh * strideHeight * paddedWidth;
      const outRow = oh * outWidth;
      for (let ow0 = 0; ow0 < outWidth; ow0 += 3) {
        const ow1 = Math.min(ow0 + 1, outWidth - 1);
        const ow2 = Math.min(ow0 + 2, outWidth - 1);
        const b0 = rowBase + ow0 * strideWidth;
        const b1 = rowBase + ow1 * strideWidth;
        const b2 = rowBase + ow2 * strideWidth;
        let c00 = 0,
          c01 = 0,
          c02 = 0;
        let c10 = 0,
          c11 = 0,
          c12 = 0;
        for (let p = 0; p < patch; p++) {
          const tap = taps[p]!;
          const x0 = padded[tap + b0]!,
            x1 = padded[tap + b1]!,
            x2 = padded[tap + b2]!;
          const a0 = weight[w0 + p]!;
          c00 += a0 * x0;
          c01 += a0 * x1;
          c02 += a0 * x2;
          const a1 = weight[w1 + p]!;
          c10 += a1 * x0;
          c11 += a1 * x1;
          c12 += a1 * x2;
        }
        // Clamped duplicates (ow1/ow2, o1) get the same value again: see NOTE(direct-conv).
        out[out0 + outRow + ow0] = c00;
        out[out0 + outRow + ow1] = c01;
        out[out0 + outRow + ow2] = c02;
        out[out1 + outRow + ow0] = c10;
        out[out1 + outRow + ow1] = c11;
        out[out1 + outRow + ow2] = c12;
      }
    }
  }
}

/**
 * Weight gradient of one image, direct: `imageGrad[o, p] = Σ_positions gradOut[o, pos] · tap p at pos`
 * for a padded image (from {@link padImage}) and gradOut [O, outH, outW] at `gradOffset`.
 * Overwrites `imageGrad` (float64, [O × C·kH·kW]); the caller sums images. See NOTE(direct-conv).
 */
export function conv2dWeightGradImage(
  padded: Float32Array,
  gradOut: Float32Array,
  gradOffset: number,
  outChannels: number,
  g: Conv2dGeometry,
  imageGrad: Float64Array,
): void {
  const patch = g.channels * g.kernelHeight * g.kernelWidth;
  const { outHeight, outWidth, strideHeight, strideWidth } = g;
  const positions = outHeight * outWidth;
  if (padded.length !== paddedImageLength(g) || imageGrad.length !== outChannels * patch) {
    throw new Error(
      `conv2dWeightGradImage: padded (${padded.length}) or imageGrad (${imageGrad.length}) does not match the geometry`,
    );
  }
  if (gradOffset < 0 || gradOffset + outChannels * positions > gradOut.length) {
    throw new RangeError(`conv2dWeightGradImage: gradOut needs ${outChannels * positions} elements from ${gradOffset}`);
  }
  const paddedWidth = g.width + 2 * g.padWidth;
  const taps = tapOffsets(g);
  for (let o0 = 0; o0 < outChannels; o0 += 2) {
    const o1 = Math.min(o0 + 1, outChannels - 1);
    const g0 = gradOffset + o0 * positions;
    const g1 = gradOffset + o1 * positions;
    for (let p0 = 0; p0 < patch; p0 += 3) {
      const p1 = Math.min(p0 + 1, patch - 1);
      const p2 = Math.min(p0 + 2, patch - 1);
      const t0 = taps[p0]!,
        t1 = taps[p1]!,
        t2 = taps[p2]!;
      let c00 = 0,
        c01 = 0,
        c02 = 0;
      let c10 = 0,
        c11 = 0,
        c12 = 0;
      for (let oh = 0; oh < outHeight; oh++) {
        const rowBase = oh * strideHeight * paddedWidth;
        const gradRow = oh * outWidth;
        for (let ow = 0; ow < outWidth; ow++) {
          const xi = rowBase + ow * strideWidth;
          const x0 = padded[t0 + xi]!,
            x1 = padded[t1 + xi]!,
            x2 = padded[t2 + xi]!;
          const a0 = gradOut[g0 + gradRow + ow]!;
          c00 += a0 * x0;
          c01 += a0 * x1;
          c02 += a0 * x2;
          const a1 = gradOut[g1 + gradRow + ow]!;
          c10 += a1 * x0;
          c11 += a1 * x1;
          c12 += a1 * x2;
        }
      }
      const r0 = o0 * patch;
      const r1 = o1 * patch;
      imageGrad[r0 + p0] = c00;
      imageGrad[r0 + p1] = c01;
      imageGrad[r0 + p2] = c02;
      imageGrad[r1 + p0] = c10;
      imageGrad[r1 + p1] = c11;
      imageGrad[r1 + p2] = c12;
    }
  }
}
