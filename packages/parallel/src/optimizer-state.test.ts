// The optimizer state the workers' shards hold, read and loaded by the main thread: a state dict in
// core's layout, with counts from the step origins, and loads that set the origins back.
import { Adam, SGD, Tensor, type OptimizerStateDict } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import type { ParameterLayout } from './flat-parameters.js';
import { memoryAdapter } from './memory.js';
import { ShardedOptimizerState } from './optimizer-state.js';

const layout: ParameterLayout = {
  slots: [
    { name: 'w', shape: [2, 3], offset: 0, size: 6 },
    { name: 'b', shape: [3], offset: 8, size: 3 },
  ],
  size: 12,
};
const parameters = () => [new Tensor(new Float32Array(6), [2, 3], true), new Tensor(new Float32Array(3), [3], true)];

describe('ShardedOptimizerState', () => {
  it('reads a state dict in core’s layout: counts from the origins, tensors copied out of the flat buffers', () => {
    const state = new ShardedOptimizerState(
      'adam',
      new Adam(parameters(), { lr: 0.1 }),
      layout,
      memoryAdapter('shared'),
    );
    const setup = state.setup();
    expect(setup.state.map(([key]) => key)).toEqual(['expAvg', 'expAvgSq']);
    expect(state.stateDict(0).state).toEqual({}); // no update yet: no state, as in core
    new Float32Array(setup.state[0]![1]).set([1, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9]);
    const dict = state.stateDict(4);
    expect(dict.state[0]!.step).toBe(4);
    expect(Array.from((dict.state[1]!.expAvg as Tensor).data)).toEqual([7, 8, 9]);
    expect(dict.paramGroups[0]).toMatchObject({ lr: 0.1, params: [0, 1] });
  });

  it('a load sets each parameter’s origin from its count, and zeroes the state of a parameter the dict has none for', () => {
    const state = new ShardedOptimizerState('adam', new Adam(parameters()), layout, memoryAdapter('shared'));
    const buffers = new Map(state.setup().state.map(([key, buffer]) => [key, new Float32Array(buffer)]));
    buffers.get('expAvg')!.fill(5); // stale values from before the load
    const saved: OptimizerStateDict = {
      state: {
        0: {
          step: 3,
          expAvg: new Tensor(new Float32Array(6).fill(1), [2, 3]),
          expAvgSq: new Tensor(new Float32Array(6).fill(2), [2, 3]),
        },
      },
      paramGroups: [{ ...new Adam(parameters()).hyperparameters, params: [0, 1] }],
    };
    state.load(saved, 10);
    expect(state.origins).toEqual([7, 10]); // parameter 0 continues at count 4 at step 11; parameter 1 starts at 1
    expect(Array.from(buffers.get('expAvg')!.subarray(0, 6))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(buffers.get('expAvg')!.subarray(8, 11))).toEqual([0, 0, 0]);
    expect(state.stateDict(10).state[0]!.step).toBe(3);
  });

  it('SGD (no counts): a loaded momentum buffer continues (not its first update); switching momentum on later starts it fresh', () => {
    const optimizer = new SGD(parameters(), { lr: 0.1 });
    const state = new ShardedOptimizerState('sgd', optimizer, layout, memoryAdapter('copy'));
    expect(state.setup().state).toEqual([]);
    optimizer.setHyperparameters({ momentum: 0.9 });
    expect(state.changedBefore(5)).toBe(true);
    expect(state.origins).toEqual([5, 5]); // step 6 is the momentum buffers' first update
    state.setup();
    expect(state.changedBefore(6)).toBe(false);
    const momentum = (value: number, shape: number[]) =>
      new Tensor(new Float32Array(shape.reduce((a, b) => a * b)).fill(value), shape);
    state.load(
      {
        state: { 0: { momentumBuffer: momentum(1, [2, 3]) }, 1: { momentumBuffer: momentum(2, [3]) } },
        paramGroups: [{ ...optimizer.hyperparameters, params: [0, 1] }],
      },
      8,
    );
    expect(state.origins).toEqual([7, 7]);
  });

  it('refuses a state dict of another optimizer with core’s message, changing nothing', () => {
    const state = new ShardedOptimizerState('adam', new Adam(parameters()), layout, memoryAdapter('shared'));
    const sgd = new SGD(parameters(), { momentum: 0.9 }).stateDict();
    expect(() => state.load(sgd, 3)).toThrow(/^Adam\.loadStateDict: /);
    expect(state.origins).toEqual([0, 0]);
  });
});
