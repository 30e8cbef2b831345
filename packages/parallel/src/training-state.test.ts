// Snapshots and restores of the main model: a TrainerState's shape is checked with errors that say
// what was given, a restore whose optimizer state does not fit changes nothing, and loaded running
// statistics reach the buffers the workers read.
import { Adam, buildModel, Generator, type ModelSpec, type StateDict } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { installModel, type BuiltModel } from './built-model.js';
import { memoryAdapter } from './memory.js';
import { checkTrainerState, copyStateDict, loadWeights, restoreTrainingState } from './training-state.js';

const spec: ModelSpec = {
  type: 'sequential',
  layers: [
    { type: 'linear', in: 3, out: 4 },
    { type: 'batchNorm1d', features: 4 },
    { type: 'linear', in: 4, out: 2 },
  ],
};
const OPERATION = 'DataParallelTrainer.loadTrainingState';

function built(seed: number): BuiltModel {
  const model = buildModel(spec, { generator: new Generator(seed) });
  return installModel(model, memoryAdapter('shared'), { kind: 'adam', create: (parameters) => new Adam(parameters) });
}

/** The weights of another seed, with running statistics that differ from a fresh model's. */
function otherWeights(): StateDict {
  const weights = copyStateDict(built(2).model.stateDict());
  weights['layers.1.running_mean']!.data.fill(0.5);
  return weights;
}

const values = (state: StateDict) => Object.fromEntries(Object.entries(state).map(([k, t]) => [k, Array.from(t.data)]));

describe('checkTrainerState', () => {
  const model = otherWeights();
  const optimizer = built(1).optimizer.stateDict(0);

  it('returns a state of the right shape', () => {
    expect(checkTrainerState({ model, optimizer, steps: 7 }, OPERATION)).toEqual({ model, optimizer, steps: 7 });
  });

  it.each([
    [-1, '-1'],
    [1.5, '1.5'],
    ['3', '3'],
    [undefined, 'undefined'],
  ])('refuses steps %j, saying what it got', (steps, shown) => {
    expect(() => checkTrainerState({ model, optimizer, steps }, OPERATION)).toThrow(
      `DataParallelTrainer.loadTrainingState: steps must be an integer ≥ 0, got ${shown}`,
    );
  });

  it('refuses a missing state, or one without model or optimizer objects', () => {
    for (const state of [undefined, null])
      expect(() => checkTrainerState(state, OPERATION)).toThrow(
        `${OPERATION}: steps must be an integer ≥ 0, got undefined`,
      );
    for (const state of [
      { optimizer, steps: 1 },
      { model, optimizer: null, steps: 1 },
      { model: 'weights', optimizer, steps: 1 },
    ]) {
      expect(() => checkTrainerState(state, OPERATION)).toThrow(
        `${OPERATION}: expected { model, optimizer, steps } as returned by trainingState()`,
      );
    }
  });
});

describe('copyStateDict', () => {
  it('copies values and shapes, so later changes to the model do not reach the snapshot', () => {
    const target = built(1);
    const snapshot = copyStateDict(target.model.stateDict());
    const before = values(snapshot);
    target.model.parameters()[0]!.data.fill(9);
    expect(values(snapshot)).toEqual(before);
    expect(snapshot['layers.0.weight']!.shape).toEqual([4, 3]);
  });
});

describe('loadWeights and restoreTrainingState', () => {
  it('load the weights and write the running statistics into the workers’ buffers', () => {
    const target = built(1);
    loadWeights(target, otherWeights());
    expect(values(copyStateDict(target.model.stateDict()))).toEqual(values(otherWeights()));
    expect(Array.from(new Float32Array(target.buffers, 0, 4))).toEqual([0.5, 0.5, 0.5, 0.5]);

    const restored = built(1);
    const optimizer = restored.optimizer.stateDict(0);
    restoreTrainingState(restored, { model: otherWeights(), optimizer, steps: 4 });
    expect(values(copyStateDict(restored.model.stateDict()))).toEqual(values(otherWeights()));
    expect(Array.from(new Float32Array(restored.buffers, 0, 4))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('roll the weights and buffers back when the optimizer state does not fit', () => {
    const target = built(1);
    const before = values(copyStateDict(target.model.stateDict()));
    const buffersBefore = Array.from(new Float32Array(target.buffers));
    const optimizer = { ...target.optimizer.stateDict(0), paramGroups: [] };
    expect(() => restoreTrainingState(target, { model: otherWeights(), optimizer, steps: 4 })).toThrow(
      /parameter groups/,
    );
    expect(values(copyStateDict(target.model.stateDict()))).toEqual(before);
    expect(Array.from(new Float32Array(target.buffers))).toEqual(buffersBefore);
  });

  it('change nothing when the weights do not fit the model', () => {
    const target = built(1);
    const before = values(copyStateDict(target.model.stateDict()));
    const { ['layers.0.bias']: _dropped, ...partial } = otherWeights();
    expect(() => loadWeights(target, partial)).toThrow(/layers\.0\.bias/);
    expect(() =>
      restoreTrainingState(target, { model: partial, optimizer: target.optimizer.stateDict(0), steps: 1 }),
    ).toThrow(/layers\.0\.bias/);
    expect(values(copyStateDict(target.model.stateDict()))).toEqual(before);
  });
});
