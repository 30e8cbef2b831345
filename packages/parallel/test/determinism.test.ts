// Determinism: chunks and their reduction order do not depend on W, so the parameters after 20 steps
// are bit-identical for W = 1, 2, 3, 4 — Dropout included (its masks derive from seed, step and chunk)
// — and a run resumed from trainingState() continues bit for bit.
import type { ModelSpec } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { DataParallelTrainer, PiscinaTransport } from '../src/node.js';
import { ParallelTrainer } from '../src/trainer.js';
import { batch } from './helpers.js';

const spec: ModelSpec = {
  type: 'sequential',
  layers: [
    { type: 'linear', in: 12, out: 24 },
    { type: 'relu' },
    { type: 'dropout', p: 0.3 },
    { type: 'linear', in: 24, out: 4 },
  ],
};

async function train(
  workers: number,
  shareMainThread = false,
): Promise<{ parameters: Float32Array; losses: number[]; before: number; after: number }> {
  const trainer = new DataParallelTrainer({
    model: spec,
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 1e-2 },
    workers,
    maxWorkers: 4,
    seed: 11,
    chunkSize: 8,
    shareMainThread,
  }); // maxWorkers: W = 3, 4 even on fewer cores
  try {
    const { inputs, targets } = batch(500, 37, [12], 4); // 37 = 4 full chunks + one of 5
    const before = (await trainer.evaluate(inputs, targets)).loss;
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) losses.push(await trainer.step(inputs, targets));
    const after = (await trainer.evaluate(inputs, targets)).loss;
    const parameters = Float32Array.from(trainer.model.parameters().flatMap((p) => [...p.data]));
    return { parameters, losses, before, after };
  } finally {
    await trainer.close();
  }
}

