// Evaluation.perClass: the workers' per-class counts of correct predictions equal the plain
// model's argmax tallied per target class, for 1 and 2 workers, shared and copied memory, one
// batch or a loader; null for mse.
import { buildModel, DataLoader, Generator, noGrad, Tensor, TensorDataset } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DataParallelTrainer } from '../src/node.js';
import { batch, mlp } from './helpers.js';

const CLASSES = 5;
const data = batch(7, 61, [12], CLASSES);
const trainers: DataParallelTrainer[] = [];
afterAll(async () => {
  await Promise.all(trainers.map((trainer) => trainer.close()));
});

/** The expected tallies: the plain model (same seed, same weights) on the whole set. */
function plainTallies(): { correct: number[]; count: number[] } {
  const model = buildModel(mlp(12, CLASSES), { generator: new Generator(4) });
  model.eval();
  const predicted = noGrad(() => model.forward(data.inputs).argmax(1)).data;
  const correct = new Array<number>(CLASSES).fill(0);
  const count = new Array<number>(CLASSES).fill(0);
  data.targets.data.forEach((target, i) => {
    count[target]! += 1;
    if (predicted[i] === target) correct[target]! += 1;
  });
  return { correct, count };
}

describe('evaluate: per-class accuracy', () => {
  it.each([
    [1, 'shared'],
    [2, 'shared'],
    [2, 'copy'],
  ] as const)(
    "W=%i, memory %s: counts equal the plain model's, batch or loader",
    async (workers, memory) => {
      const trainer = new DataParallelTrainer({
        model: mlp(12, CLASSES),
        loss: 'crossEntropy',
        optimizer: { type: 'sgd', lr: 0.1 },
        workers,
        seed: 4,
        chunkSize: 8,
        memory,
      });
      trainers.push(trainer);
      const expected = plainTallies();
      // A set where every class occurs and the untrained model gets some, not all, right.
      expect(expected.count.every((n) => n > 0)).toBe(true);
      expect(expected.correct.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      const whole = await trainer.evaluate(data.inputs, data.targets);
      expect(whole.perClass).toEqual(expected);
      expect(whole.accuracy).toBe(expected.correct.reduce((a, b) => a + b, 0) / 61);
      const batched = await trainer.evaluate(
        new DataLoader(new TensorDataset(data.inputs, data.targets), { batchSize: 16 }),
      );
      expect(batched.perClass).toEqual(expected);
    },
    30_000,
  );

  it('counts a class the set lacks as 0 of 0, and gives null for mse', async () => {
    const trainer = new DataParallelTrainer({
      model: mlp(12, CLASSES),
      loss: 'crossEntropy',
      optimizer: { type: 'sgd', lr: 0.1 },
      workers: 1,
      seed: 4,
      chunkSize: 8,
    });
    trainers.push(trainer);
    const ones = new Tensor(new Float32Array(61).fill(1), [61]);
    const result = await trainer.evaluate(data.inputs, ones);
    expect(result.perClass!.count).toEqual([0, 61, 0, 0, 0]);
    expect(result.perClass!.correct.filter((_, k) => k !== 1)).toEqual([0, 0, 0, 0]);

    const regression = new DataParallelTrainer({
      model: mlp(12, 2),
      loss: 'mseLoss',
      optimizer: { type: 'sgd', lr: 0.1 },
      workers: 1,
      seed: 4,
    });
    trainers.push(regression);
    const fitted = await regression.evaluate(data.inputs, data.inputs.slice(1, 0, 2));
    expect(fitted.perClass).toBeNull();
    expect(fitted.accuracy).toBeNull();
  }, 30_000);
});
