// The checks a minibatch passes before any worker sees it: tensors, a batch axis, matching sample
// counts, class-index targets for crossEntropy. Must not import node:* modules.
import { Tensor } from '@backprop/core';
import type { LossName } from './transport.js';

/**
 * The batch size of (inputs, targets), or an error naming the call (`op`) and what is wrong.
 *
 * @example
 * ```ts
 * checkMinibatch('step', 'crossEntropy', images, labels); // 64 for images [64, 784], labels [64]
 * ```
 */
export function checkMinibatch(op: string, loss: LossName, inputs: Tensor, targets: Tensor): number {
  if (!(inputs instanceof Tensor) || !(targets instanceof Tensor)) {
    throw new Error(`DataParallelTrainer.${op}: inputs and targets must be Tensors`);
  }
  const batchSize = inputs.shape[0];
  if (inputs.ndim < 1 || batchSize === undefined || batchSize < 1) {
    throw new Error(`DataParallelTrainer.${op}: inputs need a batch axis with at least one sample, got shape [${inputs.shape.join(', ')}]`);
  }
  if (targets.shape[0] !== batchSize) {
    throw new Error(
      `DataParallelTrainer.${op}: inputs and targets differ in sample count: inputs [${inputs.shape.join(', ')}] has ${batchSize}, targets [${targets.shape.join(', ')}] has ${targets.shape[0] ?? 'none'}`,
    );
  }
  if (loss === 'crossEntropy' && targets.ndim !== 1) {
    throw new Error(`DataParallelTrainer.${op}: crossEntropy targets are class indices of shape [${batchSize}], got [${targets.shape.join(', ')}]`);
  }
  return batchSize;
}
