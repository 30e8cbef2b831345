// Limits (issue 19, defects 5 and 21): never more worker threads than cores or than a step's chunks,
// absurd worker counts refused, and timeouts that terminate a stuck worker in step() and close().
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataParallelTrainer, PiscinaTransport } from '../src/node.js';
import { ParallelTrainer } from '../src/trainer.js';
import type { TransportFactory } from '../src/transport.js';
import { batch, mlp } from './helpers.js';

const options = { model: mlp(), loss: 'crossEntropy', optimizer: { type: 'sgd', lr: 0.1 } } as const;

/** A piscina factory that records the pools it starts and the thread counts asked for; `worker` names a fixture entry. */
function spyTransport(worker?: string): { factory: TransportFactory; started: PiscinaTransport[]; asked: number[] } {
  const started: PiscinaTransport[] = [];
  const asked: number[] = [];
  const filename = worker === undefined ? undefined : fileURLToPath(new URL(`./fixtures/${worker}`, import.meta.url));
  const factory: TransportFactory = (threads) => {
    asked.push(threads);
    const transport = new PiscinaTransport(threads, { filename });
    started.push(transport);
    return transport;
  };
  return { factory, started, asked };
}

describe('worker count', () => {
  it('caps workers: 1000 by the cores, and starts only as many threads as a step has chunks', async () => {
    const cores = availableParallelism();
    const trainer = new DataParallelTrainer({ ...options, workers: 1000 });
    expect([trainer.requestedWorkers, trainer.maxWorkers, trainer.workers]).toEqual([
      1000,
      cores,
      Math.min(1000, cores),
    ]);
    await trainer.close();

    const { factory, started, asked } = spyTransport();
    const capped = new ParallelTrainer({ ...options, workers: 1000, cores: 2, transport: factory });
    expect([capped.requestedWorkers, capped.maxWorkers, capped.workers]).toEqual([1000, 2, 2]);
    expect([capped.workersFor(64), capped.workersFor(65), capped.workersFor(100_000)]).toEqual([1, 2, 2]);
    try {
      const oneChunk = batch(1, 64, [12], 5); // chunkSize 64: one chunk per step
      for (let step = 0; step < 3; step++) await capped.step(oneChunk.inputs, oneChunk.targets);
      expect(asked).toEqual([2]); // the pool may grow to 2 threads, not 1000
      expect(started[0]!.threadCount).toBe(1); // but a step of one chunk started one
      expect(capped.lastStep!.workerMilliseconds).toHaveLength(1);
      const threeChunks = batch(2, 130, [12], 5);
      await capped.step(threeChunks.inputs, threeChunks.targets);
      expect(started[0]!.threadCount).toBe(2); // 3 chunks, at most 2 workers
    } finally {
      await capped.close();
    }
  });

  it('maxWorkers raises (or lowers) the cap; without it a ParallelTrainer is capped by navigator.hardwareConcurrency where known', async () => {
    const { factory, asked } = spyTransport();
    const over = new ParallelTrainer({ ...options, workers: 4, maxWorkers: 4, cores: 2, transport: factory });
    const under = new ParallelTrainer({ ...options, workers: 4, maxWorkers: 1, cores: 8, transport: factory });
    const unknown = new ParallelTrainer({ ...options, workers: 3, cores: null, transport: factory });
    expect([over.workers, under.workers, unknown.workers, unknown.maxWorkers]).toEqual([4, 1, 3, null]);
    const { inputs, targets } = batch(3, 20, [12], 5);
    const oneThread = await under.step(inputs, targets);
    expect(asked).toEqual([1]);
    expect(await over.step(inputs, targets)).toBe(oneThread); // the count never changes the bits
    await Promise.all([over.close(), under.close(), unknown.close()]);
  });

  it('refuses absurd worker counts, naming the option and the value', () => {
    for (const workers of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '2' as never]) {
      const shown = typeof workers === 'string' ? '"2"' : String(workers);
      expect(() => new DataParallelTrainer({ ...options, workers }), shown).toThrow(
        `DataParallelTrainer: workers must be an integer ≥ 1, got ${shown}`,
      );
    }
    expect(() => new DataParallelTrainer({ ...options, workers: 2, maxWorkers: 0 })).toThrow(
      'DataParallelTrainer: maxWorkers must be an integer ≥ 1, got 0',
    );
    expect(() => new PiscinaTransport(0)).toThrow('PiscinaTransport: threads must be an integer ≥ 1, got 0');
    const trainer = new DataParallelTrainer({ ...options, workers: 1 });
    expect(() => trainer.workersFor(0)).toThrow(
      'DataParallelTrainer.workersFor: batchSize must be an integer ≥ 1, got 0',
    );
  });
});

