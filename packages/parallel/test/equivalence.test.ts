// Equivalence: one parallel step equals one plain @backprop/core step on the whole minibatch (loss,
// gradient, updated parameters within 1e-5 relative), for W ∈ {1, 2, 3} and B ∈ {1, 7, 64}.
import type { ModelSpec, Tensor } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DataParallelTrainer } from '../src/node.js';
import type { OptimizerChoice } from '../src/options.js';
import { batch, cnn, mlp, PlainTrainer, relativeError } from './helpers.js';

const TOLERANCE = 1e-5;
const trainers: DataParallelTrainer[] = [];
afterAll(async () => {
  await Promise.all(trainers.map((trainer) => trainer.close()));
});

/** Steps both trainers on each batch in turn (so optimizer state carries over) and compares every step. */
async function expectEquivalent(options: {
  spec: ModelSpec;
  optimizer: OptimizerChoice;
  workers: number;
  batches: Array<{ inputs: Tensor; targets: Tensor }>;
  loss?: 'crossEntropy' | 'mse';
}): Promise<void> {
  const { spec, optimizer, workers, batches, loss = 'crossEntropy' } = options;
  const parallel = new DataParallelTrainer({ model: spec, loss, optimizer, workers, seed: 7, chunkSize: 4 });
  trainers.push(parallel);
  const plain = new PlainTrainer(spec, 7, optimizer, loss);
  for (const [index, { inputs, targets }] of batches.entries()) {
    const where = `W=${workers} B=${inputs.shape[0]} (step ${index + 1})`;
    const parallelLoss = await parallel.step(inputs, targets);
    const expected = plain.step(inputs, targets);
    expect(Math.abs(parallelLoss - expected.loss) / Math.abs(expected.loss), `loss, ${where}`).toBeLessThan(TOLERANCE);
    parallel.model.parameters().forEach((parameter, i) => {
      expect(relativeError(parameter.grad!.data, expected.gradients[i]!), `gradient ${i}, ${where}`).toBeLessThan(TOLERANCE);
      expect(relativeError(parameter.data, plain.model.parameters()[i]!.data), `parameter ${i}, ${where}`).toBeLessThan(TOLERANCE);
    });
  }
}

const mlpBatches = [1, 7, 64].map((size, i) => batch(100 + i, size, [12], 5));

describe('DataParallelTrainer equivalence with a plain core step', () => {
  for (const workers of [1, 2, 3]) {
    it(`MLP, SGD with momentum, W=${workers}, B = 1, 7, 64`, async () => {
      await expectEquivalent({ spec: mlp(), optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 }, workers, batches: mlpBatches });
    });
    it(`MLP, Adam, W=${workers}, B = 1, 7, 64`, async () => {
      await expectEquivalent({ spec: mlp(), optimizer: { type: 'adam', lr: 1e-2 }, workers, batches: mlpBatches });
    });
  }

  it('CNN, Adam, W=3, B = 7, 20', async () => {
    const batches = [7, 20].map((size, i) => batch(200 + i, size, [1, 8, 8], 3));
    await expectEquivalent({ spec: cnn, optimizer: { type: 'adam', lr: 1e-2 }, workers: 3, batches });
  });

  it('MLP, mse (mean over every element, like mseLoss), SGD, W=2, B = 7, 64', async () => {
    const batches = [7, 64].map((size, i) => {
      const { inputs } = batch(300 + i, size, [12], 5);
      return { inputs, targets: batch(400 + i, size, [5], 5).inputs };
    });
    await expectEquivalent({ spec: mlp(), optimizer: { type: 'sgd', lr: 0.05, momentum: 0.5 }, workers: 2, batches, loss: 'mse' });
  });
});
