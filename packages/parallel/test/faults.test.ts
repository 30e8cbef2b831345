// Faults and bad input: a worker error rejects the step with the worker's message and the step
// number; bad options and bad batches are refused before any thread starts; close() leaves nothing.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tensor, type ModelSpec } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { DataParallelTrainer, PiscinaTransport, piscinaTransport } from '../src/node.js';
import { ParallelTrainer } from '../src/trainer.js';
import type { TransportFactory } from '../src/transport.js';
import { batch, mlp } from './helpers.js';

const options = { model: mlp(), loss: 'crossEntropy', optimizer: { type: 'sgd', lr: 0.1 } } as const;

/** A piscina factory that records whether (and how many) pools were started; `worker` names a fixture entry. */
function spyTransport(worker?: string): { factory: TransportFactory; started: PiscinaTransport[] } {
  const started: PiscinaTransport[] = [];
  const filename = worker === undefined ? undefined : fileURLToPath(new URL(`./fixtures/${worker}`, import.meta.url));
  const factory: TransportFactory = (threads) => {
    const transport = new PiscinaTransport(threads, { filename });
    started.push(transport);
    return transport;
  };
  return { factory, started };
}

describe('DataParallelTrainer faults', () => {
  it('rejects within 5 s, naming the step, when a worker thread exits mid-step (process.exit)', async () => {
    const { factory, started } = spyTransport('exit-worker.mjs');
    const trainer = new ParallelTrainer({ ...options, workers: 2, chunkSize: 4, transport: factory });
    const { inputs, targets } = batch(1, 10, [12], 5); // chunks 0–1 on one thread, chunk 2 on the other
    await trainer.step(inputs, targets);
    const before = trainer.model.parameters().map((parameter) => parameter.data.slice());
    const start = Date.now();
    await expect(trainer.step(inputs, targets)).rejects.toThrow(
      /^DataParallelTrainer: step 2 failed in a worker: a worker thread exited \(code 3\) while running the chunks it claimed of the step \(3 in all\); the trainer is stopped \(its workers may have updated some shards of the weights and not others\): start a new one from the last checkpoint$/,
    );
    expect(Date.now() - start).toBeLessThan(5_000);
    expect(started[0]!.threadCount).toBe(0); // the pool was shut down
    // The thread died before the update: the parameters are still those after step 1. Snapshots are
    // refused all the same, since a failure after the barrier would leave some shards updated.
    trainer.model.parameters().forEach((parameter, i) => expect(parameter.data, `parameter ${i}`).toEqual(before[i]));
    expect(() => trainer.stateDict()).toThrow(
      /^DataParallelTrainer.stateDict: the weights may be partly updated by the failed step \(DataParallelTrainer: step 2 failed/,
    );
    expect(() => trainer.trainingState()).toThrow(
      /trainingState: the weights may be partly updated.*resume from the last checkpoint$/,
    );
    await expect(trainer.step(inputs, targets)).rejects.toThrow(
      /stopped after a failure \(DataParallelTrainer: step 2 failed/,
    );
    await expect(trainer.fit([[inputs, targets]], { epochs: 1 })).rejects.toThrow(/stopped after a failure/);
    await trainer.close();
    expect(trainer.steps).toBe(1);
  });

  it('with shareMainThread, a thread that exits mid-step still rejects within 5 s; the main thread leaves the barrier', async () => {
    const { factory, started } = spyTransport('exit-worker.mjs');
    const trainer = new ParallelTrainer({
      ...options,
      workers: 2,
      chunkSize: 4,
      shareMainThread: true,
      transport: factory,
    });
    const { inputs, targets } = batch(1, 10, [12], 5);
    await trainer.step(inputs, targets);
    expect(started[0]!.threadCount).toBe(1); // the main thread is the second worker
    const start = Date.now();
    await expect(trainer.step(inputs, targets)).rejects.toThrow(
      /^DataParallelTrainer: step 2 failed in a worker: a worker thread exited \(code 3\) while running the chunks it claimed of the step/,
    );
    expect(Date.now() - start).toBeLessThan(5_000);
    await trainer.close();
    expect(started[0]!.threadCount).toBe(0);
  });

  it('rejects within 5 s, naming the step, when a worker thread is terminated mid-step', async () => {
    let terminatedAt = 0;
    const { factory: hanging } = spyTransport('hang-worker.mjs');
    const started: PiscinaTransport[] = [];
    const factory: TransportFactory = (threads) => {
      const transport = hanging(threads) as PiscinaTransport;
      started.push(transport);
      return transport;
    };
    const trainer = new ParallelTrainer({ ...options, workers: 2, chunkSize: 4, transport: factory });
    const { inputs, targets } = batch(1, 10, [12], 5);
    await trainer.step(inputs, targets);
    // Threads start as steps need them (NOTE(worker-cap)): after step 1 (3 chunks) both run.
    expect(started[0]!.threads).toHaveLength(2);
    for (const thread of started[0]!.threads) {
      thread.on('message', (message) => {
        if (message !== 'hanging') return;
        terminatedAt = Date.now();
        void thread.terminate();
      });
    }
    await expect(trainer.step(inputs, targets)).rejects.toThrow(
      /step 2 failed in a worker: a worker thread exited \(code 1\) while running the chunks it claimed of the step/,
    );
    expect(terminatedAt).toBeGreaterThan(0);
    expect(Date.now() - terminatedAt).toBeLessThan(5_000);
    expect(started[0]!.threadCount).toBe(0);
    await trainer.close();
  });

  it('a model that throws at step k rejects step() and fit() with the model’s message and k', async () => {
    const model = new URL('./fixtures/throwing-model.ts', import.meta.url);
    const poisoned = (seed: number) => {
      const { inputs, targets } = batch(seed, 9, [12], 5);
      const data = inputs.data.slice();
      data[8 * 12 + 3] = 999; // sample 8: chunk 2 of chunkSize 4 — the last worker's chunk when W = 2
      return { inputs: tensor(Array.from(data), [9, 12]), targets };
    };
    const clean = batch(1, 9, [12], 5);
    const stepping = new DataParallelTrainer({ ...options, model, workers: 2, chunkSize: 4 });
    for (let step = 1; step <= 2; step++) await stepping.step(clean.inputs, clean.targets);
    const bad = poisoned(2);
    await expect(stepping.step(bad.inputs, bad.targets)).rejects.toThrow(
      /^DataParallelTrainer: step 3 failed in a worker: Fragile\.forward: a poisoned sample \(999\) reached the model; the trainer is stopped \(its workers may have updated some shards of the weights and not others\): start a new one from the last checkpoint$/,
    );
    expect(stepping.steps).toBe(2);
    // A failure inside a worker still stops the trainer (unlike a batch refused before the workers).
    expect(() => stepping.stateDict()).toThrow(
      /^DataParallelTrainer\.stateDict: the weights may be partly updated by the failed step \(DataParallelTrainer: step 3 failed in a worker/,
    );
    await expect(stepping.step(clean.inputs, clean.targets)).rejects.toThrow(
      /stopped after a failure \(DataParallelTrainer: step 3 failed/,
    );
    await stepping.close();

    const fitting = new DataParallelTrainer({ ...options, model, workers: 2, chunkSize: 4 });
    const batches = [clean, clean, clean, bad, clean].map(({ inputs, targets }) => [inputs, targets] as const);
    await expect(fitting.fit(batches, { epochs: 1 })).rejects.toThrow(
      /step 4 failed in a worker: Fragile\.forward: a poisoned sample/,
    );
    expect(fitting.steps).toBe(3);
    await fitting.close();
  });

  it('refuses a module model it cannot load before any thread starts, naming the module', async () => {
    expect(() => new DataParallelTrainer({ ...options, model: './model.js', workers: 1 })).toThrow(
      /model: '\.\/model\.js' is not an absolute URL/,
    );
    const { factory, started } = spyTransport();
    const missing = new URL('./fixtures/no-such-model.ts', import.meta.url);
    const trainer = new ParallelTrainer({ ...options, model: missing, workers: 2, transport: factory });
    const { inputs, targets } = batch(1, 4, [12], 5);
    await expect(trainer.step(inputs, targets)).rejects.toThrow(
      /the model module .*no-such-model\.ts cannot be imported/,
    );
    expect(() => trainer.model).toThrow(/await trainer\.ready\(\) first/);
    const noFactory = new ParallelTrainer({
      ...options,
      model: new URL('./helpers.ts', import.meta.url),
      workers: 2,
      transport: factory,
    });
    await expect(noFactory.ready()).rejects.toThrow(/helpers\.ts exports no factory: export a function createModel/);
    expect(started).toHaveLength(0);
    await Promise.all([trainer.close(), noFactory.close()]);
  });

  it('refuses bad options synchronously, naming the problem', () => {
    expect(() => new DataParallelTrainer({ ...options, workers: 0 })).toThrow(/workers must be an integer ≥ 1, got 0/);
    expect(() => new DataParallelTrainer({ ...options, workers: 1.5 })).toThrow(/workers must be an integer ≥ 1/);
    const badSpec = { type: 'sequential', layers: [{ type: 'linear', in: 4, out: 'ten' }] } as never;
    expect(() => new DataParallelTrainer({ ...options, model: badSpec, workers: 1 })).toThrow(
      /the model spec cannot be built: layers\[0\]\.out: expected a positive integer, got "ten"/,
    );
    expect(() => new DataParallelTrainer({ ...options, loss: 'hinge' as never, workers: 1 })).toThrow(
      /loss must be 'crossEntropy' or 'mse'/,
    );
    expect(() => new DataParallelTrainer({ ...options, optimizer: { type: 'lbfgs' } as never, workers: 1 })).toThrow(
      /optimizer.type must be/,
    );
    expect(() => new DataParallelTrainer({ ...options, optimizer: { type: 'sgd', lr: -1 }, workers: 1 })).toThrow(
      /SGD: invalid learning rate: -1/,
    );
    expect(() => new DataParallelTrainer({ ...options, chunkSize: 0, workers: 1 })).toThrow(
      /chunkSize must be an integer ≥ 1/,
    );
    const noParameters: ModelSpec = { type: 'sequential', layers: [{ type: 'relu' }] };
    expect(() => new DataParallelTrainer({ ...options, model: noParameters, workers: 1 })).toThrow(
      /the model has no parameters to train/,
    );
  });

  it('refuses a bad minibatch before any thread starts', async () => {
    const { factory, started } = spyTransport();
    const trainer = new ParallelTrainer({ ...options, workers: 2, transport: factory });
    const { inputs } = batch(1, 10, [12], 5);
    await expect(trainer.step(inputs, tensor([1, 2, 3]))).rejects.toThrow(
      /inputs and targets differ in sample count: inputs \[10, 12\] has 10, targets \[3\] has 3/,
    );
    await expect(trainer.step(inputs, tensor([[1], [2]]))).rejects.toThrow(/differ in sample count/);
    expect(started).toHaveLength(0);
    await trainer.close();
  });

  it('close() lets the calls made before it finish', async () => {
    const trainer = new DataParallelTrainer({ ...options, workers: 2 });
    const { inputs, targets } = batch(3, 12, [12], 5);
    const pending = [trainer.step(inputs, targets), trainer.evaluate(inputs, targets)];
    await trainer.close();
    await expect(pending[0]).resolves.toBeTypeOf('number');
    await expect(pending[1]).resolves.toMatchObject({ accuracy: expect.any(Number) });
    await expect(trainer.step(inputs, targets)).rejects.toThrow(/the trainer is closed/);
  });

  it('close() is idempotent, stops every thread, and later steps reject', async () => {
    const { factory, started } = spyTransport();
    const trainer = new ParallelTrainer({ ...options, workers: 2, transport: factory });
    const { inputs, targets } = batch(1, 130, [12], 5); // 3 chunks of 64: both threads start
    await trainer.step(inputs, targets);
    expect(started[0]!.threadCount).toBe(2);
    await Promise.all([trainer.close(), trainer.close()]);
    await trainer.close();
    expect(started[0]!.threadCount).toBe(0);
    await expect(trainer.step(inputs, targets)).rejects.toThrow(/closed/);
  });

  it('lets the process exit on its own after close()', () => {
    const script = fileURLToPath(new URL('./fixtures/train-and-close.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@backprop/source', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.error).toBeUndefined(); // a timeout (process still alive) would show here
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^loss \d+\.\d+ closed$/);
  });

  it('exposes the piscina factory for custom trainers', () => {
    expect(typeof piscinaTransport).toBe('function');
  });
});
