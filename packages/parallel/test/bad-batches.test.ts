// Bad batches (issue 19, defect 8): a batch the model cannot take is refused on the main thread
// before any worker sees it, and the trainer carries on — same weights, same optimizer state, the
// next good step bit-identical to a trainer that never saw the bad batch.
import { tensor, Tensor, type ModelSpec } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { firstNonFinite } from '../src/minibatch.js';
import { DataParallelTrainer } from '../src/node.js';
import { batch, mlp } from './helpers.js';

const options = {
  model: mlp(),
  loss: 'crossEntropy',
  optimizer: { type: 'adam', lr: 1e-2 },
  workers: 2,
  chunkSize: 4,
  seed: 3,
} as const;
const UNCHANGED = /; nothing was run and the trainer is unchanged$/;

/** `inputs` with one value replaced. */
function withValue(inputs: Tensor, index: number, value: number): Tensor {
  const data = inputs.data.slice();
  data[index] = value;
  return new Tensor(data, inputs.shape);
}

const flat = (trainer: DataParallelTrainer) =>
  Float32Array.from(trainer.model.parameters().flatMap((p) => [...p.data]));

describe('bad batches', () => {
  it('are refused before the workers, naming the problem, and the trainer continues bit for bit', async () => {
    const good = batch(1, 10, [12], 5);
    const next = batch(2, 10, [12], 5);
    const trainer = new DataParallelTrainer(options);
    const reference = new DataParallelTrainer(options); // sees only the good batches
    try {
      await trainer.step(good.inputs, good.targets);
      await reference.step(good.inputs, good.targets);
      const before = flat(trainer);
      const labels = (values: number[]) => tensor([...values, ...Array.from(good.targets.data.slice(values.length))]);
      const refusals: Array<[Tensor, Tensor, RegExp]> = [
        [
          batch(3, 10, [9], 5).inputs,
          good.targets,
          /^DataParallelTrainer\.step: the model cannot take inputs of shape \[10, 9\] \(the first sample, forward: .*\b9\b.*\)/,
        ],
        [batch(3, 10, [3, 4], 5).inputs, good.targets, /the model cannot take inputs of shape \[10, 3, 4\]/],
        [
          good.inputs,
          labels([0, 1, 2, 5]),
          /^DataParallelTrainer\.step: targets\[3\] = 5 is not a class index: the model has 5 classes \(0–4\)/,
        ],
        [good.inputs, labels([-1]), /targets\[0\] = -1 is not a class index/],
        [good.inputs, labels([0, 2.5]), /targets\[1\] = 2\.5 is not a class index/],
        [good.inputs, labels([0, 0, Number.NaN]), /targets\[2\] = NaN is not a class index/],
        [
          withValue(good.inputs, 4 * 12 + 7, Number.NaN),
          good.targets,
          /^DataParallelTrainer\.step: inputs hold NaN at sample 4 \(value 55 of 120\); every input must be finite/,
        ],
        [
          withValue(good.inputs, 119, Number.NEGATIVE_INFINITY),
          good.targets,
          /inputs hold -Infinity at sample 9 \(value 119 of 120\)/,
        ],
      ];
      for (const [inputs, targets, error] of refusals) {
        const step = trainer.step(inputs, targets);
        await expect(step, String(error)).rejects.toThrow(error);
        await expect(step).rejects.toThrow(UNCHANGED);
      }
      await expect(trainer.evaluate(good.inputs, labels([7]))).rejects.toThrow(
        /^DataParallelTrainer\.evaluate: targets\[0\] = 7 is not a class index/,
      );
      expect(trainer.steps).toBe(1);
      expect(Buffer.from(flat(trainer).buffer).equals(Buffer.from(before.buffer))).toBe(true);
      expect(Object.keys(trainer.stateDict())).toEqual([
        'layers.0.weight',
        'layers.0.bias',
        'layers.2.weight',
        'layers.2.bias',
      ]);
      expect(trainer.trainingState().steps).toBe(1);
      // The next good step: the same loss and bits as a trainer that never saw a bad batch (Adam's step counts untouched).
      expect(await trainer.step(next.inputs, next.targets)).toBe(await reference.step(next.inputs, next.targets));
      expect(Buffer.from(flat(trainer).buffer).equals(Buffer.from(flat(reference).buffer))).toBe(true);
      expect(await trainer.evaluate(good.inputs, good.targets)).toEqual(
        await reference.evaluate(good.inputs, good.targets),
      );
    } finally {
      await Promise.all([trainer.close(), reference.close()]);
    }
  }, 30_000);

  it('mseLoss: targets shaped unlike the output, or not finite, are refused; the trainer continues', async () => {
    const trainer = new DataParallelTrainer({ ...options, loss: 'mseLoss' });
    try {
      const { inputs } = batch(4, 6, [12], 5);
      const outputs = batch(5, 6, [5], 5).inputs; // [6, 5], like the model's output
      await expect(trainer.step(inputs, batch(5, 6, [4], 5).inputs)).rejects.toThrow(
        /^DataParallelTrainer\.step: mseLoss targets \[6, 4\] do not match the model's output \[6, 5\]; nothing was run/,
      );
      await expect(trainer.step(inputs, withValue(outputs, 12, Number.POSITIVE_INFINITY))).rejects.toThrow(
        /^DataParallelTrainer\.step: targets hold Infinity at sample 2 \(value 12 of 30\); every target must be finite/,
      );
      expect(trainer.steps).toBe(0);
      await expect(trainer.step(inputs, outputs)).resolves.toBeGreaterThan(0);
      expect(trainer.steps).toBe(1);
    } finally {
      await trainer.close();
    }
  }, 30_000);

  it('a model that needs a 2-D sample gets it checked too (the CNN), and the check leaves the model in its mode', async () => {
    const cnn: ModelSpec = {
      type: 'sequential',
      layers: [{ type: 'conv2d', in: 1, out: 2, kernel: 3 }, { type: 'flatten' }, { type: 'linear', in: 32, out: 3 }],
    };
    const trainer = new DataParallelTrainer({ ...options, model: cnn, optimizer: { type: 'sgd', lr: 0.1 } });
    try {
      trainer.model.eval();
      const flatImages = batch(6, 5, [36], 3);
      await expect(trainer.step(flatImages.inputs, flatImages.targets)).rejects.toThrow(
        /^DataParallelTrainer\.step: the model cannot take inputs of shape \[5, 36\]/,
      );
      expect(trainer.model.training).toBe(false);
      const images = batch(6, 5, [1, 6, 6], 3);
      await expect(trainer.step(images.inputs, images.targets)).resolves.toBeGreaterThan(0);
    } finally {
      await trainer.close();
    }
  }, 30_000);

  it('firstNonFinite finds the first NaN or ±Infinity at any position, and -1 when there is none', () => {
    for (const length of [0, 1, 3, 4, 5, 17]) {
      const data = Float32Array.from({ length }, (_, i) => i - 3.5);
      expect(firstNonFinite(data)).toBe(-1);
      for (let at = 0; at < length; at++) {
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const copy = data.slice();
          copy[at] = bad;
          if (at + 2 < length) copy[at + 2] = Number.NaN; // a later one does not hide the first
          expect(firstNonFinite(copy), `${bad} at ${at} of ${length}`).toBe(at);
        }
      }
    }
    expect(firstNonFinite(Float32Array.of(3.4e38, -3.4e38, -0))).toBe(-1); // large and negative zero are finite
  });
});
