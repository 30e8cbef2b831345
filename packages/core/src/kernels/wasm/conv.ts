// 2-D convolution (NCHW) on the WebAssembly kernels: forward, weight gradient and input gradient as
// sgemm products whose image operand is gathered straight from padded images in the memory
// (implicit im2col), with col2im reading the product in place. Imports kernels/ only.
import type { Conv2dGeometry } from '../conv.js';
import { HEAP_LIMIT_BYTES, HeapPlan, reserveHeap, type WasmRuntime } from './runtime.js';
import { planSgemm, sgemmInHeap, type HeapOperand, type SgemmScratch } from './sgemm.js';

// NOTE(implicit-im2col): the TypeScript path unfolds each group of images into a column matrix
// [C·kH·kW × G·outH·outW] (im2col), which the WebAssembly sgemm then copied into its memory and
// packed again: three passes over C·kH·kW copies of every pixel. Here the images are copied into
// the memory once, zero-padded, and the sgemm's packing routine gathers the patches from them
// through two offset tables (tap p → its offset in a padded image, output position j → its
// window's corner), so the column matrix never exists (NOTE(gather-pack) in sgemm-packing.ts).
// The same tables serve all three products: forward out = W · cols, weight gradient
// dW = dOut · colsᵀ, input gradient dCols = Wᵀ · dOut followed by col2im, which scatters the
// sgemm's C into a zeroed padded gradient image without copying C out. Output gradients are read
// in place from their NCHW copy through a second pair of tables (channel o, position j). Every
// product sums in float32 in a fixed order; groups of the weight gradient add up in float64.
// The convolution runs on these kernels for every patch size, the 25-tap LeNet conv1 included,
// which the TypeScript path runs on its direct kernels (NOTE(direct-conv)): gathering the patches in
// WebAssembly beats both the TypeScript im2col and the direct kernels at LeNet's shapes. Group
// size barely matters between 2 and 8 MiB (figures: docs/performance.md).
// A backward pass without the input gradient reserves no dCols product: LeNet conv1's (dW, db)
// working set is ~2.1 MiB per 64 images instead of ~9.6, so batch 64 is one group, not 50 + 14
// (which changes the float32 rounding of that weight gradient from what the split gave).

/** Bytes one group's working set may take; a group holds as many whole images as fit. */
const GROUP_BYTES = 8 * 1024 * 1024;

/** The shapes of one convolution: geometry, output channels, and the derived sizes. */
interface ConvShape {
  readonly g: Conv2dGeometry;
  readonly outChannels: number;
  /** C·kH·kW: taps per output value. */
  readonly patch: number;
  /** outH·outW: output positions per image. */
  readonly positions: number;
  readonly paddedHeight: number;
  readonly paddedWidth: number;
  /** Floats of one padded image [C, H + 2·padH, W + 2·padW]. */
  readonly paddedImage: number;
  /** Floats of one input image [C, H, W]. */
  readonly image: number;
}

function convShape(g: Conv2dGeometry, outChannels: number): ConvShape {
  const paddedHeight = g.height + 2 * g.padHeight;
  const paddedWidth = g.width + 2 * g.padWidth;
  return {
    g,
    outChannels,
    patch: g.channels * g.kernelHeight * g.kernelWidth,
    positions: g.outHeight * g.outWidth,
    paddedHeight,
    paddedWidth,
    paddedImage: g.channels * paddedHeight * paddedWidth,
    image: g.channels * g.height * g.width,
  };
}

const hasPadding = (g: Conv2dGeometry) => g.padHeight > 0 || g.padWidth > 0;

/** Regions of one pass for groups of up to `group` images (byte offsets; null where unused). */
interface Regions {
  readonly group: number;
  /** Input images as given (only with padding; without, they are copied straight into `padded`). */
  readonly images: number | null;
  /** Zero-padded input images (−1 in a backward pass without the weight gradient). */
  readonly padded: number;
  /** The weight [O × C·kH·kW] (−1 in a backward pass without the input gradient). */
  readonly weight: number;
  readonly bias: number | null;
  /** i32 tables: tap p → byte offset in a padded image; position j (over the group) → window corner. */
  readonly taps: number;
  readonly corners: number;
  /** NCHW output (forward) or output gradient (backward) of one group, and its i32 tables. */
  readonly nchw: number;
  readonly channelRows: number | null;
  readonly nchwColumns: number | null;
  /** One i32 per four corners: 1 where the four are consecutive floats (for col2im). */
  readonly contiguous: number | null;
  /** Input gradient, padded and plain (backward with dx only). */
  readonly gradientPadded: number | null;
  readonly gradientImages: number | null;
  /** Forward: out [O × columns]; input gradient: dCols [patch × columns]; null for a backward pass without dx. */
  readonly product: SgemmScratch | null;
  readonly weightProduct: SgemmScratch | null;
  /** f64 [O]: the bias gradient's running channel sums (backward). */
  readonly channelSums: number | null;
  readonly end: number;
}

