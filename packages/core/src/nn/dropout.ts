// Dropout: zeroes each element with probability p during training, seeded; identity in eval.
// Imports the Tensor layer, random/ (generator, global-generator) and nn/module.
import type { Generator } from '../random/generator.js';
import { globalGenerator } from '../random/global-generator.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import type { DropoutSpec } from './spec-types.js';

/** Options of `Dropout`. */
export interface DropoutOptions {
  /** Source of the masks (default: the global generator, see `manualSeed`). */
  generator?: Generator;
}

/**
 * Inverted dropout: in training each element is kept with probability 1 − p and scaled by
 * 1/(1 − p), so evaluation (identity) needs no rescaling.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.5, { generator: new Generator(0) });
 * drop.forward(ones([4])); // e.g. [2, 0, 2, 2]; after drop.eval(): [1, 1, 1, 1]
 * ```
 */
export class Dropout extends Module {
  generator: Generator | undefined;

  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: probability p must be in [0, 1], got ${p}`);
    this.generator = options.generator;
  }

  forward(input: Tensor): Tensor {
    if (!this.training || this.p === 0) return input;
    const generator = this.generator ?? globalGenerator();
    const keep = 1 - this.p;
    const scale = keep > 0 ? 1 / keep : 0;
    const mask = new Float32Array(input.size);
    for (let i = 0; i < mask.length; i++) mask[i] = generator.nextFloat() < keep ? scale : 0;
    return input.mul(new Tensor(mask, input.shape));
  }

  override toSpec(): DropoutSpec {
    return { type: 'dropout', p: this.p };
  }
}
