// The main model over its life: built once (a spec at once, a module on first use), refused with a
// message that says what to do before it is built or after a failed step, and read with the running
// statistics the workers advanced.
import { Adam, buildModel, Generator, type Module, type ModelSpec, type Tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { MainModel } from './main-model.js';
import { memoryAdapter } from './memory.js';
import { toWireModel } from './model-source.js';

const spec: ModelSpec = {
  type: 'sequential',
  layers: [
    { type: 'linear', in: 3, out: 4 },
    { type: 'batchNorm1d', features: 4 },
  ],
};
const optimizer = { kind: 'adam' as const, create: (parameters: Iterable<Tensor>) => new Adam(parameters) };
const fromSpec = (model: Module | null = buildModel(spec, { generator: new Generator(1) })) =>
  new MainModel({ wire: toWireModel(spec), model, seed: 1, memory: memoryAdapter('shared'), optimizer });
const missingModule = 'file:///nonexistent/backprop-main-model-test/model.js';
const fromModule = () =>
  new MainModel({ wire: toWireModel(missingModule), model: null, seed: 1, memory: memoryAdapter('shared'), optimizer });

describe('MainModel', () => {
  it('installs a spec model at once; build() resolves with it', async () => {
    const main = fromSpec();
    expect(main.built).not.toBeNull();
    expect(await main.build()).toBe(main.built);
  });

  it('builds a model not yet built once, from the wire and the seed', async () => {
    const main = fromSpec(null);
    expect(main.built).toBeNull();
    const [first, second] = await Promise.all([main.build(), main.build()]);
    expect(first).toBe(second);
    const expected = buildModel(spec, { generator: new Generator(1) }).parameters()[0]!.data;
    expect(Array.from(first.model.parameters()[0]!.data)).toEqual(Array.from(expected));
  });

  it('refuses a model module not loaded yet, naming the call and the fix', () => {
    const main = fromModule();
    expect(() => main.require('optimizer')).toThrow(
      'DataParallelTrainer.optimizer: the model module is not loaded yet; await trainer.ready() first',
    );
    expect(() => main.synced('model')).toThrow('DataParallelTrainer.model: the model module is not loaded yet');
  });

  it('rejects a module that cannot be imported with the trainer’s prefix', async () => {
    const main = fromModule();
    await expect(main.build()).rejects.toThrow(/^DataParallelTrainer: /);
  });

  it('refuses a snapshot after a failed step, naming the failure and the fix', () => {
    const main = fromSpec();
    expect(main.intact('stateDict', null)).toBe(main.built);
    expect(() => main.intact('trainingState', new Error('step 3 failed in a worker: boom'))).toThrow(
      'DataParallelTrainer.trainingState: the weights may be partly updated by the failed step (step 3 failed in a worker: boom); resume from the last checkpoint',
    );
  });

  it('reads the running statistics the workers moved only after a step they updated', () => {
    const main = fromSpec();
    const built = main.built!;
    const runningMean = () => Array.from(built.model.namedBuffers()[0]![1].data);
    const shared = new Float32Array(built.buffers);
    shared.fill(0.25, 0, 4); // a worker's replay of the chunks' statistics
    main.synced('model');
    expect(runningMean()).toEqual([0, 0, 0, 0]); // no step in the workers yet
    main.updatedInWorkers(built);
    main.synced('model');
    expect(runningMean()).toEqual([0.25, 0.25, 0.25, 0.25]);
    shared.fill(0.75, 0, 4);
    main.synced('model'); // refreshed once per step the workers updated, not on every read
    expect(runningMean()).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});
