// Conv2d: a learnable 2-D convolution over NCHW input, PyTorch's layout and initialisation.
// Imports the Tensor layer, nn/module and nn/init.
import type { Generator } from '../random/generator.js';
import { zeros } from '../tensor/create.js';
import { checkSamePaddingStride } from '../tensor/conv2d.js';
import { conv2d, type Conv2dPaddingMode, type Size2d } from '../tensor/functional.js';
import type { Tensor } from '../tensor/tensor.js';
import { kaimingUniform, uniform } from './init.js';
import { checkPositiveInteger, Module } from './module.js';
import type { Conv2dSpec } from './spec-types.js';

/** Options of `Conv2d`. */
export interface Conv2dLayerOptions {
  stride?: Size2d;
  /** Numbers, 'valid' (none) or 'same' (stride 1 only: another stride is refused here, as PyTorch does). Default 0. */
  padding?: Size2d | 'same' | 'valid';
  /** Spacing of the kernel's taps. Default 1. */
  dilation?: Size2d;
  /** Channel groups; in and out must be divisible by it (`groups = in` is depthwise). Default 1. */
  groups?: number;
  /** PyTorch's `padding_mode`. Default 'zeros'. */
  paddingMode?: Conv2dPaddingMode;
  bias?: boolean;
  generator?: Generator;
}

/** [height, width] from one number or a pair. */
export function toPair(size: Size2d): [number, number] {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

/**
 * 2-D convolution: [N, in, H, W] → [N, out, H', W']. Weight [out, in/groups, kH, kW] and bias start as
 * U(−1/√fanIn, 1/√fanIn) with fanIn = in/groups·kH·kW, as in PyTorch.
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
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: Conv2dPaddingMode;

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
    const padding = options.padding ?? 0;
    this.padding = padding === 'same' || padding === 'valid' ? padding : toPair(padding);
    checkSamePaddingStride('Conv2d', this.padding, this.stride);
    this.dilation = toPair(options.dilation ?? 1);
    this.groups = options.groups ?? 1;
    this.paddingMode = options.paddingMode ?? 'zeros';
    checkPositiveInteger('Conv2d', 'groups', this.groups);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new Error(
        `Conv2d: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${this.groups})`,
      );
    }
    const shape = [outChannels, inChannels / this.groups, ...this.kernelSize];
    this.weight = this.registerParameter('weight', kaimingUniform(zeros(shape), { a: Math.sqrt(5), generator }));
    const fanIn = (inChannels / this.groups) * this.kernelSize[0] * this.kernelSize[1];
    const bound = 1 / Math.sqrt(fanIn);
    this.bias = bias ? this.registerParameter('bias', uniform(zeros([outChannels]), -bound, bound, generator)) : null;
  }

  forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, {
      bias: this.bias ?? undefined,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      paddingMode: this.paddingMode,
    });
  }

  override toSpec(): Conv2dSpec {
    return {
      type: 'conv2d',
      in: this.inChannels,
      out: this.outChannels,
      kernel: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      // Options at their default stay out, so older specs are unchanged.
      ...(this.dilation[0] !== 1 || this.dilation[1] !== 1 ? { dilation: this.dilation } : {}),
      ...(this.groups !== 1 ? { groups: this.groups } : {}),
      ...(this.paddingMode !== 'zeros' ? { paddingMode: this.paddingMode } : {}),
      ...(this.bias === null ? { bias: false } : {}),
    };
  }
}
