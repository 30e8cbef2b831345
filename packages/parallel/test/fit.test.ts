// fit, the one training loop: it equals the same steps taken by hand (bit-identical parameters);
// a run stopped mid-epoch and resumed from its position ends bit-identical to an uninterrupted one;
// the transform, the scheduler, the validation and the events carry the right batches and numbers;
// an AbortSignal stops after the current step; a non-finite loss stops the run.
import { DataLoader, Generator, StepLR, TensorDataset, type Tensor } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataParallelTrainer,
  SingleThreadTrainer,
  type BatchEnd,
  type EpochEnd,
  type EpochStart,
  type Evaluation,
  type FitTrainer,
} from '../src/node.js';
import * as loop from '../src/fit.js';
import { batch, mlp } from './helpers.js';

const data = batch(21, 50, [12], 5); // batches of 16: 16, 16, 16, 2 — four steps per epoch
const validation = batch(22, 20, [12], 5);
const loader = (): DataLoader<[Tensor, Tensor]> =>
  new DataLoader(new TensorDataset(data.inputs, data.targets), { batchSize: 16, shuffle: true, seed: 3 });
const validationLoader = () =>
  new DataLoader(new TensorDataset(validation.inputs, validation.targets), { batchSize: 8 });
const trainers: DataParallelTrainer[] = [];
const newTrainer = (): DataParallelTrainer => {
  const trainer = new DataParallelTrainer({
    model: mlp(),
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 1e-2 },
    workers: 2,
    seed: 5,
    chunkSize: 8,
  });
  trainers.push(trainer);
  return trainer;
};
afterAll(async () => {
  await Promise.all(trainers.map((trainer) => trainer.close()));
});

const flat = (trainer: { model: { parameters(): Tensor[] } }): Buffer =>
  Buffer.from(Float32Array.from(trainer.model.parameters().flatMap((p) => [...p.data])).buffer);

