// MaxPool2d and AvgPool2d modules over NCHW input (stride defaults to the kernel, as in PyTorch).
// Imports the Tensor layer and nn/module.
import { avgPool2d, maxPool2d, type Size2d } from '../tensor/functional.js';
import type { Tensor } from '../tensor/tensor.js';
import { toPair } from './conv2d.js';
import { Module } from './module.js';
import type { Pool2dSpec } from './spec-types.js';

/** Options of the pooling modules. */
export interface Pool2dLayerOptions {
  stride?: Size2d;
  padding?: Size2d;
}

abstract class Pool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  constructor(kernelSize: Size2d, options: Pool2dLayerOptions = {}) {
    super();
    this.kernelSize = toPair(kernelSize);
    this.stride = toPair(options.stride ?? kernelSize);
    this.padding = toPair(options.padding ?? 0);
  }

  protected spec(type: Pool2dSpec['type']): Pool2dSpec {
    return { type, kernel: this.kernelSize, stride: this.stride, padding: this.padding };
  }
}

/** Max over each window. @example `new MaxPool2d(2).forward(x)` halves H and W */
export class MaxPool2d extends Pool2d {
  forward(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, { stride: this.stride, padding: this.padding });
  }
  toSpec(): Pool2dSpec {
    return this.spec('maxPool2d');
  }
}

/** Mean over each window (padding counts as zeros). @example `new AvgPool2d(2).forward(x)` */
export class AvgPool2d extends Pool2d {
  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, { stride: this.stride, padding: this.padding });
  }
  toSpec(): Pool2dSpec {
    return this.spec('avgPool2d');
  }
}