/** Which pass a plan is for, and what it computes (the forward pass computes no gradient). */
interface PassOptions {
  readonly pass: 'forward' | 'backward';
  /** Forward: whether a bias is added. */
  readonly withBias: boolean;
  readonly inputGradient: boolean;
  readonly weightGradient: boolean;
}

function planRegions(s: ConvShape, options: PassOptions, group: number): Regions {
  const { g, outChannels, patch, positions } = s;
  const { pass, withBias, inputGradient, weightGradient } = options;
  const plan = new HeapPlan();
  const columns = group * positions;
  const needsImages = pass === 'forward' || weightGradient;
  const images = needsImages && hasPadding(g) ? plan.floats(group * s.image) : null;
  const padded = needsImages ? plan.floats(group * s.paddedImage) : -1;
  const weight = pass === 'forward' || inputGradient ? plan.floats(outChannels * patch) : -1;
  const bias = withBias ? plan.floats(outChannels) : null;
  const taps = plan.floats(patch);
  const corners = plan.floats(columns);
  const nchw = plan.floats(group * outChannels * positions);
  const backward = pass === 'backward';
  const channelRows = backward ? plan.floats(outChannels) : null;
  const nchwColumns = backward ? plan.floats(columns) : null;
  const contiguous = inputGradient ? plan.floats(Math.ceil(columns / 4)) : null;
  const gradientPadded = inputGradient ? plan.floats(group * s.paddedImage) : null;
  const gradientImages = inputGradient && hasPadding(g) ? plan.floats(group * s.image) : null;
  // Forward: out [O × columns]; input gradient: dCols [patch × columns]; weight gradient: [O × patch].
  const product =
    pass === 'forward' || inputGradient ? planSgemm(plan, pass === 'forward' ? outChannels : patch, columns) : null;
  const weightProduct = weightGradient ? planSgemm(plan, outChannels, patch) : null;
  const channelSums = backward ? plan.bytes(outChannels * 8) : null;
  return {
    group,
    images,
    padded,
    weight,
    bias,
    taps,
    corners,
    nchw,
    channelRows,
    nchwColumns,
    contiguous,
    gradientPadded,
    gradientImages,
    product,
    weightProduct,
    channelSums,
    end: plan.end,
  };
}

/** The largest group (≤ batch) within GROUP_BYTES, or a single image within the memory limit; null if none fits. */
function chooseRegions(s: ConvShape, options: PassOptions): Regions | null {
  const plan = (group: number) => planRegions(s, options, group);
  const single = plan(1);
  if (single.end > HEAP_LIMIT_BYTES) return null;
  // Binary search: the packed blocks are a fixed cost, so the end grows by less than single.end per image.
  let low = 1;
  let high = s.g.batch;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (plan(middle).end <= GROUP_BYTES) low = middle;
    else high = middle - 1;
  }
  return low === 1 ? single : plan(low);
}

/** Fills the tap and corner tables (and for backward the NCHW tables and col2im flags) once per call. */
function writeTables(rt: WasmRuntime, s: ConvShape, r: Regions): void {
  const { g, outChannels, positions } = s;
  const ints = rt.heapInt32;
  let p = r.taps >> 2;
  for (let c = 0; c < g.channels; c++) {
    for (let kh = 0; kh < g.kernelHeight; kh++) {
      for (let kw = 0; kw < g.kernelWidth; kw++) ints[p++] = ((c * s.paddedHeight + kh) * s.paddedWidth + kw) * 4;
    }
  }
  let j = r.corners >> 2;
  for (let i = 0; i < r.group; i++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        ints[j++] = (i * s.paddedImage + oh * g.strideHeight * s.paddedWidth + ow * g.strideWidth) * 4;
      }
    }
  }
  if (r.channelRows !== null && r.nchwColumns !== null) {
    for (let o = 0; o < outChannels; o++) ints[(r.channelRows >> 2) + o] = o * positions * 4;
    let q = r.nchwColumns >> 2;
    for (let i = 0; i < r.group; i++) {
      for (let position = 0; position < positions; position++) ints[q++] = (i * outChannels * positions + position) * 4;
    }
  }
  if (r.contiguous !== null) {
    const corners = r.corners >> 2;
    for (let chunk = 0; chunk < Math.floor((r.group * positions) / 4); chunk++) {
      const first = ints[corners + 4 * chunk]!;
      const consecutive =
        ints[corners + 4 * chunk + 1] === first + 4 &&
        ints[corners + 4 * chunk + 2] === first + 8 &&
        ints[corners + 4 * chunk + 3] === first + 12;
      ints[(r.contiguous >> 2) + chunk] = consecutive ? 1 : 0;
    }
  }
}

