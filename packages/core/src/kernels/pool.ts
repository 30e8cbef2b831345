// Raw Float32Array kernels for 2-D max and average pooling (NCHW, row-major, contiguous), forward and
// backward, with dilation (max), ceil mode and either divisor (average), PyTorch's window rules;
// max pooling's forward runs on WebAssembly where this thread has it and the sweep fits it. Imports only kernels/.

import { wasmKernels } from './backend.js';
import type { PoolSweep } from './pool-geometry.js';
import { maxPool2dForwardWasm } from './wasm/pool.js';

// NOTE(pool-padding): as in PyTorch, padding may be at most half the kernel. Without dilation that
// keeps at least one real input in every window, so max pooling has an index to record and padding
// (read as −Infinity) never wins. A dilated window can fall entirely on padding: PyTorch then
// outputs −Infinity, and so do we, with no index (−1) and no gradient.

/** The first index ≥ 0 on the grid start, start + step, … (start itself when it is not negative). */
function firstInside(start: number, step: number): number {
  return start >= 0 ? start : start + Math.ceil(-start / step) * step;
}

/**
 * Max pooling of `input` [N, C, H, W] into `out` [N, C, outH, outW]. For each output,
 * `argmaxIndex` receives the flat index into `input` of the chosen element, for
 * {@link maxPool2dBackward}. Padding counts as −Infinity; ties go to the first element in
 * row-major window order; a NaN in the window wins (the first one), as in PyTorch.
 *
 * @example
 * const g = conv2dGeometry({ batch: 1, channels: 1, height: 4, width: 4, kernelHeight: 2, kernelWidth: 2,
 *   strideHeight: 2, strideWidth: 2, padHeight: 0, padWidth: 0 });
 * const out = new Float32Array(4), argmax = new Int32Array(4);
 * maxPool2dForward(input, g, out, argmax);
 */
export function maxPool2dForward(input: Float32Array, g: PoolSweep, out: Float32Array, argmaxIndex: Int32Array): void {
  checkPoolBuffers('maxPool2dForward', input, 'input', out, 'out', g);
  if (argmaxIndex.length !== out.length) {
    throw new Error(
      `maxPool2dForward: argmaxIndex has length ${argmaxIndex.length}, expected ${out.length} (one per output)`,
    );
  }
  const rt = wasmKernels();
  if (rt !== null && maxPool2dForwardWasm(rt, input, g, out, argmaxIndex)) return;
  const { height, width, kernelHeight, kernelWidth } = g;
  const { strideHeight, strideWidth, padHeight, padWidth, outHeight, outWidth } = g;
  const dilationHeight = g.dilationHeight ?? 1;
  const dilationWidth = g.dilationWidth ?? 1;
  const planes = g.batch * g.channels;

  let outIndex = 0;
  for (let plane = 0; plane < planes; plane++) {
    const planeOffset = plane * height * width;
    for (let oh = 0; oh < outHeight; oh++) {
      const hStart = oh * strideHeight - padHeight;
      const hFrom = firstInside(hStart, dilationHeight);
      const hTo = Math.min(hStart + (kernelHeight - 1) * dilationHeight + 1, height);
      for (let ow = 0; ow < outWidth; ow++) {
        const wStart = ow * strideWidth - padWidth;
        const wFrom = firstInside(wStart, dilationWidth);
        const wTo = Math.min(wStart + (kernelWidth - 1) * dilationWidth + 1, width);
        if (hFrom >= hTo || wFrom >= wTo) {
          // Only padding in this (dilated) window: NOTE(pool-padding).
          out[outIndex] = -Infinity;
          argmaxIndex[outIndex++] = -1;
          continue;
        }

        // Start from the first real element, so an all −Infinity window still records an index.
        let bestIndex = planeOffset + hFrom * width + wFrom;
        let best = input[bestIndex]!;
        for (let ih = hFrom; ih < hTo; ih += dilationHeight) {
          for (let iw = wFrom; iw < wTo; iw += dilationWidth) {
            const index = planeOffset + ih * width + iw;
            const value = input[index]!;
            // Strictly greater keeps the first of equal values; once best is NaN nothing replaces it.
            if (value > best || (Number.isNaN(value) && !Number.isNaN(best))) {
              best = value;
              bestIndex = index;
            }
          }
        }
        out[outIndex] = best;
        argmaxIndex[outIndex] = bestIndex;
        outIndex++;
      }
    }
  }
}

/**
 * Backward of {@link maxPool2dForward}: `gradInput[argmaxIndex[i]] += gradOut[i]` for every output
 * `i` that has an index (not −1). Accumulates; zero `gradInput` first for a fresh gradient.
 *
 * @example
 * maxPool2dBackward(gradOut, argmax, gradInput); // argmax as filled by maxPool2dForward
 */
export function maxPool2dBackward(gradOut: Float32Array, argmaxIndex: Int32Array, gradInput: Float32Array): void {
  if (argmaxIndex.length !== gradOut.length) {
    throw new Error(
      `maxPool2dBackward: argmaxIndex has length ${argmaxIndex.length} but gradOut has length ` +
        `${gradOut.length}; pass the argmaxIndex that maxPool2dForward filled for this output`,
    );
  }
  for (let i = 0; i < gradOut.length; i++) {
    const index = argmaxIndex[i]!;
    if (index >= 0) gradInput[index]! += gradOut[i]!; // −1: a window of padding only
  }
}

