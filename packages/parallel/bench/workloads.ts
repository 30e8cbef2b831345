// The benchmarks' workloads: the MNIST MLP, LeNet-5 and `pnpm train`'s default recipe, each with its
// sample shape and block length; shared by scaling.bench.ts and ceiling.bench.ts.
import type { ModelSpec } from '@backprop/core';

export interface Workload {
  name: string;
  spec: ModelSpec;
  sample: number[];
  /** Steps per runner per round (fewer for the slow ones); the first of each block is not timed. */
  block: (batch: number) => number;
  /** Fixed batch sizes and chunkSize (the recipe's own), instead of BATCHES and CHUNK. */
  batches?: number[];
  chunkSize?: number;
}

export const workloads: Workload[] = [
  {
    name: 'mlp',
    spec: {
      type: 'sequential',
      layers: [{ type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 }],
    },
    sample: [784],
    block: (batch) => Math.max(4, Math.round(2048 / batch)),
  },
  {
    name: 'cnn',
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
    sample: [1, 28, 28],
    block: (batch) => Math.max(3, Math.round(1024 / batch)),
  },
  {
    // `pnpm train`'s default recipe (apps/cli/src/config/recipes.ts MNIST_RECIPE): the CLI's CNN with
    // channels 4 and 12, batch 32 in chunks of 16, Adam.
    name: 'recipe',
    spec: {
      type: 'sequential',
      layers: [
        { type: 'conv2d', in: 1, out: 4, kernel: 5, padding: 2 },
        { type: 'relu' },
        { type: 'maxPool2d', kernel: 2 },
        { type: 'conv2d', in: 4, out: 12, kernel: 5 },
        { type: 'relu' },
        { type: 'maxPool2d', kernel: 2 },
        { type: 'flatten' },
        { type: 'linear', in: 300, out: 120 },
        { type: 'relu' },
        { type: 'linear', in: 120, out: 84 },
        { type: 'relu' },
        { type: 'linear', in: 84, out: 10 },
      ],
    },
    sample: [1, 28, 28],
    block: () => 16,
    batches: [32],
    chunkSize: 16,
  },
];
