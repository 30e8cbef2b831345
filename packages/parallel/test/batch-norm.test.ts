// BatchNorm per chunk: one parallel step equals one process forwarding the chunks one after another
// (each chunk normalised by its own statistics, running statistics advanced once per chunk, in
// order; gradients accumulated, then divided by B) — and is bit-identical for any W.
import { Adam, buildModel, crossEntropy, Generator, type ModelSpec, type Tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { DataParallelTrainer } from '../src/node.js';
import { batch, relativeError } from './helpers.js';

const CHUNK = 4;
const mlpWithBatchNorm: ModelSpec = {
  type: 'sequential',
  layers: [
    { type: 'linear', in: 12, out: 16 },
    { type: 'batchNorm1d', features: 16, momentum: 0.2 },
    { type: 'relu' },
    { type: 'linear', in: 16, out: 5 },
  ],
};
const cnnWithBatchNorm: ModelSpec = {
  type: 'sequential',
  layers: [
    { type: 'conv2d', in: 1, out: 4, kernel: 3 },
    { type: 'batchNorm2d', features: 4 },
    { type: 'relu' },
    { type: 'maxPool2d', kernel: 2 },
    { type: 'flatten' },
    { type: 'linear', in: 36, out: 3 },
  ],
};

/** The single-process reference: chunk-sized micro-batches with gradient accumulation. */
class MicroBatchTrainer {
  readonly model;
  readonly optimizer;

  constructor(spec: ModelSpec) {
    this.model = buildModel(spec, { generator: new Generator(3) });
    this.optimizer = new Adam(this.model.parameters(), { lr: 1e-2 });
  }

  step(inputs: Tensor, targets: Tensor): number {
    const size = inputs.shape[0]!;
    this.model.train();
    this.optimizer.zeroGrad();
    let loss = 0;
    // The trainer's chunks: CHUNK samples each, a last chunk of one sample merged into the one before.
    const bounds: Array<[number, number]> = [];
    for (let start = 0; start < size; start += CHUNK) bounds.push([start, Math.min(start + CHUNK, size)]);
    if (bounds.length > 1 && bounds.at(-1)![1] - bounds.at(-1)![0] === 1)
      bounds.splice(-2, 2, [bounds.at(-2)![0], size]);
    for (const [start, end] of bounds) {
      const chunkLoss = crossEntropy(this.model.forward(inputs.slice(0, start, end)), targets.slice(0, start, end), {
        reduction: 'sum',
      });
      chunkLoss.backward();
      loss += chunkLoss.item();
    }
    for (const parameter of this.model.parameters()) parameter.grad = parameter.grad!.div(size);
    this.optimizer.step();
    return loss / size;
  }
}

describe('BatchNorm under DataParallelTrainer (statistics per chunk)', () => {
  for (const [name, spec, sample, classes] of [
    ['MLP + BatchNorm1d', mlpWithBatchNorm, [12], 5],
    ['CNN + BatchNorm2d', cnnWithBatchNorm, [1, 8, 8], 3],
  ] as const) {
    it(`${name}: equals chunk-by-chunk training in one process (loss, weights, running statistics, evaluation), W = 3`, async () => {
      const parallel = new DataParallelTrainer({
        model: spec,
        loss: 'crossEntropy',
        optimizer: { type: 'adam', lr: 1e-2 },
        workers: 3,
        maxWorkers: 3,
        seed: 3,
        chunkSize: CHUNK,
      });
      const reference = new MicroBatchTrainer(spec);
      try {
        for (const [index, size] of [7, 22, 9].entries()) {
          const { inputs, targets } = batch(40 + index, size, [...sample], classes);
          const loss = await parallel.step(inputs, targets);
          const expected = reference.step(inputs, targets);
          expect(Math.abs(loss - expected) / Math.abs(expected), `loss at B=${size}`).toBeLessThan(1e-5);
          const actual = parallel.stateDict();
          for (const [key, value] of Object.entries(reference.model.stateDict())) {
            expect(relativeError(actual[key]!.data, value.data), `${key} at B=${size}`).toBeLessThan(1e-5);
          }
        }
        expect(parallel.stateDict()['layers.1.num_batches_tracked']!.item()).toBe(2 + 6 + 2); // one per chunk; 9 = 4 + 5
        const { inputs, targets } = batch(50, 10, [...sample], classes);
        reference.model.eval();
        const expected = crossEntropy(reference.model.forward(inputs), targets).item();
        const { loss } = await parallel.evaluate(inputs, targets); // workers read the running statistics
        expect(Math.abs(loss - expected) / expected).toBeLessThan(1e-5);
      } finally {
        await parallel.close();
      }
    });
  }

  it('is bit-identical for W = 1, 2, 3, running statistics included', async () => {
    const runs: Buffer[] = [];
    for (const workers of [1, 2, 3]) {
      const trainer = new DataParallelTrainer({
        model: mlpWithBatchNorm,
        loss: 'crossEntropy',
        optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 },
        workers,
        maxWorkers: 3,
        seed: 4,
        chunkSize: CHUNK,
      });
      try {
        const { inputs, targets } = batch(60, 23, [12], 5);
        for (let step = 0; step < 5; step++) await trainer.step(inputs, targets);
        runs.push(
          Buffer.concat(
            Object.values(trainer.stateDict()).map((t) =>
              Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
            ),
          ),
        );
      } finally {
        await trainer.close();
      }
    }
    expect(runs[1]!.equals(runs[0]!)).toBe(true);
    expect(runs[2]!.equals(runs[0]!)).toBe(true);
  });

  it('merges a last chunk of one sample into the one before; a batch of one sample rejects with BatchNorm’s message, like PyTorch', async () => {
    const trainer = new DataParallelTrainer({
      model: mlpWithBatchNorm,
      loss: 'crossEntropy',
      optimizer: { type: 'sgd', lr: 0.1 },
      workers: 2,
      chunkSize: CHUNK,
    });
    try {
      const five = batch(70, 5, [12], 5); // one chunk of 5, not 4 + 1
      await expect(trainer.step(five.inputs, five.targets)).resolves.toBeTypeOf('number');
      expect(trainer.stateDict()['layers.1.num_batches_tracked']!.item()).toBe(1);
      const one = batch(71, 1, [12], 5);
      await expect(trainer.step(one.inputs, one.targets)).rejects.toThrow(
        /step 2 failed in a worker: batchNorm1d: batch statistics need more than one value per channel/,
      );
    } finally {
      await trainer.close();
    }
  });
});
