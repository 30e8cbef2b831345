// The two benchmark models as Backprop JSON model specs. Backprop builds them with `buildModel` (and
// `DataParallelTrainer` in every worker); tfjs.ts builds the same layers with TF.js ops.
import type { ModelSpec } from '@backprop/core';
import type { ModelName } from '../tasks.js';

/** A benchmark model: its spec, and one sample's shape as Backprop reads it (NCHW for images). */
export interface BenchModel {
  readonly title: string;
  readonly spec: ModelSpec;
  readonly sampleShape: readonly number[];
}

/**
 * The MNIST MLP 784-128-10 and LeNet-5 (conv 5×5 → 6, pool, conv 5×5 → 16, pool, 120, 84, 10) on
 * 1×28×28 digits, both ReLU.
 */
export const MODELS: Readonly<Record<ModelName, BenchModel>> = {
  mlp: {
    title: 'MLP 784-128-10',
    spec: {
      type: 'sequential',
      layers: [{ type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 }],
    },
    sampleShape: [784],
  },
  lenet: {
    title: 'LeNet-5 (1×28×28)',
    spec: {
      type: 'sequential',
      layers: [
        { type: 'conv2d', in: 1, out: 6, kernel: 5, padding: 2 },
        { type: 'relu' },
        { type: 'maxPool2d', kernel: 2 },
        { type: 'conv2d', in: 6, out: 16, kernel: 5 },
        { type: 'relu' },
        { type: 'maxPool2d', kernel: 2 },
        { type: 'flatten' },
        { type: 'linear', in: 400, out: 120 },
        { type: 'relu' },
        { type: 'linear', in: 120, out: 84 },
        { type: 'relu' },
        { type: 'linear', in: 84, out: 10 },
      ],
    },
    sampleShape: [1, 28, 28],
  },
};
