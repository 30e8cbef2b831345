// The Node transport's step loops (step-loop.ts): a loop that waited past its idle time ends and
// the next step starts a new one with the same bits; a trainer never closed lets the process exit;
// a thread that dies between steps, or a worker entry that cannot load, fails the step with a clear
// message instead of hanging.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PiscinaTransport } from '../src/node.js';
import { ParallelTrainer } from '../src/trainer.js';
import { batch, mlp } from './helpers.js';

const options = { model: mlp(), loss: 'crossEntropy', optimizer: { type: 'adam', lr: 1e-2 }, workers: 2, seed: 3, chunkSize: 4 } as const;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Parameters after three steps, with `gap` ms between steps; also returns the transport. */
async function train(gap: number): Promise<{ parameters: Float32Array; transport: PiscinaTransport }> {
  let transport: PiscinaTransport | undefined;
  const trainer = new ParallelTrainer({ ...options, transport: (threads) => (transport = new PiscinaTransport(threads)) });
  try {
    const { inputs, targets } = batch(7, 11, [12], 5);
    for (let step = 0; step < 3; step++) {
      await trainer.step(inputs, targets);
      await pause(gap);
    }
    return { parameters: Float32Array.from(trainer.model.parameters().flatMap((p) => [...p.data])), transport: transport! };
  } finally {
    await trainer.close();
  }
}

describe('PiscinaTransport step loops', () => {
  it('a loop idle past its idle time (200 ms) ends; the next step starts a new one, same bits', async () => {
    const [steady, paused] = [await train(0), await train(600)];
    expect(paused.transport.loopStarts).toBe(6); // steps 2 and 3 each found both loops ended
    expect(steady.transport.loopStarts).toBeLessThan(6); // back to back, the loops served several steps (2 unless the machine stalls)
    expect(paused.parameters).toEqual(steady.parameters);
  });

  it('lets the process exit on its own when the trainer is never closed', () => {
    const script = fileURLToPath(new URL('./fixtures/train-without-close.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    expect(result.error).toBeUndefined(); // a timeout (process still alive) would show here
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^loss \d+\.\d+ not closed$/);
  });

  it('a thread that dies between steps fails the next step within 5 s, saying so', async () => {
    let transport: PiscinaTransport | undefined;
    const trainer = new ParallelTrainer({ ...options, transport: (threads) => (transport = new PiscinaTransport(threads)) });
    const { inputs, targets } = batch(7, 11, [12], 5);
    await trainer.step(inputs, targets);
    await transport!.threads[0]!.terminate(); // its loop is waiting for the next step
    const started = Date.now();
    await expect(trainer.step(inputs, targets)).rejects.toThrow(
      /^DataParallelTrainer: step 2 failed in a worker: PiscinaTransport: a worker thread exited \(code 1\) between tasks; close this trainer and start a new one$/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    await trainer.close();
    expect(transport!.threadCount).toBe(0);
  });

  it('a worker entry that fails or exits while loading rejects the first step, naming the cause', async () => {
    const entry = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
    const { inputs, targets } = batch(7, 11, [12], 5);
    const broken = new ParallelTrainer({ ...options, transport: (threads) => new PiscinaTransport(threads, { filename: entry('broken-entry.mjs') }) });
    await expect(broken.step(inputs, targets)).rejects.toThrow(/^DataParallelTrainer: step 1 failed in a worker: broken-entry: this worker module fails while loading$/);
    await broken.close();
    const exiting = new ParallelTrainer({ ...options, transport: (threads) => new PiscinaTransport(threads, { filename: entry('exit-on-load-entry.mjs') }) });
    await expect(exiting.step(inputs, targets)).rejects.toThrow(/^DataParallelTrainer: step 1 failed in a worker: a worker thread exited \(code 7\) while running the chunks it claimed of the step/);
    await exiting.close();
  });
});
