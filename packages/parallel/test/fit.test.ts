// fit and evaluate over a core DataLoader: fit is exactly the same steps taken by hand (bit-identical
// parameters), an AbortSignal stops it after the current step, evaluate(loader) is the whole-set mean.
import { DataLoader, TensorDataset, type Tensor } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DataParallelTrainer, type BatchEnd, type EpochEnd } from '../src/node.js';
import { batch, mlp } from './helpers.js';

const data = batch(21, 50, [12], 5); // batches of 16: 16, 16, 16, 2 — four steps per epoch
const loader = (): DataLoader<[Tensor, Tensor]> => new DataLoader(new TensorDataset(data.inputs, data.targets), { batchSize: 16, shuffle: true, seed: 3 });
const trainers: DataParallelTrainer[] = [];
const newTrainer = (): DataParallelTrainer => {
  const trainer = new DataParallelTrainer({ model: mlp(), loss: 'crossEntropy', optimizer: { type: 'adam', lr: 1e-2 }, workers: 2, seed: 5, chunkSize: 8 });
  trainers.push(trainer);
  return trainer;
};
afterAll(async () => {
  await Promise.all(trainers.map((trainer) => trainer.close()));
});

const flat = (trainer: DataParallelTrainer): Buffer => Buffer.from(Float32Array.from(trainer.model.parameters().flatMap((p) => [...p.data])).buffer);

/** Two epochs by hand: the losses, the sample counts and the parameters after every step. */
async function byHand(): Promise<{ losses: number[]; sizes: number[]; parameters: Buffer[]; trainer: DataParallelTrainer }> {
  const trainer = newTrainer();
  const manual = loader();
  const [losses, sizes, parameters] = [[] as number[], [] as number[], [] as Buffer[]];
  for (let epoch = 0; epoch < 2; epoch++) {
    for (const [inputs, targets] of manual) {
      losses.push(await trainer.step(inputs, targets));
      sizes.push(inputs.shape[0]!);
      parameters.push(flat(trainer));
    }
  }
  return { losses, sizes, parameters, trainer };
}

describe('DataParallelTrainer.fit and evaluate(loader)', () => {
  it('fit over 2 epochs equals the same steps by hand, bit for bit, and reports batches and epochs', async () => {
    const reference = await byHand();
    const trainer = newTrainer();
    const batches: BatchEnd[] = [];
    const epochs: EpochEnd[] = [];
    const summary = await trainer.fit(loader(), { epochs: 2, onBatchEnd: (event) => void batches.push(event), onEpochEnd: (event) => void epochs.push(event) });
    expect(flat(trainer).equals(reference.parameters.at(-1)!)).toBe(true);
    expect(batches.map((b) => b.loss)).toEqual(reference.losses);
    // [epoch, batch, step] of every onBatchEnd
    expect(batches.map((b) => [b.epoch, b.batch, b.step])).toEqual([
      [0, 0, 1], [0, 1, 2], [0, 2, 3], [0, 3, 4],
      [1, 0, 5], [1, 1, 6], [1, 2, 7], [1, 3, 8],
    ]);
    const epochMean = (epoch: number): number => {
      const range = [4 * epoch, 4 * epoch + 4];
      const weighted = reference.losses.slice(...range).reduce((sum, loss, i) => sum + loss * reference.sizes[range[0]! + i]!, 0);
      return weighted / 50;
    };
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
    epochs.forEach((e) => expect(e.meanLoss).toBeCloseTo(epochMean(e.epoch), 12));
    expect(summary).toEqual({ epochs: 2, steps: 8, meanLoss: epochs.map((e) => e.meanLoss), stopped: null });
    expect(trainer.steps).toBe(8);

    // evaluate(loader) is the mean over every sample, as if the set were one batch.
    const whole = await reference.trainer.evaluate(data.inputs, data.targets);
    const batched = await reference.trainer.evaluate(new DataLoader(new TensorDataset(data.inputs, data.targets), { batchSize: 16 }));
    expect(batched.accuracy).toBe(whole.accuracy);
    expect(Math.abs(batched.loss - whole.loss) / whole.loss).toBeLessThan(1e-6);
    expect(flat(reference.trainer).equals(reference.parameters.at(-1)!)).toBe(true); // evaluation changes nothing
  });

  it('an abort after k batches stops after the current step: parameters equal k steps by hand, fit resolves', async () => {
    const reference = await byHand();
    const trainer = newTrainer();
    const controller = new AbortController();
    const k = 5; // into the second epoch
    const epochs: EpochEnd[] = [];
    const summary = await trainer.fit(loader(), {
      epochs: 3,
      signal: controller.signal,
      onBatchEnd: ({ step }) => {
        if (step === k) controller.abort();
      },
      onEpochEnd: (event) => void epochs.push(event),
    });
    expect(summary).toEqual({ epochs: 1, steps: k, meanLoss: [epochs[0]!.meanLoss], stopped: 'aborted' });
    expect(epochs).toHaveLength(1); // the cut-short second epoch is not reported
    expect(trainer.steps).toBe(k);
    expect(flat(trainer).equals(reference.parameters[k - 1]!)).toBe(true);

    // An already-aborted signal takes no step; the trainer stays usable.
    expect(await trainer.fit(loader(), { epochs: 1, signal: controller.signal })).toEqual({ epochs: 0, steps: 0, meanLoss: [], stopped: 'aborted' });
    expect(trainer.steps).toBe(k);
    await expect(trainer.step(data.inputs, data.targets)).resolves.toBeTypeOf('number');
  });

  it('checks its options and surfaces callback errors', async () => {
    const trainer = newTrainer();
    await expect(trainer.fit(loader(), { epochs: 0 })).rejects.toThrow(/fit: epochs must be an integer ≥ 1, got 0/);
    await expect(trainer.fit(42 as never, { epochs: 1 })).rejects.toThrow(/fit: loader must be iterable/);
    await expect(trainer.fit([], { epochs: 1 })).rejects.toThrow(/fit: the loader yielded no batches in epoch 0/);
    await expect(trainer.evaluate([])).rejects.toThrow(/evaluate: the loader yielded no batches/);
    const failing = trainer.fit(loader(), {
      epochs: 1,
      onBatchEnd: () => {
        throw new Error('callback broke');
      },
    });
    await expect(failing).rejects.toThrow('callback broke');
    expect(trainer.steps).toBe(1);
  });
});