describe('timeouts', () => {
  it('step(x, y, { timeoutMilliseconds }) terminates a worker spinning forever and rejects, naming the step and the timeout', async () => {
    const { factory, started } = spyTransport('stuck-worker.mjs');
    const trainer = new ParallelTrainer({ ...options, workers: 2, chunkSize: 4, seed: 1, transport: factory });
    const { inputs, targets } = batch(1, 10, [12], 5);
    await trainer.step(inputs, targets, { timeoutMilliseconds: 60_000 }); // threads start and load within it
    const before = Date.now();
    await expect(trainer.step(inputs, targets, { timeoutMilliseconds: 500 })).rejects.toThrow(
      /^DataParallelTrainer: step 2 did not finish within 500 ms \(timeoutMilliseconds\); its worker threads were terminated; the trainer is stopped \(its workers may have updated some shards of the weights and not others\): start a new one from the last checkpoint$/,
    );
    expect(Date.now() - before).toBeGreaterThanOrEqual(490);
    expect(Date.now() - before).toBeLessThan(5_000);
    expect(started[0]!.threadCount).toBe(0); // the spinning thread was terminated too
    expect(() => trainer.stateDict()).toThrow(
      /weights may be partly updated by the failed step \(DataParallelTrainer: step 2 did not finish within 500 ms/,
    );
    await expect(trainer.step(inputs, targets)).rejects.toThrow(/stopped after a failure/);
    await trainer.close();
  }, 30_000);

  it('stepTimeoutMilliseconds applies to every step: a worker blocked in Atomics.wait is terminated', async () => {
    const { factory, started } = spyTransport('stuck-worker.mjs');
    const trainer = new ParallelTrainer({
      ...options,
      workers: 2,
      chunkSize: 4,
      seed: 2,
      stepTimeoutMilliseconds: 1000,
      transport: factory,
    });
    expect(trainer.stepTimeoutMilliseconds).toBe(1000);
    const { inputs, targets } = batch(1, 10, [12], 5);
    await trainer.step(inputs, targets, { timeoutMilliseconds: Number.POSITIVE_INFINITY }); // starting threads may take longer
    const fit = trainer.fit([[inputs, targets]], { epochs: 1 }); // step 2, through fit
    await expect(fit).rejects.toThrow(
      /^DataParallelTrainer: step 2 did not finish within 1000 ms \(timeoutMilliseconds\); its worker threads were terminated/,
    );
    expect(started[0]!.threadCount).toBe(0);
    await trainer.close();
  }, 30_000);

  it('close({ timeoutMilliseconds }) terminates a stuck step instead of waiting forever; the step rejects, naming close', async () => {
    const { factory, started } = spyTransport('stuck-worker.mjs');
    const trainer = new ParallelTrainer({ ...options, workers: 2, chunkSize: 4, seed: 2, transport: factory });
    const { inputs, targets } = batch(1, 10, [12], 5);
    await trainer.step(inputs, targets);
    const stuck = trainer.step(inputs, targets);
    const rejected = expect(stuck).rejects.toThrow(
      /^DataParallelTrainer: step 2 did not finish: close\(\) terminated its worker threads after waiting 300 ms \(its timeoutMilliseconds\); the trainer is stopped/,
    );
    const before = Date.now();
    await trainer.close({ timeoutMilliseconds: 300 });
    expect(Date.now() - before).toBeLessThan(5_000);
    await rejected;
    expect(started[0]!.threadCount).toBe(0);
    await trainer.close(); // idempotent
  }, 30_000);

  it('refuses timeouts that are not a number of milliseconds > 0', async () => {
    const trainer = new DataParallelTrainer({ ...options, workers: 1 });
    const { inputs, targets } = batch(1, 4, [12], 5);
    for (const bad of [0, -5, Number.NaN, '100' as never]) {
      await expect(trainer.step(inputs, targets, { timeoutMilliseconds: bad })).rejects.toThrow(
        /^DataParallelTrainer\.step: timeoutMilliseconds must be a number of milliseconds > 0 \(Infinity: no timeout\), got /,
      );
    }
    expect(() => new DataParallelTrainer({ ...options, stepTimeoutMilliseconds: -1 })).toThrow(
      'DataParallelTrainer: stepTimeoutMilliseconds must be a number of milliseconds > 0 (Infinity: no timeout), got -1',
    );
    await expect(trainer.close({ timeoutMilliseconds: 0 })).rejects.toThrow(
      'DataParallelTrainer.close: timeoutMilliseconds must be',
    );
    expect(trainer.steps).toBe(0);
    await trainer.close({ timeoutMilliseconds: Number.POSITIVE_INFINITY });
  });
});
