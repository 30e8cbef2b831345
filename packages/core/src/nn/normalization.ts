// BatchNorm1d, BatchNorm2d and LayerNorm: normalisation composed from Tensor ops; BatchNorm
// keeps running statistics as buffers. Imports the Tensor layer and nn/module.
import { formatShape } from '../kernels/shape.js';
import { ones, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import type { BatchNormSpec, LayerNormSpec } from './spec-types.js';

/** Options of the BatchNorm modules (PyTorch defaults). */
export interface BatchNormOptions {
  eps?: number;
  /** Weight of the newest batch in the running averages. Default 0.1. */
  momentum?: number;
}

/**
 * Normalises each channel (axis 1) over the batch and every other axis. Training uses the
 * batch's mean and biased variance and updates `running_mean` and `running_var` (unbiased);
 * evaluation uses the running values. Learnable `weight` (γ, ones) and `bias` (β, zeros).
 * The base of `BatchNorm1d` and `BatchNorm2d`.
 *
 * @example
 * ```ts
 * const norms = modules.filter((m): m is BatchNorm => m instanceof BatchNorm); // every BatchNorm layer of a model
 * ```
 */
export abstract class BatchNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly numBatchesTracked: Tensor;
  readonly eps: number;
  readonly momentum: number;
  /**
   * The statistics of the last batch seen in training: per-channel mean and biased variance, and
   * the number of values per channel they were taken over (null before the first training forward).
   */
  lastBatchStatistics: { mean: Float32Array; variance: Float32Array; count: number } | null = null;
  protected abstract readonly type: BatchNormSpec['type'];
  protected abstract readonly ranks: readonly number[];

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.weight = this.registerParameter('weight', ones([numFeatures]));
    this.bias = this.registerParameter('bias', zeros([numFeatures]));
    this.runningMean = this.registerBuffer('running_mean', zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', ones([numFeatures]));
    // Kept for PyTorch: its BatchNorm state dict has this key (int64 there, float32 here).
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', zeros([]));
  }

  forward(input: Tensor): Tensor {
    if (!this.ranks.includes(input.ndim) || input.shape[1] !== this.numFeatures) {
      throw new Error(
        `${this.type}: expected input of rank ${this.ranks.join(' or ')} with ${this.numFeatures} channels on axis 1, got ${formatShape(input.shape)}`,
      );
    }
    const axes = input.shape.map((_, axis) => axis).filter((axis) => axis !== 1);
    const channelShape = input.shape.map((length, axis) => (axis === 1 ? length : 1));
    let mean: Tensor;
    let variance: Tensor;
    if (this.training) {
      mean = input.mean(axes, true);
      variance = input.var(axes, { correction: 0, keepdims: true });
      const count = input.size / this.numFeatures;
      if (count < 2) throw new Error(`${this.type}: training needs more than one value per channel, got input ${formatShape(input.shape)}`);
      this.lastBatchStatistics = { mean: mean.data, variance: variance.data, count };
      this.updateRunningStatistics(mean.data, variance.data, count);
    } else {
      mean = this.runningMean.reshape(channelShape);
      variance = this.runningVar.reshape(channelShape);
    }
    const normalized = input.sub(mean).div(variance.add(this.eps).sqrt());
    return normalized.mul(this.weight.reshape(channelShape)).add(this.bias.reshape(channelShape));
  }

  /**
   * Folds one batch's statistics into the running ones, as a training forward does:
   * `running_mean ← (1 − momentum)·running_mean + momentum·mean`, the same for `running_var` with
   * the unbiased variance (`variance · count / (count − 1)`), and `num_batches_tracked += 1`.
   * Public so that a data-parallel trainer can replay its chunks' statistics in chunk order.
   *
   * @example
   * ```ts
   * const bn = new BatchNorm1d(2);
   * bn.updateRunningStatistics(Float32Array.of(1, 2), Float32Array.of(0.5, 0.5), 10);
   * bn.runningMean.data; // Float32Array [0.1, 0.2]
   * ```
   */
  updateRunningStatistics(mean: Float32Array, variance: Float32Array, count: number): void {
    if (mean.length !== this.numFeatures || variance.length !== this.numFeatures) {
      throw new Error(`${this.type}.updateRunningStatistics: expected ${this.numFeatures} values each, got mean ${mean.length} and variance ${variance.length}`);
    }
    if (!(count >= 2)) throw new Error(`${this.type}.updateRunningStatistics: count must be ≥ 2 values per channel, got ${count}`);
    this.numBatchesTracked.data[0]!++;
    const m = this.momentum;
    const unbiased = count / (count - 1);
    for (let c = 0; c < this.numFeatures; c++) {
      this.runningMean.data[c] = (1 - m) * this.runningMean.data[c]! + m * mean[c]!;
      this.runningVar.data[c] = (1 - m) * this.runningVar.data[c]! + m * variance[c]! * unbiased;
    }
  }

  toSpec(): BatchNormSpec {
    return { type: this.type, features: this.numFeatures, eps: this.eps, momentum: this.momentum };
  }
}

/** BatchNorm over [N, C] or [N, C, L]. @example `new BatchNorm1d(128)` */
export class BatchNorm1d extends BatchNorm {
  protected readonly type = 'batchNorm1d';
  protected readonly ranks = [2, 3];
}

/** BatchNorm over [N, C, H, W]. @example `new BatchNorm2d(16)` */
export class BatchNorm2d extends BatchNorm {
  protected readonly type = 'batchNorm2d';
  protected readonly ranks = [4];
}

/**
 * Normalises over the last `normalizedShape.length` axes of each sample, then scales and shifts
 * elementwise (`weight` ones, `bias` zeros, both of `normalizedShape`).
 *
 * @example `new LayerNorm([64]).forward(randn([8, 10, 64]))`
 */
export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(
    readonly normalizedShape: readonly number[],
    readonly eps = 1e-5,
  ) {
    super();
    this.weight = this.registerParameter('weight', ones(normalizedShape));
    this.bias = this.registerParameter('bias', zeros(normalizedShape));
  }

  forward(input: Tensor): Tensor {
    const rank = this.normalizedShape.length;
    const tail = input.shape.slice(input.ndim - rank);
    if (input.ndim < rank || tail.some((length, i) => length !== this.normalizedShape[i])) {
      throw new Error(`layerNorm: input ${formatShape(input.shape)} does not end with the normalized shape ${formatShape(this.normalizedShape)}`);
    }
    const axes = this.normalizedShape.map((_, i) => input.ndim - rank + i);
    const mean = input.mean(axes, true);
    const variance = input.var(axes, { correction: 0, keepdims: true });
    return input.sub(mean).div(variance.add(this.eps).sqrt()).mul(this.weight).add(this.bias);
  }

  toSpec(): LayerNormSpec {
    return { type: 'layerNorm', shape: [...this.normalizedShape], eps: this.eps };
  }
}
