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
  /** Weight of the newest batch in the running averages; null for their cumulative average (1/batches tracked). Default 0.1. */
  momentum?: number | null;
  /** Learnable per-channel `weight` and `bias`. Default true. */
  affine?: boolean;
  /** Keep running statistics (buffers); without them evaluation uses the batch's statistics too. Default true. */
  trackRunningStats?: boolean;
}

/** Options of `LayerNorm`. */
export interface LayerNormOptions {
  eps?: number;
  /** Learnable elementwise `weight` and `bias` (PyTorch's `elementwise_affine`). Default true. */
  elementwiseAffine?: boolean;
}

/**
 * Normalises each channel (axis 1) over the batch and every other axis. Training uses the
 * batch's mean and biased variance and updates `running_mean` and `running_var` (unbiased);
 * evaluation uses the running values. Learnable `weight` (γ, ones) and `bias` (β, zeros) unless
 * `affine: false`; without running statistics (`trackRunningStats: false`, PyTorch's
 * `track_running_stats`) there are no buffers and evaluation normalises with the batch's own
 * statistics, as in PyTorch. The base of `BatchNorm1d` and `BatchNorm2d`.
 *
 * @example
 * ```ts
 * const norms = modules.filter((m): m is BatchNorm => m instanceof BatchNorm); // every BatchNorm layer of a model
 * ```
 */
export abstract class BatchNorm extends Module {
  /** null with `affine: false`. */
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  /** The running statistics: null with `trackRunningStats: false`. */
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
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
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    const { affine = true, trackRunningStats = true } = options;
    this.weight = affine ? this.registerParameter('weight', ones([numFeatures])) : null;
    this.bias = affine ? this.registerParameter('bias', zeros([numFeatures])) : null;
    this.runningMean = trackRunningStats ? this.registerBuffer('running_mean', zeros([numFeatures])) : null;
    this.runningVar = trackRunningStats ? this.registerBuffer('running_var', ones([numFeatures])) : null;
    // Kept for PyTorch: its BatchNorm state dict has this key (int64 there, float32 here).
    this.numBatchesTracked = trackRunningStats ? this.registerBuffer('num_batches_tracked', zeros([])) : null;
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
    if (this.training || this.runningMean === null || this.runningVar === null) {
      mean = input.mean(axes, true);
      variance = input.var(axes, { correction: 0, keepdims: true });
      const count = input.size / this.numFeatures;
      if (count < 2)
        throw new Error(
          `${this.type}: batch statistics need more than one value per channel, got input ${formatShape(input.shape)}`,
        );
      if (this.training && this.runningMean !== null) {
        this.lastBatchStatistics = { mean: mean.data, variance: variance.data, count };
        this.updateRunningStatistics(mean.data, variance.data, count);
      }
    } else {
      mean = this.runningMean.reshape(channelShape);
      variance = this.runningVar.reshape(channelShape);
    }
    const normalized = input.sub(mean).div(variance.add(this.eps).sqrt());
    if (this.weight === null || this.bias === null) return normalized;
    return normalized.mul(this.weight.reshape(channelShape)).add(this.bias.reshape(channelShape));
  }

  /**
   * Folds one batch's statistics into the running ones, as a training forward does:
   * `num_batches_tracked += 1`, then `running_mean ← (1 − m)·running_mean + m·mean` with m the
   * momentum (or 1/num_batches_tracked when it is null: the cumulative average), the same for
   * `running_var` with the unbiased variance (`variance · count / (count − 1)`).
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
      throw new Error(
        `${this.type}.updateRunningStatistics: expected ${this.numFeatures} values each, got mean ${mean.length} and variance ${variance.length}`,
      );
    }
    if (!(count >= 2))
      throw new Error(`${this.type}.updateRunningStatistics: count must be ≥ 2 values per channel, got ${count}`);
    if (this.runningMean === null || this.runningVar === null || this.numBatchesTracked === null) {
      throw new Error(
        `${this.type}.updateRunningStatistics: this layer keeps no running statistics (trackRunningStats: false)`,
      );
    }
    const tracked = ++this.numBatchesTracked.data[0]!;
    const m = this.momentum ?? 1 / tracked;
    const unbiased = count / (count - 1);
    for (let c = 0; c < this.numFeatures; c++) {
      this.runningMean.data[c] = (1 - m) * this.runningMean.data[c]! + m * mean[c]!;
      this.runningVar.data[c] = (1 - m) * this.runningVar.data[c]! + m * variance[c]! * unbiased;
    }
  }

  override toSpec(): BatchNormSpec {
    return {
      type: this.type,
      features: this.numFeatures,
      eps: this.eps,
      momentum: this.momentum,
      // Options at their default stay out, so older specs are unchanged.
      ...(this.weight === null ? { affine: false } : {}),
      ...(this.runningMean === null ? { trackRunningStats: false } : {}),
    };
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
 * elementwise (`weight` ones, `bias` zeros, both of `normalizedShape`; none with
 * `elementwiseAffine: false`). The second argument is `eps` or the options.
 *
 * @example `new LayerNorm([64]).forward(randn([8, 10, 64]))`, `new LayerNorm([64], { elementwiseAffine: false })`
 */
export class LayerNorm extends Module {
  /** null with `elementwiseAffine: false`. */
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly eps: number;

  constructor(
    readonly normalizedShape: readonly number[],
    options: number | LayerNormOptions = 1e-5,
  ) {
    super();
    const { eps = 1e-5, elementwiseAffine = true } = typeof options === 'number' ? { eps: options } : options;
    this.eps = eps;
    this.weight = elementwiseAffine ? this.registerParameter('weight', ones(normalizedShape)) : null;
    this.bias = elementwiseAffine ? this.registerParameter('bias', zeros(normalizedShape)) : null;
  }

  forward(input: Tensor): Tensor {
    const rank = this.normalizedShape.length;
    const tail = input.shape.slice(input.ndim - rank);
    if (input.ndim < rank || tail.some((length, i) => length !== this.normalizedShape[i])) {
      throw new Error(
        `layerNorm: input ${formatShape(input.shape)} does not end with the normalized shape ${formatShape(this.normalizedShape)}`,
      );
    }
    const axes = this.normalizedShape.map((_, i) => input.ndim - rank + i);
    const mean = input.mean(axes, true);
    const variance = input.var(axes, { correction: 0, keepdims: true });
    const normalized = input.sub(mean).div(variance.add(this.eps).sqrt());
    return this.weight === null || this.bias === null ? normalized : normalized.mul(this.weight).add(this.bias);
  }

  override toSpec(): LayerNormSpec {
    return {
      type: 'layerNorm',
      shape: [...this.normalizedShape],
      eps: this.eps,
      ...(this.weight === null ? { elementwiseAffine: false } : {}),
    };
  }
}