/**
 * PyTorch's average window along one axis: the window [start, start + kernel) clipped to the input
 * and its padding gives the divisor with padding; clipped to the input it gives the real elements.
 */
function averageWindow(
  index: number,
  stride: number,
  pad: number,
  kernel: number,
  size: number,
): { from: number; to: number; withPad: number } {
  const start = index * stride - pad;
  const end = Math.min(start + kernel, size + pad);
  return { from: Math.max(start, 0), to: Math.min(end, size), withPad: end - start };
}

/** Calls `visit` for every output of an average-pooling sweep with its real window and divisor, in output order. */
function forEachAverageWindow(
  g: PoolSweep,
  visit: (
    outIndex: number,
    planeOffset: number,
    h: { from: number; to: number },
    w: { from: number; to: number },
    divisor: number,
  ) => void,
): void {
  const countIncludePad = g.countIncludePad ?? true;
  const planes = g.batch * g.channels;
  let outIndex = 0;
  for (let plane = 0; plane < planes; plane++) {
    const planeOffset = plane * g.height * g.width;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const h = averageWindow(oh, g.strideHeight, g.padHeight, g.kernelHeight, g.height);
      for (let ow = 0; ow < g.outWidth; ow++) {
        const w = averageWindow(ow, g.strideWidth, g.padWidth, g.kernelWidth, g.width);
        const divisor = countIncludePad ? h.withPad * w.withPad : (h.to - h.from) * (w.to - w.from);
        visit(outIndex++, planeOffset, h, w, divisor);
      }
    }
  }
}

/**
 * Average pooling of `input` [N, C, H, W] into `out` [N, C, outH, outW]. Padding counts as zero;
 * a window divides by its size with padding (`countIncludePad`, the default, PyTorch's
 * `count_include_pad=True`; a ceil-mode window past the padding counts only up to it) or by its
 * real elements. A window with no real element gives 0.
 *
 * @example
 * avgPool2dForward(input, g, out); // out.length === N·C·outH·outW
 */
export function avgPool2dForward(input: Float32Array, g: PoolSweep, out: Float32Array): void {
  checkPoolBuffers('avgPool2dForward', input, 'input', out, 'out', g);
  const width = g.width;
  forEachAverageWindow(g, (outIndex, planeOffset, h, w, divisor) => {
    let sum = 0;
    for (let ih = h.from; ih < h.to; ih++) {
      const rowOffset = planeOffset + ih * width;
      for (let iw = w.from; iw < w.to; iw++) sum += input[rowOffset + iw]!;
    }
    out[outIndex] = divisor > 0 ? sum / divisor : 0;
  });
}

/**
 * Backward of {@link avgPool2dForward}: each `gradOut` entry, divided by its window's divisor, is
 * added to every real input of its window (padding's share is dropped). Accumulates; zero
 * `gradInput` first.
 *
 * @example
 * avgPool2dBackward(gradOut, g, gradInput);
 */
export function avgPool2dBackward(gradOut: Float32Array, g: PoolSweep, gradInput: Float32Array): void {
  checkPoolBuffers('avgPool2dBackward', gradInput, 'gradInput', gradOut, 'gradOut', g);
  const width = g.width;
  forEachAverageWindow(g, (outIndex, planeOffset, h, w, divisor) => {
    if (divisor === 0) return;
    const share = gradOut[outIndex]! / divisor;
    for (let ih = h.from; ih < h.to; ih++) {
      const rowOffset = planeOffset + ih * width;
      for (let iw = w.from; iw < w.to; iw++) gradInput[rowOffset + iw]! += share;
    }
  });
}

function checkPoolBuffers(
  op: string,
  image: Float32Array,
  imageName: string,
  pooled: Float32Array,
  pooledName: string,
  g: PoolSweep,
): void {
  if (2 * g.padHeight > g.kernelHeight || 2 * g.padWidth > g.kernelWidth) {
    throw new Error(
      `${op}: padding ${g.padHeight}×${g.padWidth} is more than half the kernel ` +
        `${g.kernelHeight}×${g.kernelWidth}; use padding ≤ ${Math.floor(g.kernelHeight / 2)}×` +
        `${Math.floor(g.kernelWidth / 2)}`,
    );
  }
  const imageLength = g.batch * g.channels * g.height * g.width;
  if (image.length !== imageLength) {
    throw new Error(
      `${op}: ${imageName} has length ${image.length}, expected ` +
        `${g.batch}·${g.channels}·${g.height}·${g.width} = ${imageLength} (N·C·H·W)`,
    );
  }
  const pooledLength = g.batch * g.channels * g.outHeight * g.outWidth;
  if (pooled.length !== pooledLength) {
    throw new Error(
      `${op}: ${pooledName} has length ${pooled.length}, expected ` +
        `${g.batch}·${g.channels}·${g.outHeight}·${g.outWidth} = ${pooledLength} (N·C·outH·outW)`,
    );
  }
}