/** Copies images first … first+count−1 of x into the padded region (zero border). */
function loadImages(rt: WasmRuntime, s: ConvShape, r: Regions, x: Float32Array, first: number, count: number): void {
  const { g } = s;
  const from = first * s.image;
  if (r.images === null) {
    rt.heap.set(x.subarray(from, from + count * s.image), r.padded >> 2);
    return;
  }
  rt.heap.set(x.subarray(from, from + count * s.image), r.images >> 2);
  rt.heap.fill(0, r.padded >> 2, (r.padded >> 2) + count * s.paddedImage);
  const interior = r.padded + (g.padHeight * s.paddedWidth + g.padWidth) * 4;
  rt.conv.copyPlanes(
    r.images,
    interior,
    count * g.channels,
    g.height,
    g.width,
    g.height * g.width * 4,
    g.width * 4,
    s.paddedHeight * s.paddedWidth * 4,
    s.paddedWidth * 4,
    0,
    0,
  );
}

/** Groups of up to `group` images over the batch: (first, count). */
function* groups(batch: number, group: number): Generator<[number, number]> {
  for (let first = 0; first < batch; first += group) yield [first, Math.min(group, batch - first)];
}

/**
 * Cross-correlation of x [N, C, H, W] with weight [O, C, kH, kW] plus an optional bias [O], into
 * `out` [N, O, outH, outW] (overwritten), on the WebAssembly kernels (NOTE(implicit-im2col)).
 * Returns false, touching nothing, when the geometry does not fit the memory or the memory cannot grow.
 *
 * @example
 * const done = conv2dForwardWasm(rt, x, weight, bias, outChannels, g, out);
 * if (!done) { // the TypeScript kernels
 * }
 */
export function conv2dForwardWasm(
  rt: WasmRuntime,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  outChannels: number,
  g: Conv2dGeometry,
  out: Float32Array,
): boolean {
  const s = convShape(g, outChannels);
  const r = chooseRegions(s, { pass: 'forward', withBias: bias !== null, inputGradient: false, weightGradient: false });
  if (r === null || r.product === null || !reserveHeap(rt, r.end)) return false;
  writeTables(rt, s, r);
  rt.heap.set(weight, r.weight >> 2);
  if (bias !== null && r.bias !== null) rt.heap.set(bias, r.bias >> 2);
  const { patch, positions } = s;
  const product = r.product;
  const { c, ldc } = product;
  const weightOperand: HeapOperand = { offset: r.weight, rowStride: patch * 4, depthStride: 4 };
  const patches: HeapOperand = { base: r.padded, rowTable: r.corners, depthTable: r.taps };
  for (const [first, count] of groups(g.batch, r.group)) {
    loadImages(rt, s, r, x, first, count);
    sgemmInHeap(rt, outChannels, patch, count * positions, weightOperand, patches, product);
    // C [O × count·L] → NCHW: plane o, row i (image), plus bias[o].
    rt.conv.copyPlanes(
      c,
      r.nchw,
      outChannels,
      count,
      positions,
      ldc * 4,
      positions * 4,
      positions * 4,
      outChannels * positions * 4,
      r.bias ?? 0,
      bias !== null ? 1 : 0,
    );
    const nchw = r.nchw >> 2;
    out.set(rt.heap.subarray(nchw, nchw + count * outChannels * positions), first * outChannels * positions);
  }
  return true;
}

/** What `conv2dBackwardWasm` writes: any gradient may be skipped (null). */
export interface ConvGradients {
  /** [N, C, H, W], overwritten. */
  readonly input: Float32Array | null;
  /** [O, C, kH, kW], overwritten (groups summed in float64). */
  readonly weight: Float32Array | null;
  /** [O], overwritten: Σ of dOut over images and positions, in float64 (NOTE(channel-sums)). */
  readonly bias: Float32Array | null;
}

