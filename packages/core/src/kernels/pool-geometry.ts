// The window sweep of 2-D pooling: PyTorch's output-size rule with dilation and ceil mode, and the
// options that only pooling has. Imports only kernels/conv (the geometry it extends).
import type { Conv2dGeometry, Conv2dGeometryOptions } from './conv.js';

/** A pooling sweep: a convolution geometry plus dilation (max pooling), ceil mode and the average's divisor rule. */
export interface Pool2dGeometry extends Conv2dGeometry {
  /** Spacing of a window's elements (1: adjacent). Max pooling only, as in PyTorch. */
  dilationHeight: number;
  dilationWidth: number;
  /** Whether the output size rounds up (a last, partial window), PyTorch's `ceil_mode`. */
  ceilMode: boolean;
  /** Whether average pooling divides by the window size with padding (true) or by its real elements only. */
  countIncludePad: boolean;
}

/**
 * A sweep as the kernels read it: a `Pool2dGeometry`, or a plain convolution geometry
 * (dilation 1, padding counted in the average's divisor — PyTorch's defaults).
 */
export type PoolSweep = Conv2dGeometry &
  Partial<Pick<Pool2dGeometry, 'dilationHeight' | 'dilationWidth' | 'countIncludePad'>>;

/** What {@link pool2dGeometry} needs; the pooling-only options default to PyTorch's. */
export interface Pool2dGeometryOptions extends Conv2dGeometryOptions {
  dilationHeight?: number;
  dilationWidth?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/**
 * PyTorch's `pooling_output_shape`: ⌊(in + 2·pad − dilation·(kernel − 1) − 1 + (ceil ? stride − 1 : 0)) / stride⌋ + 1,
 * and in ceil mode one less when the last window would start past the input and its left padding.
 *
 * @example
 * poolOutputSize({ size: 5, kernel: 2, stride: 2, pad: 0, dilation: 1, ceilMode: true }); // 3
 */
export function poolOutputSize(axis: {
  size: number;
  kernel: number;
  stride: number;
  pad: number;
  dilation: number;
  ceilMode: boolean;
}): number {
  const { size, kernel, stride, pad, dilation, ceilMode } = axis;
  const span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/**
 * Validates a pooling sweep and derives its output size ({@link poolOutputSize}). Padding may be at
 * most half the kernel (NOTE(pool-padding) in kernels/pool.ts), as PyTorch requires.
 *
 * @example
 * const g = pool2dGeometry({ batch: 1, channels: 1, height: 5, width: 5, kernelHeight: 2, kernelWidth: 2,
 *   strideHeight: 2, strideWidth: 2, padHeight: 0, padWidth: 0, ceilMode: true });
 * g.outHeight; // 3
 */
export function pool2dGeometry(opts: Pool2dGeometryOptions): Pool2dGeometry {
  const { batch, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth } =
    opts;
  const { dilationHeight = 1, dilationWidth = 1, ceilMode = false, countIncludePad = true } = opts;
  const integers: Array<[string, number, number]> = [
    ['batch', batch, 1],
    ['channels', channels, 1],
    ['height', height, 1],
    ['width', width, 1],
    ['kernelHeight', kernelHeight, 1],
    ['kernelWidth', kernelWidth, 1],
    ['strideHeight', strideHeight, 1],
    ['strideWidth', strideWidth, 1],
    ['padHeight', padHeight, 0],
    ['padWidth', padWidth, 0],
    ['dilationHeight', dilationHeight, 1],
    ['dilationWidth', dilationWidth, 1],
  ];
  for (const [name, value, min] of integers) {
    if (!Number.isInteger(value) || value < min)
      throw new Error(`pool2dGeometry: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
  if (2 * padHeight > kernelHeight || 2 * padWidth > kernelWidth) {
    throw new Error(
      `pool2dGeometry: padding ${padHeight}×${padWidth} is more than half the kernel ${kernelHeight}×${kernelWidth}; ` +
        `use padding ≤ ${Math.floor(kernelHeight / 2)}×${Math.floor(kernelWidth / 2)}`,
    );
  }
  const outHeight = poolOutputSize({
    size: height,
    kernel: kernelHeight,
    stride: strideHeight,
    pad: padHeight,
    dilation: dilationHeight,
    ceilMode,
  });
  const outWidth = poolOutputSize({
    size: width,
    kernel: kernelWidth,
    stride: strideWidth,
    pad: padWidth,
    dilation: dilationWidth,
    ceilMode,
  });
  if (outHeight < 1 || outWidth < 1) {
    throw new Error(
      `pool2dGeometry: kernel ${kernelHeight}×${kernelWidth} (dilation ${dilationHeight}×${dilationWidth}) does not fit input ` +
        `${height}×${width} with padding ${padHeight}×${padWidth} (output would be ${outHeight}×${outWidth}); use a smaller kernel or more padding`,
    );
  }
  return {
    batch,
    channels,
    height,
    width,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    padHeight,
    padWidth,
    outHeight,
    outWidth,
    dilationHeight,
    dilationWidth,
    ceilMode,
    countIncludePad,
  };
}