describe('DataParallelTrainer determinism', () => {
  it('gives bit-identical parameters and losses after 20 steps for W = 1, 2, 3, 4 (with Dropout)', async () => {
    const runs = [];
    for (const workers of [1, 2, 3, 4]) runs.push(await train(workers));
    const [one, ...others] = runs;
    expect(one!.after).toBeLessThan(one!.before); // it did learn something
    for (const other of others) {
      expect(other.losses).toEqual(one!.losses);
      expect(Buffer.from(other.parameters.buffer).equals(Buffer.from(one!.parameters.buffer))).toBe(true);
    }
  });

  it('shareMainThread (the main thread runs one share, NOTE(main-share)) gives the same bits for W = 2, 3', async () => {
    const reference = await train(1);
    for (const workers of [2, 3]) {
      const shared = await train(workers, true);
      expect(shared.losses).toEqual(reference.losses);
      expect(shared.after).toBe(reference.after);
      expect(Buffer.from(shared.parameters.buffer).equals(Buffer.from(reference.parameters.buffer))).toBe(true);
    }
    expect(
      () =>
        new DataParallelTrainer({
          model: spec,
          loss: 'crossEntropy',
          optimizer: { type: 'sgd' },
          shareMainThread: 'yes' as never,
        }),
    ).toThrow('DataParallelTrainer: shareMainThread must be true or false, got yes');
  });

  it('draws different Dropout masks at different steps (the seed mixes in the step)', async () => {
    const trainer = new DataParallelTrainer({
      model: spec,
      loss: 'crossEntropy',
      optimizer: { type: 'sgd', lr: 0 },
      workers: 1,
      seed: 3,
    });
    try {
      const { inputs, targets } = batch(1, 16, [12], 4);
      const first = await trainer.step(inputs, targets);
      const second = await trainer.step(inputs, targets); // lr 0: same weights, only the masks change
      expect(second).not.toBe(first);
    } finally {
      await trainer.close();
    }
  });

  it('continues bit for bit after loadTrainingState(trainingState()) in a new trainer (Adam moments, Dropout step)', async () => {
    const options = {
      model: spec,
      loss: 'crossEntropy',
      optimizer: { type: 'adam', lr: 1e-2 },
      seed: 5,
      chunkSize: 8,
    } as const;
    const { inputs, targets } = batch(600, 21, [12], 4);
    const straight = new DataParallelTrainer({ ...options, workers: 2 });
    const first = new DataParallelTrainer({ ...options, workers: 1 });
    const resumed = new DataParallelTrainer({ ...options, workers: 3, maxWorkers: 3, seed: 99 }); // weights and moments are overwritten; the Dropout seed is not
    try {
      for (let step = 0; step < 6; step++) await straight.step(inputs, targets);
      for (let step = 0; step < 3; step++) await first.step(inputs, targets);
      const state = first.trainingState();
      expect(state.steps).toBe(3);
      const reseeded = new DataParallelTrainer({ ...options, workers: 3, maxWorkers: 3 });
      try {
        await reseeded.loadTrainingState(state);
        for (let step = 0; step < 3; step++) await reseeded.step(inputs, targets);
        expect(reseeded.steps).toBe(6);
        const bits = (trainer: DataParallelTrainer) =>
          Buffer.from(Float32Array.from(trainer.model.parameters().flatMap((p) => [...p.data])).buffer);
        expect(bits(reseeded).equals(bits(straight))).toBe(true);
        // A different seed means different Dropout masks: the same state then diverges.
        await resumed.loadTrainingState(state);
        for (let step = 0; step < 3; step++) await resumed.step(inputs, targets);
        expect(bits(resumed).equals(bits(straight))).toBe(false);
      } finally {
        await reseeded.close();
      }
      await expect(first.loadTrainingState({ ...state, steps: -1 })).rejects.toThrow(
        /steps must be an integer ≥ 0, got -1/,
      );
      const wrong = { ...state, optimizer: { ...state.optimizer, paramGroups: [] } };
      const before = first.stateDict();
      await expect(first.loadTrainingState({ ...wrong, model: straight.stateDict() })).rejects.toThrow(
        /parameter groups/,
      );
      for (const [name, value] of Object.entries(first.stateDict()))
        expect(value.data, name).toEqual(before[name]!.data);
    } finally {
      await Promise.all([straight.close(), first.close(), resumed.close()]);
    }
  });

  it("memory 'copy' (no SharedArrayBuffer: copies in and out of each message) gives the same bits as 'shared'", async () => {
    const options = {
      model: spec,
      loss: 'crossEntropy',
      optimizer: { type: 'adam', lr: 1e-2 },
      seed: 8,
      chunkSize: 8,
    } as const;
    const shared = new DataParallelTrainer({ ...options, workers: 2 });
    const copying = new DataParallelTrainer({ ...options, workers: 3, maxWorkers: 3, memory: 'copy' });
    try {
      expect([shared.memory, copying.memory]).toEqual(['shared', 'copy']);
      for (const size of [1, 7, 37, 64]) {
        const { inputs, targets } = batch(700 + size, size, [12], 4);
        expect(await copying.step(inputs, targets)).toBe(await shared.step(inputs, targets));
        expect(await copying.evaluate(inputs, targets)).toEqual(await shared.evaluate(inputs, targets));
      }
      const bits = (trainer: DataParallelTrainer) =>
        Buffer.from(Float32Array.from(trainer.model.parameters().flatMap((p) => [...p.data])).buffer);
      expect(bits(copying).equals(bits(shared))).toBe(true);
      expect(() => new DataParallelTrainer({ ...options, memory: 'mapped' as never })).toThrow(
        /memory must be 'shared' or 'copy', got "mapped"/,
      );
    } finally {
      await Promise.all([shared.close(), copying.close()]);
    }
  });

  it('a transport that runs fewer tasks at once than a step has (1 thread for 3 workers) does not hang: the main thread updates, same bits', async () => {
    const { inputs, targets } = batch(700, 37, [12], 4);
    const options = {
      model: spec,
      loss: 'crossEntropy',
      optimizer: { type: 'adam', lr: 1e-2 },
      workers: 3,
      maxWorkers: 3,
      seed: 4,
      chunkSize: 8,
    } as const;
    const narrow = new ParallelTrainer({ ...options, transport: () => new PiscinaTransport(1) });
    const wide = new DataParallelTrainer(options);
    try {
      for (let step = 0; step < 3; step++) {
        expect(await narrow.step(inputs, targets)).toBe(await wide.step(inputs, targets));
      }
      expect(narrow.lastStep!.updateMilliseconds).toBeGreaterThan(0); // measured on the main thread
      const flat = (trainer: ParallelTrainer) =>
        Float32Array.from(trainer.model.parameters().flatMap((p) => [...p.data]));
      expect(Buffer.from(flat(narrow).buffer).equals(Buffer.from(flat(wide).buffer))).toBe(true);
    } finally {
      await Promise.all([narrow.close(), wide.close()]);
    }
  });
});