/**
 * The input, weight and bias gradients of {@link conv2dForwardWasm} for the output gradient `gradOut`
 * [N, O, outH, outW], on the WebAssembly kernels (NOTE(implicit-im2col)). Returns false, touching
 * nothing, when the geometry does not fit the memory or the memory cannot grow.
 *
 * @example
 * conv2dBackwardWasm(rt, x, weight, gradOut, outChannels, g, { input: dx, weight: dWeight, bias: dBias });
 */
export function conv2dBackwardWasm(
  rt: WasmRuntime,
  x: Float32Array,
  weight: Float32Array,
  gradOut: Float32Array,
  outChannels: number,
  g: Conv2dGeometry,
  gradients: ConvGradients,
): boolean {
  if (gradients.input === null && gradients.weight === null && gradients.bias === null) return true;
  const s = convShape(g, outChannels);
  const r = chooseRegions(s, {
    pass: 'backward',
    withBias: false,
    inputGradient: gradients.input !== null,
    weightGradient: gradients.weight !== null,
  });
  if (r === null || !reserveHeap(rt, r.end)) return false;
  writeTables(rt, s, r);
  if (gradients.input !== null) rt.heap.set(weight, r.weight >> 2);
  const { patch, positions } = s;
  const weightSum = gradients.weight !== null ? new Float64Array(outChannels * patch) : null;
  const channelRows = r.channelRows!;
  const nchwColumns = r.nchwColumns!;
  const channelSums = r.channelSums!;
  new Float64Array(rt.memory.buffer, channelSums, outChannels).fill(0);
  for (const [first, count] of groups(g.batch, r.group)) {
    const columns = count * positions;
    const from = first * outChannels * positions;
    rt.heap.set(gradOut.subarray(from, from + columns * outChannels), r.nchw >> 2);
    if (gradients.bias !== null) rt.conv.channelSums(r.nchw, count, outChannels, positions, channelSums);
    if (weightSum !== null && r.weightProduct !== null) {
      // dW [O × patch] = dOut [O × columns] · colsᵀ, both gathered.
      loadImages(rt, s, r, x, first, count);
      const gradOperand: HeapOperand = { base: r.nchw, rowTable: channelRows, depthTable: nchwColumns };
      const patchesT: HeapOperand = { base: r.padded, rowTable: r.taps, depthTable: r.corners };
      sgemmInHeap(rt, outChannels, columns, patch, gradOperand, patchesT, r.weightProduct);
      const { c, ldc } = r.weightProduct;
      for (let o = 0; o < outChannels; o++) {
        const row = (c >> 2) + o * ldc;
        for (let p = 0; p < patch; p++) weightSum[o * patch + p]! += rt.heap[row + p]!;
      }
    }
    if (gradients.input !== null && r.gradientPadded !== null && r.contiguous !== null && r.product !== null) {
      // dCols [patch × columns] = Wᵀ · dOut, then col2im from C into the zeroed padded gradient.
      const weightT: HeapOperand = { offset: r.weight, rowStride: 4, depthStride: patch * 4 };
      const gradColumns: HeapOperand = { base: r.nchw, rowTable: nchwColumns, depthTable: channelRows };
      sgemmInHeap(rt, patch, outChannels, columns, weightT, gradColumns, r.product);
      const padded = r.gradientPadded >> 2;
      rt.heap.fill(0, padded, padded + count * s.paddedImage);
      rt.conv.col2im(r.product.c, r.product.ldc * 4, patch, columns, r.taps, r.corners, r.contiguous, r.gradientPadded);
      let result = padded;
      if (r.gradientImages !== null) {
        const interior = r.gradientPadded + (g.padHeight * s.paddedWidth + g.padWidth) * 4;
        rt.conv.copyPlanes(
          interior,
          r.gradientImages,
          count * g.channels,
          g.height,
          g.width,
          s.paddedHeight * s.paddedWidth * 4,
          s.paddedWidth * 4,
          g.height * g.width * 4,
          g.width * 4,
          0,
          0,
        );
        result = r.gradientImages >> 2;
      }
      gradients.input.set(rt.heap.subarray(result, result + count * s.image), first * s.image);
    }
  }
  if (gradients.weight !== null && weightSum !== null) gradients.weight.set(weightSum);
  if (gradients.bias !== null) gradients.bias.set(new Float64Array(rt.memory.buffer, channelSums, outChannels));
  return true;
}
