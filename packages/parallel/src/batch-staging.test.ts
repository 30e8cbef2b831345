// Staging a minibatch: chunks (a last chunk of one sample joins the one before with BatchNorm), the loss
// divisor, and a batch the model cannot take refused before anything is copied.
import { Adam, buildModel, Generator, Tensor, type ModelSpec } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { BatchStaging, chunksOf, lossDivisor } from './batch-staging.js';
import { installModel, type BuiltModel } from './built-model.js';
import { memoryAdapter } from './memory.js';

const linear: ModelSpec = { type: 'sequential', layers: [{ type: 'linear', in: 3, out: 4 }] };
const normalized: ModelSpec = {
  type: 'sequential',
  layers: [
    { type: 'linear', in: 3, out: 4 },
    { type: 'batchNorm1d', features: 4 },
  ],
};

function built(spec: ModelSpec): BuiltModel {
  const model = buildModel(spec, { generator: new Generator(1) });
  return installModel(model, memoryAdapter('shared'), { kind: 'adam', create: (parameters) => new Adam(parameters) });
}

describe('lossDivisor', () => {
  it('is B for crossEntropy and every target element for mseLoss', () => {
    const targets = new Tensor(new Float32Array(12), [4, 3]);
    expect(lossDivisor('crossEntropy', 4, new Tensor(new Float32Array(4), [4]))).toBe(4);
    expect(lossDivisor('mseLoss', 4, targets)).toBe(12);
  });
});

describe('chunksOf', () => {
  it('merges a last chunk of one sample only with BatchNorm in the built model', () => {
    expect(chunksOf(built(linear), 129, 64)).toBe(3);
    expect(chunksOf(built(normalized), 129, 64)).toBe(2);
    expect(chunksOf(null, 129, 64)).toBe(3); // not built yet: no BatchNorm known
    expect(chunksOf(built(normalized), 130, 64)).toBe(3);
  });
});

describe('BatchStaging', () => {
  const inputs = new Tensor(
    Float32Array.from({ length: 15 }, (_, i) => i / 15),
    [5, 3],
  );

  it('stages a batch the model takes once, and gives its chunks, size and divisor', () => {
    const staged: number[] = [];
    const coordinator = { stage: (_: BuiltModel, _i: Tensor, _t: Tensor, chunks: number) => staged.push(chunks) };
    const staging = new BatchStaging({ loss: 'mseLoss', chunkSize: 2, coordinator });
    const targets = new Tensor(new Float32Array(20), [5, 4]);
    expect(staging.stage(built(linear), 'step', inputs, targets)).toEqual({ chunks: 3, batchSize: 5, divisor: 20 });
    expect(staged).toEqual([3]);
  });

  it('refuses a batch the model cannot take before staging it, naming the operation', () => {
    const staged: number[] = [];
    const coordinator = { stage: (_: BuiltModel, _i: Tensor, _t: Tensor, chunks: number) => staged.push(chunks) };
    const staging = new BatchStaging({ loss: 'crossEntropy', chunkSize: 2, coordinator });
    const labels = new Tensor(Float32Array.from([0, 1, 2, 3, 4]), [5]);
    expect(() => staging.stage(built(linear), 'evaluate', inputs, labels)).toThrow(
      /^DataParallelTrainer\.evaluate: targets\[4\] = 4 is not a class index: the model has 4 classes/,
    );
    expect(staged).toEqual([]);
  });
});
