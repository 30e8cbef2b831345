// Staging a minibatch on the main thread: checked against the model (NOTE(input-check) in minibatch.ts),
// cut into chunks, its loss divisor, copied once into the input buffers. Must not import node:* modules.
import type { Tensor } from '@backprop/core';
import type { BuiltModel } from './built-model.js';
import { chunkCount } from './chunks.js';
import type { Coordinator } from './coordinator.js';
import { ModelInputCheck } from './minibatch.js';
import type { LossName } from './protocol.js';

/** A minibatch in the input buffers: its chunks, samples, and what its loss's mean divides by. */
export interface StagedBatch {
  chunks: number;
  batchSize: number;
  divisor: number;
}

/**
 * What the loss's mean divides the summed loss and gradient by: B for crossEntropy, every target
 * element for mseLoss (as core's `mseLoss` does).
 *
 * @example
 * ```ts
 * lossDivisor('crossEntropy', 64, labels);  // 64
 * lossDivisor('mseLoss', 64, targets);      // targets.size, e.g. 64 × 3 = 192
 * ```
 */
export function lossDivisor(loss: LossName, batchSize: number, targets: Pick<Tensor, 'size'>): number {
  return loss === 'crossEntropy' ? batchSize : targets.size;
}

/**
 * The chunks of a step of `batchSize` samples. With BatchNorm in the model (known once it is built) a
 * last chunk of one sample joins the one before it: BatchNorm cannot normalise a single sample.
 *
 * @example
 * ```ts
 * chunksOf(built, 129, 64); // 2 with BatchNorm in the model, else 3
 * ```
 */
export function chunksOf(built: BuiltModel | null, batchSize: number, chunkSize: number): number {
  return chunkCount(batchSize, chunkSize, built !== null && built.statistics.layers.length > 0);
}

/**
 * Stages each minibatch of one trainer; the model check it runs is built on first use and caches the
 * sample shapes it has accepted.
 *
 * @example
 * ```ts
 * const staging = new BatchStaging({ loss: 'crossEntropy', chunkSize: 64, coordinator });
 * const { chunks, batchSize, divisor } = staging.stage(built, 'step', images, labels); // throws on a bad batch
 * ```
 */
export class BatchStaging {
  #inputCheck: ModelInputCheck | null = null;

  constructor(readonly options: { loss: LossName; chunkSize: number; coordinator: Pick<Coordinator, 'stage'> }) {}

  /** Checks a minibatch (errors name `operation`) and copies it into the input buffers. */
  stage(built: BuiltModel, operation: string, inputs: Tensor, targets: Tensor): StagedBatch {
    const { loss, chunkSize, coordinator } = this.options;
    this.#inputCheck ??= new ModelInputCheck(built.model, loss);
    const batchSize = this.#inputCheck.check(operation, inputs, targets);
    const chunks = chunksOf(built, batchSize, chunkSize);
    coordinator.stage(built, inputs, targets, chunks);
    return { chunks, batchSize, divisor: lossDivisor(loss, batchSize, targets) };
  }
}
