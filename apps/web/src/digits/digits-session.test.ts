import { buildModel, encodeCheckpoint, Generator } from '@backprop/core';
import { mnistSplit } from '@backprop/datasets';
import { loadMnist } from '@backprop/datasets/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIGITS_SPEC, DigitsSession, mnistTensors, singleThreadTrainer, type DigitsEvent } from './digits-session';

let split: ReturnType<typeof mnistSplit>;
beforeAll(async () => {
  split = mnistSplit(await loadMnist());
});

const options = { workers: 1, batchSize: 64, epochs: 2, samplesPerEpoch: 640, learningRate: 2e-3, seed: 1 };

describe('DigitsSession (single-thread trainer, real MNIST)', () => {
  it('reports the untrained accuracy, every batch with its throughput, and a rising test accuracy per epoch', async () => {
    const session = new DigitsSession(split, singleThreadTrainer);
    expect(session.predict(new Float32Array(784))).toBeNull();
    const events: DigitsEvent[] = [];
    const result = await session.train(options, (event) => events.push(event));
    expect(result).toEqual({ stopped: false, steps: 20 });
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(epochs[0]!.accuracy).toBeLessThan(0.3);
    expect(epochs[2]!.accuracy).toBeGreaterThan(0.7);
    const batches = events.filter((e) => e.type === 'batch');
    expect(batches).toHaveLength(20);
    expect(batches.every((e) => e.samplesPerSecond > 0 && Number.isFinite(e.loss))).toBe(true);
    const probabilities = session.predict(mnistTensors(split.test, 1).images.data)!;
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('stops after the current step when asked, and refuses a second run at once', async () => {
    const session = new DigitsSession(split, singleThreadTrainer);
    let batches = 0;
    const run = session.train({ ...options, epochs: 5 }, (event) => {
      if (event.type === 'batch' && ++batches === 3) session.stop();
    });
    await expect(session.train(options, () => undefined)).rejects.toThrow(/already going/);
    expect(await run).toEqual({ stopped: true, steps: 3 });
  });

  it('loads a model file and scores it on the test digits', () => {
    const session = new DigitsSession(split, singleThreadTrainer);
    const model = buildModel(DIGITS_SPEC, { generator: new Generator(0) });
    const loaded = session.loadModel(
      encodeCheckpoint({ model: model.stateDict(), spec: DIGITS_SPEC }),
      'model.safetensors',
    );
    expect(loaded).toMatchObject({ parameters: 101_770, inputShape: [1, 784], step: null });
    expect(loaded.accuracy).toBeGreaterThanOrEqual(0);
    expect(loaded.accuracy).toBeLessThan(0.3); // untrained
    expect(session.predict(new Float32Array(784))).toHaveLength(10);
    expect(() => session.loadModel(new Uint8Array([1, 2, 3]), 'junk.bin')).toThrow(
      /junk\.bin is not a readable safetensors file/,
    );
  });
});
