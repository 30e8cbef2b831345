// Equivalence: one parallel step equals one plain @backprop/core step on the whole minibatch (loss,
// gradient, updated parameters within 1e-5 relative), for W ∈ {1, 2, 3, 4} and B ∈ {1, 7, 64, 257},
// an MLP and a CNN, with SGD + momentum and with Adam (optimizer state included); and for a model
// given as a module URL.
import type { ModelSpec, Tensor } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DataParallelTrainer } from '../src/node.js';
import type { ModelSource } from '../src/model-source.js';
import type { OptimizerSpec } from '@backprop/core';
import { batch, cnn, mlp, PlainTrainer, relativeError } from './helpers.js';

const TOLERANCE = 1e-5;
const trainers: DataParallelTrainer[] = [];
afterAll(async () => {
  await Promise.all(trainers.map((trainer) => trainer.close()));
});

/** Steps both trainers on each batch in turn (so optimizer state carries over) and compares every step. */
async function expectEquivalent(options: {
  spec: ModelSpec;
  optimizer: OptimizerSpec;
  workers: number;
  batches: Array<{ inputs: Tensor; targets: Tensor }>;
  loss?: 'crossEntropy' | 'mseLoss';
  /** What the parallel trainer gets instead of `spec` (a module URL building the same model). */
  model?: ModelSource;
}): Promise<void> {
  const { spec, optimizer, workers, batches, loss = 'crossEntropy', model = spec } = options;
  const parallel = new DataParallelTrainer({
    model,
    loss,
    optimizer,
    workers,
    maxWorkers: workers,
    seed: 7,
    chunkSize: 4,
  }); // W threads even on fewer cores
  await parallel.ready();
  trainers.push(parallel);
  const plain = new PlainTrainer(spec, 7, optimizer, loss);
  for (const [index, { inputs, targets }] of batches.entries()) {
    const where = `W=${workers} B=${inputs.shape[0]} (step ${index + 1})`;
    const parallelLoss = await parallel.step(inputs, targets);
    const expected = plain.step(inputs, targets);
    expect(Math.abs(parallelLoss - expected.loss) / Math.abs(expected.loss), `loss, ${where}`).toBeLessThan(TOLERANCE);
    parallel.model.parameters().forEach((parameter, i) => {
      expect(relativeError(parameter.grad!.data, expected.gradients[i]!), `gradient ${i}, ${where}`).toBeLessThan(
        TOLERANCE,
      );
      expect(relativeError(parameter.data, plain.model.parameters()[i]!.data), `parameter ${i}, ${where}`).toBeLessThan(
        TOLERANCE,
      );
    });
    // The workers updated the optimizer's state in shared memory; the main thread's optimizer reads it.
    const [parallelState, plainState] = [parallel.optimizer.stateDict().state, plain.optimizer.stateDict().state];
    expect(Object.keys(parallelState), `optimizer state, ${where}`).toEqual(Object.keys(plainState));
    for (const [index, entry] of Object.entries(plainState)) {
      for (const [key, value] of Object.entries(entry)) {
        const actual = parallelState[Number(index)]![key];
        if (typeof value === 'number') expect(actual, `optimizer ${key} ${index}, ${where}`).toBe(value);
        else
          expect(
            relativeError((actual as Tensor).data, value.data),
            `optimizer ${key} ${index}, ${where}`,
          ).toBeLessThan(TOLERANCE);
      }
    }
  }
}

const SIZES = [1, 7, 64, 257];
const mlpBatches = SIZES.map((size, i) => batch(100 + i, size, [12], 5));
const cnnBatches = SIZES.map((size, i) => batch(200 + i, size, [1, 8, 8], 3));
const optimizers: Array<[string, OptimizerSpec]> = [
  ['SGD with momentum', { type: 'sgd', lr: 0.1, momentum: 0.9 }],
  ['Adam', { type: 'adam', lr: 1e-2 }],
];

describe('DataParallelTrainer equivalence with a plain core step', () => {
  for (const workers of [1, 2, 3, 4]) {
    for (const [name, optimizer] of optimizers) {
      it(`MLP, ${name}, W=${workers}, B = ${SIZES.join(', ')}`, async () => {
        await expectEquivalent({ spec: mlp(), optimizer, workers, batches: mlpBatches });
      });
      it(`CNN, ${name}, W=${workers}, B = ${SIZES.join(', ')}`, async () => {
        await expectEquivalent({ spec: cnn, optimizer, workers, batches: cnnBatches });
      });
    }
  }

  it('MLP, mseLoss (mean over every element, like mseLoss), SGD, W=2, B = 7, 64', async () => {
    const batches = [7, 64].map((size, i) => {
      const { inputs } = batch(300 + i, size, [12], 5);
      return { inputs, targets: batch(400 + i, size, [5], 5).inputs };
    });
    await expectEquivalent({
      spec: mlp(),
      optimizer: { type: 'sgd', lr: 0.05, momentum: 0.5 },
      workers: 2,
      batches,
      loss: 'mseLoss',
    });
  });

  it('a model given as a module URL (factory export) trains like the same model from its spec, W=2', async () => {
    const url = new URL('./fixtures/mlp-model.ts', import.meta.url);
    await expectEquivalent({
      spec: mlp(),
      model: url,
      optimizer: { type: 'adam', lr: 1e-2 },
      workers: 2,
      batches: mlpBatches,
    });
  });

  it('hyperparameters changed between steps reach the workers: a learning-rate schedule, momentum switched on, AMSGrad', async () => {
    for (const [optimizer, changes] of [
      [{ type: 'sgd', lr: 0.1 }, [{ lr: 0.05 }, { momentum: 0.9 }, { lr: 0.02 }]],
      [{ type: 'adam', lr: 1e-2 }, [{ lr: 5e-3 }, { amsgrad: true }, { lr: 1e-3 }]],
    ] as Array<[OptimizerSpec, Array<Record<string, unknown>>]>) {
      const parallel = new DataParallelTrainer({
        model: mlp(),
        loss: 'crossEntropy',
        optimizer,
        workers: 2,
        seed: 7,
        chunkSize: 4,
      });
      trainers.push(parallel);
      const plain = new PlainTrainer(mlp(), 7, optimizer);
      for (const [index, change] of [{}, ...changes].entries()) {
        parallel.optimizer.setHyperparameters(change);
        plain.optimizer.setHyperparameters(change);
        const { inputs, targets } = mlpBatches[2]!;
        await parallel.step(inputs, targets);
        plain.step(inputs, targets);
        parallel.model.parameters().forEach((parameter, i) => {
          expect(
            relativeError(parameter.data, plain.model.parameters()[i]!.data),
            `${optimizer.type} parameter ${i}, step ${index + 1}`,
          ).toBeLessThan(TOLERANCE);
        });
      }
    }
  });
});
