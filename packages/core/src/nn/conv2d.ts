// Conv2d: a learnable 2-D convolution over NCHW input, PyTorch's layout and initialisation.
// Imports the Tensor layer, nn/module and nn/init.
import type { Generator } from '../random/generator.js';
import { zeros } from '../tensor/create.js';
import { conv2d, type Size2d } from '../tensor/functional.js';
import type { Tensor } from '../tensor/tensor.js';
import { kaimingUniform, uniform } from './init.js';
import { checkPositiveInteger, Module } from './module.js';
import type { Conv2dSpec } from './spec-types.js';

/** Options of `Conv2d`. */
export interface Conv2dLayerOptions {
  stride?: Size2d;
  padding?: Size2d;
  bias?: boolean;
  generator?: Generator;
}

/** [height, width] from one number or a pair. */
export function toPair(size: Size2d): [number, number] {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

/**
 * 2-D convolution: [N, in, H, W] → [N, out, H', W']. Weight [out, in, kH, kW] and bias start as
 * U(−1/√fanIn, 1/√fanIn) with fanIn = in·kH·kW, as in PyTorch.
 *
 * @example
 * ```ts
 * const conv = new Conv2d(1, 6, 5, { padding: 2 });
 * conv.forward(randn([8, 1, 28, 28])).shape; // [8, 6, 28, 28]
 * ```
 */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2d,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    checkPositiveInteger('Conv2d', 'inChannels', inChannels);
    checkPositiveInteger('Conv2d', 'outChannels', outChannels);
    const { bias = true, generator } = options;
    this.kernelSize = toPair(kernelSize);
    this.kernelSize.forEach((length) => checkPositiveInteger('Conv2d', 'kernelSize', length));
    this.stride = toPair(options.stride ?? 1);
    this.padding = toPair(options.padding ?? 0);
    const shape = [outChannels, inChannels, ...this.kernelSize];
    this.weight = this.registerParameter('weight', kaimingUniform(zeros(shape), { a: Math.sqrt(5), generator }));
    const fanIn = inChannels * this.kernelSize[0] * this.kernelSize[1];
    const bound = 1 / Math.sqrt(fanIn);
    this.bias = bias ? this.registerParameter('bias', uniform(zeros([outChannels]), -bound, bound, generator)) : null;
  }

  forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, { bias: this.bias ?? undefined, stride: this.stride, padding: this.padding });
  }

  toSpec(): Conv2dSpec {
    return {
      type: 'conv2d',
      in: this.inChannels,
      out: this.outChannels,
      kernel: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      ...(this.bias === null ? { bias: false } : {}),
    };
  }
}
