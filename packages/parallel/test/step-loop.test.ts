// The Node transport's step loops (step-loop.ts): a loop that waited past its idle time ends and
// the next step starts a new one with the same bits, at any cadence; a trainer never closed lets the process exit;
// a task that cannot be copied to a thread rejects alone; a thread that dies between steps, or a
// worker entry that cannot load, fails the step with a clear message instead of hanging.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PiscinaTransport } from '../src/node.js';
import { ParallelTrainer } from '../src/trainer.js';
import type { WorkerTask } from '../src/protocol.js';
import { batch, mlp } from './helpers.js';

const options = {
  model: mlp(),
  loss: 'crossEntropy',
  optimizer: { type: 'adam', lr: 1e-2 },
  workers: 2,
  seed: 3,
  chunkSize: 4,
} as const;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const IDLE = 20; // ms a loop waits for the next task in these tests (200 by default)

/** Parameters after three steps with `gap` ms between steps, and the transport's loop count. */
async function train(gap: number): Promise<{ parameters: Float32Array; loopStarts: number }> {
  let transport: PiscinaTransport | undefined;
  const trainer = new ParallelTrainer({
    ...options,
    transport: (threads) => (transport = new PiscinaTransport(threads, { idleMilliseconds: IDLE })),
  });
  try {
    const { inputs, targets } = batch(7, 11, [12], 5);
    for (let step = 0; step < 3; step++) {
      await trainer.step(inputs, targets);
      await pause(gap);
    }
    return {
      parameters: Float32Array.from(trainer.model.parameters().flatMap((p) => [...p.data])),
      loopStarts: transport!.loopStarts,
    };
  } finally {
    await trainer.close();
  }
}

describe('PiscinaTransport step loops', () => {
  it('a loop idle past its idle time ends; the next step starts a new one, same bits', async () => {
    const [steady, paused] = [await train(0), await train(10 * IDLE)];
    expect(paused.loopStarts).toBe(6); // steps 2 and 3 each found both loops ended
    expect(steady.loopStarts).toBeLessThan(6); // back to back, the loops served several steps (2 unless the machine stalls)
    expect(paused.parameters).toEqual(steady.parameters);
  });

  it('steps at any cadence around the idle time lose no answer (NOTE(loop-end)), same bits', async () => {
    // 1 ms idle loops and gaps of 0–2 ms: loops end between most steps, often just as an answer is
    // on its way. Before NOTE(loop-end) this hung within a few dozen steps.
    const { inputs, targets } = batch(7, 11, [12], 5);
    const run = async (idleMilliseconds: number, gaps: boolean): Promise<Float32Array> => {
      const trainer = new ParallelTrainer({
        ...options,
        transport: (threads) => new PiscinaTransport(threads, { idleMilliseconds }),
      });
      try {
        for (let step = 0; step < 300; step++) {
          await trainer.step(inputs, targets);
          if (gaps) await pause(step % 3); // 0, 1 or 2 ms
        }
        return Float32Array.from(trainer.model.parameters().flatMap((p) => [...p.data]));
      } finally {
        await trainer.close();
      }
    };
    expect(await run(1, true)).toEqual(await run(200, false));
  });

  it('lets the process exit on its own when the trainer is never closed', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@backprop/source', fixture('train-and-close.ts'), '--no-close'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.error).toBeUndefined(); // a timeout (process still alive) would show here
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^loss \d+\.\d+ not closed$/);
  });

  it('a task that cannot be copied to a thread rejects alone; the loops go on', async () => {
    const transport = new PiscinaTransport(1, { filename: fixture('echo-entry.mjs') });
    const task = (step: number, extra: object = {}) => ({ step, setup: null, ...extra }) as unknown as WorkerTask;
    try {
      await expect(transport.run(task(1, { bad: () => 1 }))).rejects.toThrow(/could not be cloned/); // starting a loop
      expect(await transport.run(task(2))).toMatchObject({ chunks: 2 });
      await expect(transport.run(task(3, { bad: () => 1 }))).rejects.toThrow(/could not be cloned/); // to a waiting loop
      expect(await transport.run(task(4))).toMatchObject({ chunks: 4 });
    } finally {
      await transport.close();
    }
  });

  it('a thread that dies between steps fails the next step, whether or not its loop still waited', async () => {
    for (const gap of [0, 10 * IDLE]) {
      let transport: PiscinaTransport | undefined;
      const trainer = new ParallelTrainer({
        ...options,
        transport: (threads) => (transport = new PiscinaTransport(threads, { idleMilliseconds: IDLE })),
      });
      const { inputs, targets } = batch(7, 11, [12], 5);
      await trainer.step(inputs, targets);
      await pause(gap); // 0: the loops wait for the next task; 10 × IDLE: they have ended (piscina replaces a dead thread)
      await transport!.threads[0]!.terminate();
      await pause(10); // the exit is noticed in the next turns of the event loop
      const started = Date.now();
      await expect(trainer.step(inputs, targets), `gap ${gap}`).rejects.toThrow(
        /^DataParallelTrainer: step 2 failed in a worker: PiscinaTransport: a worker thread exited \(code 1\); close this trainer and start a new one; the trainer is stopped \(/,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      await trainer.close();
      expect(transport!.threadCount).toBe(0);
    }
  });

  it('a worker entry that fails or exits while loading rejects the first step, naming the cause', async () => {
    const { inputs, targets } = batch(7, 11, [12], 5);
    const broken = new ParallelTrainer({
      ...options,
      transport: (threads) => new PiscinaTransport(threads, { filename: fixture('broken-entry.mjs') }),
    });
    await expect(broken.step(inputs, targets)).rejects.toThrow(
      /^DataParallelTrainer: step 1 failed in a worker: broken-entry: this worker module fails while loading; the trainer is stopped \(/,
    );
    await broken.close();
    const exiting = new ParallelTrainer({
      ...options,
      transport: (threads) => new PiscinaTransport(threads, { filename: fixture('exit-on-load-entry.mjs') }),
    });
    await expect(exiting.step(inputs, targets)).rejects.toThrow(
      /^DataParallelTrainer: step 1 failed in a worker: a worker thread exited \(code 7\) while running the chunks it claimed of the step/,
    );
    await exiting.close();
  });
});