/** Two epochs by hand: the losses, the sample counts and the parameters after every step. */
async function byHand(): Promise<{
  losses: number[];
  sizes: number[];
  parameters: Buffer[];
  trainer: DataParallelTrainer;
}> {
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

/** Augmentation as the CLI does it: noise from a generator of the caller's, saved with a checkpoint. */
const noisy = (generator: Generator) => (batch: readonly [Tensor, Tensor]) =>
  [batch[0].add(generator.nextFloat() - 0.5), batch[1]] as const;

/** A trainer whose losses are given: what fit does around the steps, without workers. */
function scriptedTrainer(losses: number[]): FitTrainer<string> & { stepped: Tensor[] } {
  const stepped: Tensor[] = [];
  return {
    stepped,
    get steps() {
      return stepped.length;
    },
    step(inputs) {
      stepped.push(inputs);
      return losses[stepped.length - 1]!;
    },
    evaluate: () => `evaluated after ${stepped.length}`,
  };
}

describe('fit', () => {
  it('over 2 epochs equals the same steps by hand, bit for bit, and reports batches, epochs and the validation', async () => {
    const reference = await byHand();
    const trainer = newTrainer();
    const [starts, batches, epochs] = [[] as EpochStart[], [] as BatchEnd[], [] as Array<EpochEnd<Evaluation>>];
    const summary = await trainer.fit(loader(), {
      epochs: 2,
      validation: validationLoader(),
      onEpochStart: (event) => void starts.push(event),
      onBatchEnd: (event) => void batches.push(event),
      onEpochEnd: async (event) => {
        epochs.push(event);
        // the evaluation is of the weights at the end of the epoch
        expect(event.evaluation).toEqual(await trainer.evaluate(validationLoader()));
      },
    });
    expect(flat(trainer).equals(reference.parameters.at(-1)!)).toBe(true);
    expect(batches.map((b) => b.loss)).toEqual(reference.losses);
    // [epoch, batch, step, samples in the batch, position after it] of every onBatchEnd
    expect(
      batches.map((b) => [b.epoch, b.batch, b.step, b.inputs.shape[0], b.position.batch, b.position.samples]),
    ).toEqual([
      [0, 0, 1, 16, 1, 16],
      [0, 1, 2, 16, 2, 32],
      [0, 2, 3, 16, 3, 48],
      [0, 3, 4, 2, 4, 50],
      [1, 0, 5, 16, 1, 16],
      [1, 1, 6, 16, 2, 32],
      [1, 2, 7, 16, 3, 48],
      [1, 3, 8, 2, 4, 50],
    ]);
    expect(batches.every((b) => b.milliseconds > 0 && b.targets.shape[0] === b.inputs.shape[0])).toBe(true);
    expect(starts).toEqual([0, 1].map((epoch) => ({ epoch, position: { epoch, batch: 0, lossSum: 0, samples: 0 } })));
    const epochMean = (epoch: number): number => {
      const range = [4 * epoch, 4 * epoch + 4];
      const weighted = reference.losses
        .slice(...range)
        .reduce((sum, loss, i) => sum + loss * reference.sizes[range[0]! + i]!, 0);
      return weighted / 50;
    };
    expect(epochs.map((e) => [e.epoch, e.step, e.position])).toEqual([
      [0, 4, { epoch: 1, batch: 0, lossSum: 0, samples: 0 }],
      [1, 8, { epoch: 2, batch: 0, lossSum: 0, samples: 0 }],
    ]);
    epochs.forEach((e) => expect(e.meanLoss).toBeCloseTo(epochMean(e.epoch), 12));
    expect(epochs[1]!.evaluation!.accuracy).toBeGreaterThanOrEqual(0);
    expect(summary).toEqual({
      epochs: 2,
      steps: 8,
      meanLoss: epochs.map((e) => e.meanLoss),
      stopped: null,
      position: { epoch: 2, batch: 0, lossSum: 0, samples: 0 },
      nonFiniteLoss: null,
    });
    expect(trainer.steps).toBe(8);

    // evaluate(loader) is the mean over every sample, as if the set were one batch.
    const whole = await reference.trainer.evaluate(data.inputs, data.targets);
    const batched = await reference.trainer.evaluate(
      new DataLoader(new TensorDataset(data.inputs, data.targets), { batchSize: 16 }),
    );
    expect(batched.accuracy).toBe(whole.accuracy);
    expect(Math.abs(batched.loss - whole.loss) / whole.loss).toBeLessThan(1e-6);
    expect(flat(reference.trainer).equals(reference.parameters.at(-1)!)).toBe(true); // evaluation changes nothing
  });

  it('a run stopped mid-epoch and resumed from its position (with augmentation and a schedule) ends bit-identical to an uninterrupted one', async () => {
    const options = { epochs: 3 };
    // Uninterrupted: 3 epochs, noise from a seeded generator, the learning rate ×0.5 every 3 steps.
    const whole = newTrainer();
    const wholeMeans: number[] = [];
    await whole.fit(loader(), {
      ...options,
      transform: noisy(new Generator(9)),
      scheduler: new StepLR(whole.optimizer, { stepSize: 3, gamma: 0.5 }),
      onEpochEnd: (e) => void wholeMeans.push(e.meanLoss),
    });

    // Stopped after step 6 (epoch 1, batch 2 of 4): the state a checkpoint keeps.
    const first = newTrainer();
    const [generator, stop] = [new Generator(9), new AbortController()];
    const firstScheduler = new StepLR(first.optimizer, { stepSize: 3, gamma: 0.5 });
    const stopped = await first.fit(loader(), {
      ...options,
      transform: noisy(generator),
      scheduler: firstScheduler,
      signal: stop.signal,
      onBatchEnd: ({ step }) => (step === 6 ? stop.abort() : undefined),
    });
    expect(stopped.stopped).toBe('aborted');
    expect(stopped.position).toMatchObject({ epoch: 1, batch: 2, samples: 32 });
    const saved = {
      trainer: first.trainingState(),
      rng: generator.getState(),
      scheduler: firstScheduler.stateDict(),
      position: JSON.parse(JSON.stringify(stopped.position)) as typeof stopped.position,
    };

    // Resumed in a new trainer with a new loader, from the saved state alone.
    const resumed = newTrainer();
    await resumed.loadTrainingState(saved.trainer);
    const restored = new Generator(0);
    restored.setState(saved.rng);
    const scheduler = new StepLR(resumed.optimizer, { stepSize: 3, gamma: 0.5 });
    scheduler.loadStateDict(saved.scheduler);
    const resumedMeans: number[] = [];
    const batches: Array<[number, number, number]> = [];
    const summary = await resumed.fit(loader(), {
      ...options,
      start: saved.position,
      transform: noisy(restored),
      scheduler,
      onBatchEnd: (e) => void batches.push([e.epoch, e.batch, e.step]),
      onEpochEnd: (e) => void resumedMeans.push(e.meanLoss),
    });
    expect(batches).toEqual([
      [1, 2, 7],
      [1, 3, 8],
      [2, 0, 9],
      [2, 1, 10],
      [2, 2, 11],
      [2, 3, 12],
    ]);
    expect(summary).toMatchObject({ epochs: 2, steps: 6, stopped: null });
    expect(flat(resumed).equals(flat(whole))).toBe(true);
    expect(resumed.optimizer.learningRate).toBe(whole.optimizer.learningRate);
    // The resumed epoch's mean counts the batches before the stop (start.lossSum, start.samples).
    expect(resumedMeans).toEqual(wholeMeans.slice(1));

    // Without the transform's generator state the run differs: the transform was really applied.
    const unaugmented = newTrainer();
    await unaugmented.loadTrainingState(saved.trainer);
    await unaugmented.fit(loader(), {
      ...options,
      start: saved.position,
      scheduler: new StepLR(unaugmented.optimizer, { stepSize: 3, gamma: 0.5 }),
    });
    expect(flat(unaugmented).equals(flat(whole))).toBe(false);
  });

  it('steps the transformed batch: the weights equal steps by hand on the transformed batches', async () => {
    const shift = (batch: readonly [Tensor, Tensor]) => [batch[0].add(1), batch[1]] as const;
    const byHandTrainer = new SingleThreadTrainer({
      model: mlp(),
      loss: 'crossEntropy',
      optimizer: { type: 'sgd', lr: 0.1 },
      seed: 2,
    });
    for (const [inputs, targets] of loader()) await byHandTrainer.step(inputs.add(1), targets);
    const trainer = new SingleThreadTrainer({
      model: mlp(),
      loss: 'crossEntropy',
      optimizer: { type: 'sgd', lr: 0.1 },
      seed: 2,
    });
    const seen: Array<[number, number]> = [];
    const original: Tensor[] = [];
    await loop.fit(trainer, loader(), {
      epochs: 1,
      transform: (batch, at) => {
        seen.push([at.epoch, at.batch]);
        original.push(batch[0]);
        return shift(batch);
      },
      onBatchEnd: (event) =>
        expect(Array.from(event.inputs.data)).toEqual(Array.from(original[event.batch]!.add(1).data)),
    });
    expect(seen).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [0, 3],
    ]);
    expect(flat(trainer).equals(flat(byHandTrainer))).toBe(true);
  });

  it('an abort after k batches stops after the current step: parameters equal k steps by hand, no batch is transformed after it, fit resolves', async () => {
    const reference = await byHand();
    const trainer = newTrainer();
    const controller = new AbortController();
    const k = 5; // into the second epoch
    const epochs: EpochEnd[] = [];
    let transformed = 0;
    const summary = await trainer.fit(loader(), {
      epochs: 3,
      signal: controller.signal,
      transform: (batch) => (transformed++, batch),
      onBatchEnd: ({ step }) => {
        if (step === k) controller.abort();
      },
      onEpochEnd: (event) => void epochs.push(event),
    });
    expect(summary).toMatchObject({
      epochs: 1,
      steps: k,
      meanLoss: [epochs[0]!.meanLoss],
      stopped: 'aborted',
      position: { epoch: 1, batch: 1, samples: 16 },
    });
    expect(transformed).toBe(k);
    expect(epochs).toHaveLength(1); // the cut-short second epoch is not reported
    expect(trainer.steps).toBe(k);
    expect(flat(trainer).equals(reference.parameters[k - 1]!)).toBe(true);

    // An already-aborted signal takes no step; the trainer stays usable.
    expect(await trainer.fit(loader(), { epochs: 1, signal: controller.signal })).toMatchObject({
      epochs: 0,
      steps: 0,
      meanLoss: [],
      stopped: 'aborted',
      position: { epoch: 0, batch: 0 },
    });
    expect(trainer.steps).toBe(k);
    await expect(trainer.step(data.inputs, data.targets)).resolves.toBeTypeOf('number');
  });

  it('stops at a non-finite loss before the scheduler and onBatchEnd see it, and reports where', async () => {
    const trainer = scriptedTrainer([1, 2, 3, 4, 5, Number.NaN, 7]);
    const [events, scheduled] = [[] as number[], { count: 0 }];
    const summary = await loop.fit(trainer, loader(), {
      epochs: 3,
      scheduler: { step: () => void scheduled.count++ },
      onBatchEnd: (e) => void events.push(e.loss),
    });
    expect(events).toEqual([1, 2, 3, 4, 5]);
    expect(scheduled.count).toBe(5);
    expect(summary).toMatchObject({
      epochs: 1,
      steps: 6,
      stopped: 'non-finite-loss',
      position: { epoch: 1, batch: 2 },
    });
    expect(summary.nonFiniteLoss).toMatchObject({ epoch: 1, batch: 1, step: 6 });
    expect(summary.nonFiniteLoss!.loss).toBeNaN();
    expect(summary.nonFiniteLoss!.inputs).toBe(trainer.stepped[5]);

    // stopOnNonFiniteLoss: false trains on.
    const onward = await loop.fit(scriptedTrainer([1, Number.POSITIVE_INFINITY, 3, 4]), loader(), {
      epochs: 1,
      stopOnNonFiniteLoss: false,
      validation: [],
    });
    expect(onward).toMatchObject({ epochs: 1, steps: 4, stopped: null, nonFiniteLoss: null });
    expect(onward.meanLoss[0]).toBe(Number.POSITIVE_INFINITY);
  });

  it('resumes at the end of an epoch (evaluation only) and gives each evaluation to onEpochEnd', async () => {
    const trainer = scriptedTrainer([1, 1, 1, 1]);
    const ends: Array<EpochEnd<string>> = [];
    const summary = await loop.fit(trainer, loader(), {
      epochs: 2,
      start: { epoch: 0, batch: 4, lossSum: 100, samples: 50 },
      validation: [],
      onEpochEnd: (e) => void ends.push(e),
    });
    expect(ends.map((e) => [e.epoch, e.meanLoss, e.evaluation])).toEqual([
      [0, 2, 'evaluated after 0'],
      [1, 1, 'evaluated after 4'],
    ]);
    expect(summary).toMatchObject({ epochs: 2, steps: 4 });
  });

  it('checks its arguments and surfaces callback errors', async () => {
    const trainer = newTrainer();
    await expect(trainer.fit(loader(), { epochs: 0 })).rejects.toThrow(/^fit: epochs must be an integer ≥ 1, got 0$/);
    await expect(trainer.fit(42 as never, { epochs: 1 })).rejects.toThrow(/fit: loader must be iterable/);
    await expect(trainer.fit([], { epochs: 1 })).rejects.toThrow(/^fit: the loader yielded no batches in epoch 0$/);
    await expect(trainer.fit(loader(), { epochs: 2, start: { epoch: 2 } })).rejects.toThrow(
      /^fit: start.epoch 2 is not before epochs 2: nothing to train$/,
    );
    await expect(trainer.fit(loader(), { epochs: 2, start: { batch: 5, samples: 60 } })).rejects.toThrow(
      /^fit: start.batch 5 is past the end of epoch 0, which has 4 batches$/,
    );
    await expect(trainer.fit(loader(), { epochs: 2, start: { batch: -1 } })).rejects.toThrow(
      /^fit: start.batch must be an integer ≥ 0, got -1$/,
    );
    await expect(trainer.fit(loader(), { epochs: 2, start: { lossSum: Number.NaN } })).rejects.toThrow(
      /^fit: start.lossSum must be a finite number, got NaN$/,
    );
    await expect(trainer.fit(loader(), { epochs: 1, scheduler: {} as never })).rejects.toThrow(
      /^fit: scheduler must have a step\(\) method/,
    );
    await expect(trainer.fit(loader(), { epochs: 1, transform: 'flip' as never })).rejects.toThrow(
      /^fit: transform must be a function$/,
    );
    await expect(trainer.fit(loader(), { epochs: 1, validation: 3 as never })).rejects.toThrow(
      /^fit: validation must be iterable/,
    );
    await expect(loop.fit({} as never, loader(), { epochs: 1 })).rejects.toThrow(
      /^fit: trainer must have step\(inputs, targets\) and evaluate\(source\)/,
    );
    await expect(trainer.evaluate([])).rejects.toThrow(/evaluate: the loader yielded no batches/);
    expect(trainer.steps).toBe(0);
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
