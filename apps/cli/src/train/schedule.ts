// `--schedule`: the learning-rate scheduler over the whole run, stepped once per optimizer step.
import {
  CosineAnnealingLR,
  OneCycleLR,
  StepLR,
  type LearningRateScheduler,
  type ScheduledOptimizer,
} from '@backprop/core';
import type { TrainConfig } from '../config/train-config.js';

/**
 * The scheduler `schedule` names over `totalSteps` steps, or `null` for a constant rate.
 * cosine: from lr down to 0; step: ×0.1 after each third; onecycle: up to lr over 30%, then down.
 *
 * @example
 * ```ts
 * const scheduler = createScheduler('cosine', trainer.optimizer, 10 * 125);
 * ```
 */
export function createScheduler(
  schedule: TrainConfig['schedule'],
  optimizer: ScheduledOptimizer,
  totalSteps: number,
): LearningRateScheduler | null {
  switch (schedule) {
    case 'constant':
      return null;
    case 'cosine':
      return new CosineAnnealingLR(optimizer, { tMax: totalSteps });
    case 'step':
      return new StepLR(optimizer, { stepSize: Math.max(1, Math.floor(totalSteps / 3)), gamma: 0.1 });
    case 'onecycle':
      return new OneCycleLR(optimizer, { maxLr: optimizer.learningRate, totalSteps });
  }
}
