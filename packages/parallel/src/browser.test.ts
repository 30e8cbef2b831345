// The browser pool, tested in Node: each "Web Worker" is a MessageChannel whose far port serves
// `runTask` through comlink exactly as a worker module calling `exposeReplica()` does.
import { readFileSync } from 'node:fs';
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { batch, mlp, PlainTrainer, relativeError } from '../test/helpers.js';
import { BrowserDataParallelTrainer, sharedMemoryUnavailable } from './browser.js';
import { WebWorkerTransport, type ReplicaWorkerApi, type WorkerLike } from './browser-transport.js';
import { exposeReplica } from './browser-worker.js';
import type { Done, WorkerTask } from './protocol.js';
import { runTask } from './replica.js';
import { buildModel, confusionMatrix, Generator, noGrad } from '@backprop/core';

/** The far end of a fake worker's channel, where the "worker module" listens. */
type Port = Comlink.Endpoint;

interface FakeWorker extends WorkerLike {
  /** Fires the 'error' event a Web Worker fires on an uncaught error. */
  fail(message: string): void;
  terminated: boolean;
}

const open: FakeWorker[] = [];
afterEach(() => {
  for (const worker of open.splice(0)) worker.terminate();
});

/** A Worker-like object over a MessageChannel; `serve` plays the worker module on the other port. */
function fakeWorker(serve: (port: Port) => void = (port) => exposeReplica(port)): FakeWorker {
  const { port1, port2 } = new MessageChannel();
  serve(port2 as unknown as Port);
  const worker: FakeWorker = {
    terminated: false,
    postMessage: (message: unknown) => port1.postMessage(message),
    addEventListener: (type: string, listener: never) => port1.addEventListener(type, listener),
    removeEventListener: (type: string, listener: never) => port1.removeEventListener(type, listener),
    start: () => port1.start(),
    terminate() {
      worker.terminated = true;
      port1.close();
      port2.close();
    },
    fail(message: string) {
      port1.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
    },
  };
  open.push(worker);
  return worker;
}

const options = {
  model: mlp(),
  loss: 'crossEntropy' as const,
  optimizer: { type: 'adam' as const, lr: 1e-2 },
  seed: 7,
  chunkSize: 4,
};

