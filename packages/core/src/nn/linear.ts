// Linear: y = x·Wᵀ + b, with PyTorch's layout ([out, in]) and default initialisation.
// Imports the Tensor layer, nn/module and nn/init.
import type { Generator } from '../random/generator.js';
import { zeros } from '../tensor/create.js';
import { linear } from '../tensor/functional.js';
import type { Tensor } from '../tensor/tensor.js';
import { kaimingUniform, uniform } from './init.js';
import { checkPositiveInteger, Module } from './module.js';
import type { LinearSpec } from './spec-types.js';

/** Options of `Linear`. */
export interface LinearOptions {
  bias?: boolean;
  /** Source of the initial weights (default: the global generator). */
  generator?: Generator;
}

/**
 * Fully connected layer: input [..., in] → output [..., out]. Weight [out, in] starts as
 * U(−1/√in, 1/√in), like PyTorch's (kaiming uniform with a = √5), and so does the bias.
 *
 * @example
 * ```ts
 * const layer = new Linear(784, 128);
 * layer.forward(randn([64, 784])).shape; // [64, 128]
 * ```
 */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkPositiveInteger('Linear', 'inFeatures', inFeatures);
    checkPositiveInteger('Linear', 'outFeatures', outFeatures);
    const { bias = true, generator } = options;
    this.weight = this.registerParameter(
      'weight',
      kaimingUniform(zeros([outFeatures, inFeatures]), { a: Math.sqrt(5), generator }),
    );
    const bound = 1 / Math.sqrt(inFeatures);
    this.bias = bias ? this.registerParameter('bias', uniform(zeros([outFeatures]), -bound, bound, generator)) : null;
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override toSpec(): LinearSpec {
    return {
      type: 'linear',
      in: this.inFeatures,
      out: this.outFeatures,
      ...(this.bias === null ? { bias: false } : {}),
    };
  }
}
