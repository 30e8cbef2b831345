// MaxPool2d, AvgPool2d and AdaptiveAvgPool2d modules over NCHW input (stride defaults to the
// kernel, as in PyTorch). Imports the Tensor layer and nn/module.
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Size2d } from '../tensor/functional.js';
import type { Tensor } from '../tensor/tensor.js';
import { toPair } from './conv2d.js';
import { Module } from './module.js';
import type { AdaptivePool2dSpec, Pool2dSpec } from './spec-types.js';

/** Options of the pooling modules. */
export interface Pool2dLayerOptions {
  stride?: Size2d;
  padding?: Size2d;
  /** Round the output size up (PyTorch's `ceil_mode`). Default false. */
  ceilMode?: boolean;
}

/** Options of `MaxPool2d`. */
export interface MaxPool2dLayerOptions extends Pool2dLayerOptions {
  /** Spacing of a window's elements. Default 1. */
  dilation?: Size2d;
}

/** Options of `AvgPool2d`. */
export interface AvgPool2dLayerOptions extends Pool2dLayerOptions {
  /** Divide by the window size with padding (default true, as in PyTorch) or by the real elements only. */
  countIncludePad?: boolean;
}

abstract class Pool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly ceilMode: boolean;

  constructor(kernelSize: Size2d, options: Pool2dLayerOptions = {}) {
    super();
    this.kernelSize = toPair(kernelSize);
    this.stride = toPair(options.stride ?? kernelSize);
    this.padding = toPair(options.padding ?? 0);
    this.ceilMode = options.ceilMode ?? false;
  }

  /** The spec, with the options that PyTorch defaults only when they differ from the default (older specs stay byte-identical). */
  protected spec(type: Pool2dSpec['type']): Pool2dSpec {
    const spec: Pool2dSpec = { type, kernel: this.kernelSize, stride: this.stride, padding: this.padding };
    if (this.ceilMode) spec.ceilMode = true;
    return spec;
  }
}

/** Max over each window. @example `new MaxPool2d(2).forward(x)` halves H and W */
export class MaxPool2d extends Pool2d {
  readonly dilation: [number, number];

  constructor(kernelSize: Size2d, options: MaxPool2dLayerOptions = {}) {
    super(kernelSize, options);
    this.dilation = toPair(options.dilation ?? 1);
  }
  forward(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    });
  }
  override toSpec(): Pool2dSpec {
    const spec = this.spec('maxPool2d');
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) spec.dilation = this.dilation;
    return spec;
  }
}

/** Mean over each window (padding counts as zeros). @example `new AvgPool2d(2).forward(x)` */
export class AvgPool2d extends Pool2d {
  readonly countIncludePad: boolean;

  constructor(kernelSize: Size2d, options: AvgPool2dLayerOptions = {}) {
    super(kernelSize, options);
    this.countIncludePad = options.countIncludePad ?? true;
  }
  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
    });
  }
  override toSpec(): Pool2dSpec {
    const spec = this.spec('avgPool2d');
    if (!this.countIncludePad) spec.countIncludePad = false;
    return spec;
  }
}

/**
 * Average pooling to a fixed output size (PyTorch's `nn.AdaptiveAvgPool2d`); `1` is global average pooling.
 *
 * @example
 * ```ts
 * const head = new Sequential(new AdaptiveAvgPool2d(1), new Flatten(), new Linear(64, 10));
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: [number, number];

  constructor(outputSize: Size2d) {
    super();
    this.outputSize = toPair(outputSize);
    for (const size of this.outputSize) {
      if (!Number.isInteger(size) || size < 1)
        throw new Error(`AdaptiveAvgPool2d: outputSize must hold integers ≥ 1, got ${String(size)}`);
    }
  }
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }
  override toSpec(): AdaptivePool2dSpec {
    return { type: 'adaptiveAvgPool2d', output: this.outputSize };
  }
}