describe('BrowserDataParallelTrainer over comlink endpoints', () => {
  it('matches a plain core step (loss, gradient, parameters) with 2 workers and B not divisible by them', async () => {
    const trainer = new BrowserDataParallelTrainer({ ...options, workers: 2, createWorker: () => fakeWorker() });
    const plain = new PlainTrainer(mlp(), 7, options.optimizer);
    for (const [index, size] of [7, 13].entries()) {
      const { inputs, targets } = batch(50 + index, size, [12], 5);
      const loss = await trainer.step(inputs, targets);
      const expected = plain.step(inputs, targets);
      expect(Math.abs(loss - expected.loss) / expected.loss).toBeLessThan(1e-5);
      trainer.model.parameters().forEach((parameter, i) => {
        expect(relativeError(parameter.grad!.data, expected.gradients[i]!)).toBeLessThan(1e-5);
        expect(relativeError(parameter.data, plain.model.parameters()[i]!.data)).toBeLessThan(1e-5);
      });
    }
    await trainer.close();
  });

  it('gives bit-identical parameters for 1 and 3 workers', async () => {
    const run = async (workers: number) => {
      const trainer = new BrowserDataParallelTrainer({
        ...options,
        workers,
        maxWorkers: 3,
        createWorker: () => fakeWorker(),
      });
      for (let step = 0; step < 3; step++)
        await trainer.step(...(Object.values(batch(60 + step, 19, [12], 5)) as [never, never]));
      const evaluation = await trainer.evaluate(batch(99, 11, [12], 5).inputs, batch(99, 11, [12], 5).targets);
      const weights = trainer.model.parameters().map((p) => Array.from(p.data));
      await trainer.close();
      return { weights, evaluation };
    };
    const [one, three] = [await run(1), await run(3)];
    expect(three.weights).toEqual(one.weights);
    expect(three.evaluation).toEqual(one.evaluation);
    expect(one.evaluation.accuracy).toBeGreaterThanOrEqual(0);
  });

  it('rejects the step with the worker’s message when runTask throws, and terminates the pool', async () => {
    const workers: FakeWorker[] = [];
    const throwing = (port: Port) =>
      Comlink.expose(
        {
          runTask: () => {
            throw new Error('replica exploded');
          },
        } satisfies ReplicaWorkerApi,
        port,
      );
    const trainer = new BrowserDataParallelTrainer({
      ...options,
      workers: 2,
      createWorker: () => workers[workers.push(fakeWorker(throwing)) - 1]!,
    });
    const { inputs, targets } = batch(1, 8, [12], 5);
    await expect(trainer.step(inputs, targets)).rejects.toThrow(/step 1 failed in a worker: replica exploded/);
    expect(workers.map((w) => w.terminated)).toEqual([true, true]);
    await expect(trainer.step(inputs, targets)).rejects.toThrow(/stopped after a failure/);
  });

  it('rejects (does not hang) when a worker fires an error event in the middle of a step', async () => {
    const workers: FakeWorker[] = [];
    const silent = (port: Port) => Comlink.expose({ runTask: () => new Promise<never>(() => undefined) }, port);
    const trainer = new BrowserDataParallelTrainer({
      ...options,
      workers: 2,
      createWorker: () => workers[workers.push(fakeWorker(silent)) - 1]!,
    });
    const { inputs, targets } = batch(2, 8, [12], 5);
    const step = trainer.step(inputs, targets);
    await new Promise((resolve) => setTimeout(resolve, 20));
    workers[1]!.fail('Uncaught RangeError: out of memory');
    await expect(step).rejects.toThrow(
      /step 1 failed in a worker: Web Worker 1 failed: Uncaught RangeError: out of memory/,
    );
    expect(workers.every((w) => w.terminated)).toBe(true);
  });

  it('close() terminates every worker; later steps reject', async () => {
    const workers: FakeWorker[] = [];
    const trainer = new BrowserDataParallelTrainer({
      ...options,
      workers: 2,
      createWorker: () => workers[workers.push(fakeWorker()) - 1]!,
    });
    const { inputs, targets } = batch(3, 8, [12], 5);
    await trainer.step(inputs, targets);
    await trainer.close();
    await trainer.close();
    expect(workers.map((w) => w.terminated)).toEqual([true, true]);
    await expect(trainer.step(inputs, targets)).rejects.toThrow(/closed/);
  });

  it('in a page that is not cross-origin isolated, copies (memory copy) and gets the same bits as shared memory', async () => {
    const run = async () => {
      const trainer = new BrowserDataParallelTrainer({ ...options, workers: 2, createWorker: () => fakeWorker() });
      for (let step = 0; step < 3; step++) {
        const { inputs, targets } = batch(70 + step, 19, [12], 5);
        await trainer.step(inputs, targets);
      }
      const weights = trainer.model.parameters().map((p) => Array.from(p.data));
      await trainer.close();
      return { memory: trainer.memory, weights };
    };
    const shared = await run();
    const scope = globalThis as { crossOriginIsolated?: boolean };
    expect(sharedMemoryUnavailable()).toBeNull();
    scope.crossOriginIsolated = false;
    try {
      expect(sharedMemoryUnavailable()).toMatch(
        /not cross-origin isolated \(serve it with Cross-Origin-Opener-Policy: same-origin/,
      );
      const copied = await run();
      expect([shared.memory, copied.memory]).toEqual(['shared', 'copy']);
      expect(copied.weights).toEqual(shared.weights);
    } finally {
      delete scope.crossOriginIsolated;
    }
  });
});

describe('BrowserDataParallelTrainer limits (issue 19: 5, 8, 21)', () => {
  const silent = (port: Port) => Comlink.expose({ runTask: () => new Promise<never>(() => undefined) }, port);

  it('caps workers by navigator.hardwareConcurrency and starts only the workers a step has chunks for', async () => {
    const scope = globalThis as { navigator?: unknown };
    const saved = Object.getOwnPropertyDescriptor(scope, 'navigator');
    Object.defineProperty(scope, 'navigator', { value: { hardwareConcurrency: 2 }, configurable: true });
    try {
      let created = 0;
      const trainer = new BrowserDataParallelTrainer({
        ...options,
        workers: 1000,
        createWorker: () => (created++, fakeWorker()),
      });
      expect([trainer.requestedWorkers, trainer.maxWorkers, trainer.workers]).toEqual([1000, 2, 2]);
      const oneChunk = batch(1, 4, [12], 5); // chunkSize 4
      await trainer.step(oneChunk.inputs, oneChunk.targets);
      expect(created).toBe(1);
      const threeChunks = batch(2, 12, [12], 5);
      await trainer.step(threeChunks.inputs, threeChunks.targets);
      expect(created).toBe(2);
      await trainer.close();
    } finally {
      if (saved === undefined) delete scope.navigator;
      else Object.defineProperty(scope, 'navigator', saved);
    }
  });

  it('refuses a bad batch before the workers and carries on', async () => {
    const trainer = new BrowserDataParallelTrainer({ ...options, workers: 2, createWorker: () => fakeWorker() });
    const { inputs, targets } = batch(3, 8, [12], 5);
    await expect(trainer.step(inputs, targets.mul(0).add(5))).rejects.toThrow(
      /^DataParallelTrainer\.step: targets\[0\] = 5 is not a class index: the model has 5 classes \(0–4\); nothing was run and the trainer is unchanged$/,
    );
    await expect(trainer.step(inputs, targets)).resolves.toBeGreaterThan(0);
    expect(trainer.steps).toBe(1);
    await trainer.close();
  });

  it('a step that outlives its timeout terminates the workers and rejects, naming the step and the timeout', async () => {
    const workers: FakeWorker[] = [];
    const trainer = new BrowserDataParallelTrainer({
      ...options,
      workers: 2,
      createWorker: () => workers[workers.push(fakeWorker(silent)) - 1]!,
    });
    const { inputs, targets } = batch(4, 8, [12], 5);
    await expect(trainer.step(inputs, targets, { timeoutMilliseconds: 100 })).rejects.toThrow(
      /^DataParallelTrainer: step 1 did not finish within 100 ms \(timeoutMilliseconds\); its worker threads were terminated/,
    );
    expect(workers.map((w) => w.terminated)).toEqual([true, true]);
  });

  it('close({ timeoutMilliseconds }) terminates workers that never answer; the pending step rejects', async () => {
    const workers: FakeWorker[] = [];
    const trainer = new BrowserDataParallelTrainer({
      ...options,
      workers: 2,
      createWorker: () => workers[workers.push(fakeWorker(silent)) - 1]!,
    });
    const { inputs, targets } = batch(5, 8, [12], 5);
    const step = trainer.step(inputs, targets);
    const rejected = expect(step).rejects.toThrow(
      /^DataParallelTrainer: step 1 did not finish: close\(\) terminated its worker threads after waiting 100 ms/,
    );
    await trainer.close({ timeoutMilliseconds: 100 });
    await rejected;
    expect(workers.map((w) => w.terminated)).toEqual([true, true]);
  });
});

describe('the protocol (protocol.ts) as workers receive it', () => {
  /** Workers that record every message they get, then run it. */
  function recording(seen: WorkerTask[]): () => FakeWorker {
    return () =>
      fakeWorker((port) =>
        Comlink.expose(
          { runTask: (task: WorkerTask) => (seen.push(task), runTask(task)) } satisfies ReplicaWorkerApi,
          port,
        ),
      );
  }

  it('a Setup reaches each worker once; every later message is a Step of a few numbers', async () => {
    const seen: WorkerTask[] = [];
    const trainer = new BrowserDataParallelTrainer({
      ...options,
      workers: 2,
      memory: 'shared',
      createWorker: recording(seen),
    });
    const { inputs, targets } = batch(70, 13, [12], 5); // 4 chunks of 4: a task per worker
    for (let step = 0; step < 4; step++) await trainer.step(inputs, targets);
    await trainer.close();
    expect(seen).toHaveLength(8);
    expect(seen.filter((task) => task.setup !== null)).toHaveLength(2);
    expect(seen.slice(0, 2).every((task) => task.setup?.version === 1)).toBe(true);
    const stepKeys = [
      'session',
      'kind',
      'step',
      'inputShape',
      'targetShape',
      'chunkCount',
      'firstChunk',
      'endChunk',
      'shard',
      'divisor',
      'hyperparameters',
      'setup',
      'copied',
    ];
    for (const task of seen.slice(2)) {
      expect(Object.keys(task).sort()).toEqual([...stepKeys].sort());
      expect(task.setup).toBeNull();
      expect(task.copied).toBeNull();
    }
    expect(seen.map((task) => task.step)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('loading a training state sends a new Setup version (the step origins changed), once per worker', async () => {
    const seen: WorkerTask[] = [];
    const trainer = new BrowserDataParallelTrainer({
      ...options,
      workers: 2,
      memory: 'shared',
      createWorker: recording(seen),
    });
    const { inputs, targets } = batch(71, 13, [12], 5);
    await trainer.step(inputs, targets);
    await trainer.loadTrainingState(trainer.trainingState());
    await trainer.step(inputs, targets);
    await trainer.step(inputs, targets);
    await trainer.close();
    expect(seen.map((task) => task.setup?.version ?? null)).toEqual([1, 1, 2, 2, null, null]);
  });

  it('evaluate gives per-class counts and correct predictions, as core’s confusionMatrix of the same model; null for mse', async () => {
    const trainer = new BrowserDataParallelTrainer({ ...options, workers: 2, createWorker: () => fakeWorker() });
    const { inputs, targets } = batch(72, 23, [12], 5);
    await trainer.step(inputs, targets);
    const evaluation = await trainer.evaluate(inputs, targets);
    const model = buildModel(mlp(), { generator: new Generator(0) });
    model.loadStateDict(trainer.stateDict());
    model.eval();
    const matrix = confusionMatrix(
      noGrad(() => model.forward(inputs)),
      targets,
      5,
    );
    expect(evaluation.perClass).toEqual({
      correct: matrix.map((row, label) => row[label]!),
      count: matrix.map((row) => row.reduce((a, b) => a + b, 0)),
    });
    expect(evaluation.accuracy).toBe(evaluation.perClass!.correct.reduce((a, b) => a + b, 0) / 23);
    await trainer.close();
    const regression = new BrowserDataParallelTrainer({
      ...options,
      loss: 'mse',
      workers: 2,
      createWorker: () => fakeWorker(),
    });
    const { inputs: x } = batch(73, 9, [12], 5);
    expect(await regression.evaluate(x, x.slice(1, 0, 5))).toMatchObject({ accuracy: null, perClass: null });
    await regression.close();
  });
});

describe('WebWorkerTransport', () => {
  const task = (firstChunk: number): WorkerTask =>
    ({ firstChunk, endChunk: firstChunk + 1, kind: 'train', setup: null, copied: {} }) as WorkerTask;

  const done = { chunks: 1, milliseconds: 0 } as Done;

  it('queues tasks beyond the number of workers and runs each once', async () => {
    const ran: number[] = [];
    const recording = (port: Port) =>
      Comlink.expose({ runTask: (t: WorkerTask) => (ran.push(t.firstChunk), done) } satisfies ReplicaWorkerApi, port);
    const transport = new WebWorkerTransport(2, () => fakeWorker(recording));
    const results = await Promise.all([0, 1, 2, 3, 4].map((chunk) => transport.run(task(chunk))));
    expect(results).toEqual(Array(5).fill(done));
    expect(ran.sort()).toEqual([0, 1, 2, 3, 4]);
    await transport.close();
    expect(transport.threadCount).toBe(0);
    await expect(transport.run(task(0))).rejects.toThrow(/closed/);
  });

  it('fails queued and later runs once a worker has failed, even while idle', async () => {
    const workers: FakeWorker[] = [];
    const answering = (port: Port) => Comlink.expose({ runTask: () => done } satisfies ReplicaWorkerApi, port);
    const transport = new WebWorkerTransport(1, () => workers[workers.push(fakeWorker(answering)) - 1]!);
    await expect(transport.run(task(0))).resolves.toEqual(done); // starts worker 0
    workers[0]!.fail('');
    await expect(transport.run(task(1))).rejects.toThrow(
      /Web Worker 0 failed \(no message: often a worker module that failed to load\)/,
    );
    await transport.close();
  });

  it('names the chunks a failed worker was running and stops the other workers’ tasks too', async () => {
    const workers: FakeWorker[] = [];
    const silent = (port: Port) => Comlink.expose({ runTask: () => new Promise<never>(() => undefined) }, port);
    const transport = new WebWorkerTransport(2, () => workers[workers.push(fakeWorker(silent)) - 1]!);
    const runs = [transport.run(task(0)), transport.run(task(5))];
    await new Promise((resolve) => setTimeout(resolve, 20));
    workers[0]!.fail('Uncaught TypeError: x is undefined');
    const reasons = (await Promise.allSettled(runs)).map((outcome) =>
      String((outcome as PromiseRejectedResult).reason),
    );
    // workers start as runs need them: the first run started worker 0, the second worker 1
    expect(reasons).toEqual([
      'Error: Web Worker 0 failed: Uncaught TypeError: x is undefined while running chunks 0–0 of the step',
      'Error: Web Worker 0 failed: Uncaught TypeError: x is undefined (the pool stopped) while running chunks 5–5 of the step',
    ]);
    await transport.close();
  });

  it('checks its arguments, starts workers only as runs need them, and rejects the run whose worker fails to start', async () => {
    const started: Array<ReturnType<typeof fakeWorker>> = [];
    let calls = 0;
    const silent = (port: Port) => Comlink.expose({ runTask: () => new Promise<never>(() => undefined) }, port);
    const flaky = () => {
      if (++calls === 3) throw new Error('Worker constructor: out of memory');
      const worker = fakeWorker(silent);
      started.push(worker);
      return worker;
    };
    const transport = new WebWorkerTransport(4, flaky);
    expect([calls, transport.threadCount]).toEqual([0, 0]);
    const runs = [0, 1, 2].map((chunk) => transport.run(task(chunk)));
    await expect(runs[2]).rejects.toThrow(/out of memory/);
    expect(transport.threadCount).toBe(2);
    await transport.close();
    await Promise.allSettled(runs);
    expect(started.map((worker) => worker.terminated)).toEqual([true, true]);
    expect(() => new WebWorkerTransport(0, () => fakeWorker())).toThrow(/threads must be an integer ≥ 1, got 0/);
    expect(() => new WebWorkerTransport(1, undefined as never)).toThrow(/createWorker must be a function/);
  });
});

describe('the @backprop/parallel/browser entry', () => {
  it('reaches no node:* module and no piscina: only its own files, @backprop/core and comlink', () => {
    // `import … from '…'`, `export … from '…'`, side-effect `import '…'` and literal `import('…')`.
    const importPattern =
      /^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;
    const seen = new Map<string, string[]>();
    const pending = [new URL('./browser.ts', import.meta.url)];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file.href)) continue;
      const specifiers = [...readFileSync(file, 'utf8').matchAll(importPattern)].map(
        (match) => (match[1] ?? match[2] ?? match[3])!,
      );
      seen.set(file.href, specifiers);
      for (const specifier of specifiers)
        if (specifier.startsWith('.')) pending.push(new URL(specifier.replace(/\.js$/, '.ts'), file));
    }
    expect([...seen.keys()].some((file) => file.endsWith('/replica.ts'))).toBe(true);
    for (const [file, specifiers] of seen) {
      for (const specifier of specifiers)
        expect(specifier, `${file} imports ${specifier}`).toMatch(/^(\.\/|@backprop\/core$|comlink$)/);
    }
  });
});
