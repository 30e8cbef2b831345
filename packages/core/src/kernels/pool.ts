// Raw Float32Array kernels for 2-D max and average pooling (NCHW, row-major, contiguous), forward and
// backward; max pooling's forward runs on WebAssembly where this thread has it. Imports only kernels/.

import { wasmKernels } from './backend.js';
import type { Conv2dGeometry } from './conv.js';
import { maxPool2dForwardWasm } from './wasm/pool.js';

// NOTE(pool-padding): as in PyTorch, padding may be at most half the kernel. That keeps at least
// one real input in every window, so max pooling always has an index to record and padding (read
// as −Infinity) can never win.

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
export function maxPool2dForward(
  input: Float32Array,
  g: Conv2dGeometry,
  out: Float32Array,
  argmaxIndex: Int32Array,
): void {
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
  const planes = g.batch * g.channels;

  let outIndex = 0;
  for (let plane = 0; plane < planes; plane++) {
    const planeOffset = plane * height * width;
    for (let oh = 0; oh < outHeight; oh++) {
      const hStart = oh * strideHeight - padHeight;
      const hFrom = Math.max(hStart, 0);
      const hTo = Math.min(hStart + kernelHeight, height);
      for (let ow = 0; ow < outWidth; ow++) {
        const wStart = ow * strideWidth - padWidth;
        const wFrom = Math.max(wStart, 0);
        const wTo = Math.min(wStart + kernelWidth, width);

        // Start from the first real element, so an all −Infinity window still records an index.
        let bestIndex = planeOffset + hFrom * width + wFrom;
        let best = input[bestIndex]!;
        for (let ih = hFrom; ih < hTo; ih++) {
          for (let iw = wFrom; iw < wTo; iw++) {
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
 * `i`. Accumulates; zero `gradInput` first for a fresh gradient.
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
    gradInput[argmaxIndex[i]!]! += gradOut[i]!;
  }
}

/**
 * Average pooling of `input` [N, C, H, W] into `out` [N, C, outH, outW]. Padding counts as zero
 * and every window divides by kH·kW (PyTorch's default `count_include_pad=True`).
 *
 * @example
 * avgPool2dForward(input, g, out); // out.length === N·C·outH·outW
 */
export function avgPool2dForward(input: Float32Array, g: Conv2dGeometry, out: Float32Array): void {
  checkPoolBuffers('avgPool2dForward', input, 'input', out, 'out', g);
  const { height, width, kernelHeight, kernelWidth } = g;
  const { strideHeight, strideWidth, padHeight, padWidth, outHeight, outWidth } = g;
  const planes = g.batch * g.channels;
  const windowSize = kernelHeight * kernelWidth;

  let outIndex = 0;
  for (let plane = 0; plane < planes; plane++) {
    const planeOffset = plane * height * width;
    for (let oh = 0; oh < outHeight; oh++) {
      const hStart = oh * strideHeight - padHeight;
      const hFrom = Math.max(hStart, 0);
      const hTo = Math.min(hStart + kernelHeight, height);
      for (let ow = 0; ow < outWidth; ow++) {
        const wStart = ow * strideWidth - padWidth;
        const wFrom = Math.max(wStart, 0);
        const wTo = Math.min(wStart + kernelWidth, width);

        let sum = 0;
        for (let ih = hFrom; ih < hTo; ih++) {
          const rowOffset = planeOffset + ih * width;
          for (let iw = wFrom; iw < wTo; iw++) sum += input[rowOffset + iw]!;
        }
        out[outIndex++] = sum / windowSize;
      }
    }
  }
}

/**
 * Backward of {@link avgPool2dForward}: each `gradOut` entry, divided by kH·kW, is added to every
 * real input of its window (padding's share is dropped). Accumulates; zero `gradInput` first.
 *
 * @example
 * avgPool2dBackward(gradOut, g, gradInput);
 */
export function avgPool2dBackward(gradOut: Float32Array, g: Conv2dGeometry, gradInput: Float32Array): void {
  checkPoolBuffers('avgPool2dBackward', gradInput, 'gradInput', gradOut, 'gradOut', g);
  const { height, width, kernelHeight, kernelWidth } = g;
  const { strideHeight, strideWidth, padHeight, padWidth, outHeight, outWidth } = g;
  const planes = g.batch * g.channels;
  const windowSize = kernelHeight * kernelWidth;

  let outIndex = 0;
  for (let plane = 0; plane < planes; plane++) {
    const planeOffset = plane * height * width;
    for (let oh = 0; oh < outHeight; oh++) {
      const hStart = oh * strideHeight - padHeight;
      const hFrom = Math.max(hStart, 0);
      const hTo = Math.min(hStart + kernelHeight, height);
      for (let ow = 0; ow < outWidth; ow++) {
        const wStart = ow * strideWidth - padWidth;
        const wFrom = Math.max(wStart, 0);
        const wTo = Math.min(wStart + kernelWidth, width);

        const share = gradOut[outIndex++]! / windowSize;
        for (let ih = hFrom; ih < hTo; ih++) {
          const rowOffset = planeOffset + ih * width;
          for (let iw = wFrom; iw < wTo; iw++) gradInput[rowOffset + iw]! += share;
        }
      }
    }
  }
}

function checkPoolBuffers(
  op: string,
  image: Float32Array,
  imageName: string,
  pooled: Float32Array,
  pooledName: string,
  g: Conv2dGeometry,
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
