// SingleThreadTrainer: its steps are plain core steps bit for bit, evaluate is the mean over every
// sample, a training state continues bit for bit, and bad options are named.
import { crossEntropy, DataLoader, mseLoss, noGrad, TensorDataset, type Tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { batch, mlp, PlainTrainer } from '../test/helpers.js';
import { SingleThreadTrainer } from './single-thread-trainer.js';

const data = batch(31, 40, [12], 5);
const flat = (model: { parameters(): Tensor[] }) =>
  Buffer.from(Float32Array.from(model.parameters().flatMap((p) => [...p.data])).buffer);
const loader = () =>
  new DataLoader(new TensorDataset(data.inputs, data.targets), {
    batchSize: 16,
    shuffle: true,
    seed: 1,
  }) as unknown as Iterable<[Tensor, Tensor]>;

describe('SingleThreadTrainer', () => {
  it('steps exactly as plain core does (forward, loss, backward, optimizer step), bit for bit', async () => {
    const trainer = new SingleThreadTrainer({
      model: mlp(),
      loss: 'crossEntropy',
      optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 },
      seed: 4,
    });
    const plain = new PlainTrainer(mlp(), 4, { type: 'sgd', lr: 0.1, momentum: 0.9 });
    for (const [inputs, targets] of loader())
      expect(await trainer.step(inputs, targets)).toBe(plain.step(inputs, targets).loss);
    expect(trainer.steps).toBe(3);
    expect(flat(trainer.model).equals(flat(plain.model))).toBe(true);
  });

  it('evaluates the mean over every sample in evaluation mode, without changing the weights', async () => {
    const trainer = new SingleThreadTrainer({
      model: mlp(),
      loss: 'crossEntropy',
      optimizer: { type: 'adam' },
      seed: 4,
    });
    const before = flat(trainer.model);
    const whole = await trainer.evaluate(data.inputs, data.targets);
    const output = noGrad(() => trainer.model.forward(data.inputs));
    expect(whole.loss).toBeCloseTo(crossEntropy(output, data.targets).item(), 6);
    const correct = Array.from({ length: 40 }, (_, row) => {
      const scores = Array.from(output.data.subarray(5 * row, 5 * row + 5));
      return scores.indexOf(Math.max(...scores)) === data.targets.data[row];
    }).filter(Boolean).length;
    expect(whole.accuracy).toBe(correct / 40);
    const labels = Array.from(data.targets.data);
    expect(whole.perClass!.count).toEqual([0, 1, 2, 3, 4].map((c) => labels.filter((label) => label === c).length));
    expect(whole.perClass!.correct.reduce((x, y) => x + y, 0)).toBe(correct);
    const batched = await trainer.evaluate(loader());
    expect(batched.accuracy).toBe(whole.accuracy);
    expect(Math.abs(batched.loss - whole.loss) / whole.loss).toBeLessThan(1e-6);
    expect(trainer.model.training).toBe(true);
    expect(flat(trainer.model).equals(before)).toBe(true);

    const regression = new SingleThreadTrainer({ model: mlp(12, 2), loss: 'mseLoss', optimizer: { type: 'sgd' } });
    const targets = batch(32, 40, [2], 2).inputs;
    const { loss, accuracy, perClass } = await regression.evaluate(data.inputs, targets);
    expect(accuracy).toBeNull();
    expect(perClass).toBeNull();
    expect(loss).toBeCloseTo(
      noGrad(() => mseLoss(regression.model.forward(data.inputs), targets).item()),
      6,
    );
  });

  it('continues bit for bit from trainingState() in a new trainer', async () => {
    const options = { model: mlp(), loss: 'crossEntropy', optimizer: { type: 'adam', lr: 1e-2 }, seed: 8 } as const;
    const whole = new SingleThreadTrainer(options);
    await whole.fit(loader(), { epochs: 4 });
    const first = new SingleThreadTrainer(options);
    const stop = new AbortController();
    const stopped = await first.fit(loader(), {
      epochs: 4,
      signal: stop.signal,
      onBatchEnd: ({ step }) => (step === 5 ? stop.abort() : undefined),
    });
    const resumed = new SingleThreadTrainer(options);
    await resumed.loadTrainingState(first.trainingState());
    expect(resumed.steps).toBe(5);
    await resumed.fit(loader(), { epochs: 4, start: stopped.position });
    expect(resumed.steps).toBe(12);
    expect(flat(resumed.model).equals(flat(whole.model))).toBe(true);
    await expect(resumed.loadTrainingState({ ...first.trainingState(), steps: -1 })).rejects.toThrow(
      /steps must be an integer ≥ 0, got -1/,
    );
  });

  it('names evaluate and loadTrainingState in their errors, and a refused state changes nothing', async () => {
    const adam = (seed: number) =>
      new SingleThreadTrainer({ model: mlp(), loss: 'crossEntropy', optimizer: { type: 'adam' }, seed });
    const trainer = adam(4);
    await expect(trainer.evaluate(3 as never)).rejects.toThrow(
      /^SingleThreadTrainer: evaluate: expected \(inputs, targets\) Tensors or an iterable of \[inputs, targets\] batches \(a DataLoader\)$/,
    );
    await expect(trainer.evaluate([])).rejects.toThrow(
      /^SingleThreadTrainer: evaluate: the loader yielded no batches$/,
    );
    expect(trainer.model.training).toBe(true);

    const before = flat(trainer.model);
    const state = adam(9).trainingState();
    await expect(trainer.loadTrainingState({ ...state, steps: 2.5 })).rejects.toThrow(
      /^SingleThreadTrainer\.loadTrainingState: steps must be an integer ≥ 0, got 2\.5$/,
    );
    await expect(trainer.loadTrainingState({ ...state, model: undefined as never })).rejects.toThrow(
      /^SingleThreadTrainer\.loadTrainingState: expected \{ model, optimizer, steps \} as returned by trainingState\(\)$/,
    );
    await expect(
      trainer.loadTrainingState({ ...state, optimizer: { ...state.optimizer, paramGroups: [] } }),
    ).rejects.toThrow(/parameter groups/);
    expect(flat(trainer.model).equals(before)).toBe(true); // the weights of seed 9 were rolled back
    expect(trainer.steps).toBe(0);
  });

  it('names bad options and the loss names that work', () => {
    const options = { model: mlp(), loss: 'crossEntropy', optimizer: { type: 'sgd' } } as const;
    expect(() => new SingleThreadTrainer({ ...options, loss: 'mse' as never })).toThrow(
      `SingleThreadTrainer: loss must be 'crossEntropy' or 'mseLoss', got "mse" (core's mseLoss: the loss is named like core's function)`,
    );
    expect(() => new SingleThreadTrainer({ ...options, optimizer: { type: 'lbfgs' } as never })).toThrow(
      /^buildOptimizer: optimizer type must be 'sgd', 'adam', 'adamw' or 'rmsprop'/,
    );
    expect(() => new SingleThreadTrainer({ ...options, seed: 0.5 })).toThrow(
      'SingleThreadTrainer: seed must be a safe integer, got 0.5',
    );
    expect(
      () => new SingleThreadTrainer({ ...options, model: { type: 'sequential', layers: [{ type: 'relu' }] } }),
    ).toThrow('SingleThreadTrainer: the model has no parameters to train');
  });
});
