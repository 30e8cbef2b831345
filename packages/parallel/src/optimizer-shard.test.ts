// The optimizer step of a parameter range: core's pure update functions applied shard by shard equal
// one Optimizer.step() on the whole, with update counts derived from the step number and origins.
import { Adam, Generator, SGD, Tensor, type Optimizer } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import type { ParameterLayout } from './flat-parameters.js';
import { updateRange, type OptimizerKind } from './optimizer-shard.js';
import { shardBounds } from './sharded-update.js';

function seeded(length: number, seed: number): Float32Array {
  const generator = new Generator(seed);
  return Float32Array.from({ length }, () => generator.uniform(-1, 1));
}

const layout: ParameterLayout = {
  slots: [
    { name: 'w', shape: [2, 5], offset: 0, size: 10 },
    { name: 'b', shape: [3], offset: 10, size: 3 },
  ],
  size: 13,
};

/** Three steps of `optimizer` on two parameters, against updateRange over 3 shards of the flat values (ranges cross parameters). */
function compare(kind: OptimizerKind, make: (parameters: Tensor[]) => Optimizer): void {
  const values = seeded(13, 2);
  const reduced = seeded(13, 3);
  const reference = [new Tensor(values.slice(0, 10), [2, 5], true), new Tensor(values.slice(10), [3], true)];
  const optimizer = make(reference);
  const flat = values.slice();
  const state = new Map(optimizer.bufferKeys.map((key) => [key, new Float32Array(13)]));
  for (let step = 1; step <= 3; step++) {
    reference[0]!.grad = new Tensor(reduced.slice(0, 10), [2, 5]);
    reference[1]!.grad = new Tensor(reduced.slice(10), [3]);
    optimizer.step();
    for (const shard of [0, 1, 2]) {
      const { start, end } = shardBounds(13, 3, shard);
      updateRange(
        {
          kind,
          hyperparameters: optimizer.hyperparameters,
          layout,
          values: flat,
          reduced,
          state,
          origins: [0, 0],
          step,
        },
        start,
        end,
      );
    }
  }
  expect(Array.from(flat)).toEqual([...reference[0]!.data, ...reference[1]!.data]);
  for (const key of optimizer.bufferKeys) {
    expect(Array.from(state.get(key)!.subarray(10)), key).toEqual(
      Array.from((optimizer.stateDict().state[1]![key] as Tensor).data),
    );
  }
}

describe('updateRange', () => {
  it('Adam with AMSGrad, shard by shard, equals optimizer.step() on the whole', () =>
    compare('adam', (parameters) => new Adam(parameters, { lr: 0.1, amsgrad: true })));

  it('SGD with momentum (its first step starts the buffer from the gradient) equals optimizer.step()', () =>
    compare('sgd', (parameters) => new SGD(parameters, { lr: 0.1, momentum: 0.9, dampening: 0.2 })));

  it('derives each parameter’s update count from the step number and its origin (NOTE(step-count))', () => {
    // Adam's bias correction at count 1 and at count 3 differ: a parameter with origin 2 at step 3 takes count 1.
    const hyperparameters = new Adam([new Tensor(new Float32Array(1), [1], true)], { lr: 0.1 }).hyperparameters;
    const run = (origins: number[], step: number) => {
      const flat = new Float32Array(13).fill(1);
      const state = new Map(['expAvg', 'expAvgSq'].map((key) => [key, new Float32Array(13)]));
      updateRange(
        {
          kind: 'adam',
          hyperparameters,
          layout,
          values: flat,
          reduced: new Float32Array(13).fill(0.5),
          state,
          origins,
          step,
        },
        0,
        13,
      );
      return flat;
    };
    const fresh = run([0, 0], 1);
    const resumed = run([0, 2], 3);
    expect(resumed.subarray(10)).toEqual(fresh.subarray(10));
    expect(resumed[0]).not.toBe(fresh[0]); // count 3: smaller bias correction
  });

  it('refuses a Setup without the state its optimizer needs, naming it', () => {
    const zeros = new Float32Array(13);
    const hyperparameters = new Adam([new Tensor(new Float32Array(1), [1], true)]).hyperparameters;
    expect(() =>
      updateRange(
        {
          kind: 'adam',
          hyperparameters,
          layout,
          values: zeros,
          reduced: zeros,
          state: new Map(),
          origins: [0, 0],
          step: 1,
        },
        0,
        13,
      ),
    ).toThrow("optimizer shard: the state 'expAvg' is missing from the Setup");
  });
});
