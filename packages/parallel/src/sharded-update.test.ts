// The sharded end of a step: shards cover the values, a reduction or update split into shards gives
// the bits of the whole, and the barrier releases every worker — or, after a failure, none.
import { Generator, kernelBackend, setKernelBackend, type KernelBackend } from '@backprop/core';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { arriveAndWait, reduceChunks, shardBounds, signalFailure } from './sharded-update.js';

function seeded(length: number, seed: number): Float32Array {
  const generator = new Generator(seed);
  return Float32Array.from({ length }, () => generator.uniform(-1, 1));
}

describe('sharded update', () => {
  it('shards are contiguous, near-equal and cover every value once', () => {
    for (const [size, shards] of [
      [16, 2],
      [16, 3],
      [4, 4],
      [101_772, 2],
      [101_772, 3],
    ] as const) {
      const bounds = Array.from({ length: shards }, (_, shard) => shardBounds(size, shards, shard));
      expect(bounds[0]!.start).toBe(0);
      expect(bounds.at(-1)!.end).toBe(size);
      bounds.slice(1).forEach((bound, i) => expect(bound.start).toBe(bounds[i]!.end));
      for (const { start, end } of bounds) {
        expect(start % 4).toBe(0); // NOTE(alignment)
        expect(end - start).toBeLessThanOrEqual(Math.ceil(size / shards) + 4);
      }
    }
  });

  it('a reduction in shards equals the reduction of the whole, bit for bit (float32 sums in chunk order)', () => {
    const [chunks, stride] = [3, 15]; // 13 gradient values + 2 statistics per chunk
    const gradients = seeded(chunks * stride, 1);
    const whole = new Float32Array(13);
    reduceChunks(gradients, chunks, stride, 7, whole, 0, 13);
    const sharded = new Float32Array(13);
    for (const shard of [0, 1, 2]) {
      const { start, end } = shardBounds(13, 3, shard);
      reduceChunks(gradients, chunks, stride, 7, sharded, start, end);
    }
    expect(Array.from(sharded)).toEqual(Array.from(whole));
    expect(whole[4]).toBe(Math.fround(Math.fround(Math.fround(gradients[4]! + gradients[19]!) + gradients[34]!) / 7));
  });

  it('a sharded reduction of the 101,770 values of the MLP takes the WebAssembly kernel and keeps the TypeScript bits', () => {
    const [chunks, size, stride] = [4, 101_770, 101_773];
    const gradients = new Float32Array(new SharedArrayBuffer(4 * chunks * stride));
    gradients.set(seeded(chunks * stride, 4));
    const reduce = (backend: KernelBackend, shards: number) => {
      setKernelBackend(backend);
      const reduced = new Float32Array(size);
      for (let shard = 0; shard < shards; shard++) {
        const { start, end } = shardBounds(size, shards, shard);
        reduceChunks(gradients, chunks, stride, 64, reduced, start, end);
      }
      return new Uint32Array(reduced.buffer);
    };
    const backend = kernelBackend();
    try {
      const reference = reduce('js', 1);
      for (const shards of [1, 3])
        expect(reduce('wasm', shards).findIndex((bits, i) => bits !== reference[i])).toBe(-1);
    } finally {
      setKernelBackend(backend);
    }
  });

  it('the barrier releases everyone once all have arrived, and no one after a failure', async () => {
    const control = new SharedArrayBuffer(8);
    const first = arriveAndWait(control, 3);
    const second = arriveAndWait(control, 3);
    let released = false;
    void Promise.all([first, second]).then(() => (released = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(released).toBe(false);
    expect(await arriveAndWait(control, 3)).toBe(true);
    expect(await Promise.all([first, second])).toEqual([true, true]);

    const failing = new SharedArrayBuffer(8);
    const waiting = arriveAndWait(failing, 2);
    signalFailure(failing);
    expect(await waiting).toBe(false);
    expect(await arriveAndWait(failing, 2)).toBe(false); // arriving after the failure does not count
  });

  /** A second thread that arrives at the barrier, or fails the step, `delay` ms after it starts. */
  function laterInThread(control: SharedArrayBuffer, delay: number, action: 'arrive' | 'fail'): Worker {
    return new Worker(new URL('../test/fixtures/barrier-peer.mjs', import.meta.url), {
      workerData: { control, shards: 2, delay, action },
    });
  }

  it("a 'blocking' barrier blocks its thread until the other task arrives, or fails", async () => {
    const control = new SharedArrayBuffer(8);
    const arriving = laterInThread(control, 300, 'arrive');
    let ticked = false;
    setTimeout(() => (ticked = true), 0);
    expect(await arriveAndWait(control, 2, 'blocking')).toBe(true);
    expect(ticked).toBe(false); // the thread was blocked: not even a 0 ms timer ran while it waited
    await arriving.terminate();

    const failing = new SharedArrayBuffer(8);
    const failer = laterInThread(failing, 300, 'fail');
    expect(await arriveAndWait(failing, 2, 'blocking')).toBe(false);
    await failer.terminate();
  });
});
