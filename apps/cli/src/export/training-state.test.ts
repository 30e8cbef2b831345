// handoffState: Backprop's optimizer state by index → PyTorch's names and keys, every value checked.
import { Adam, buildModel, SGD, Tensor, zeros, type ModelSpec } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import type { TrainConfig } from '../config/train-config.js';
import type { SessionState } from '../run/training-checkpoint.js';
import { handoffState } from './training-state.js';

const spec: ModelSpec = {
  type: 'sequential',
  layers: [{ type: 'flatten' }, { type: 'linear', in: 2, out: 3 }, { type: 'relu' }, { type: 'linear', in: 3, out: 2 }],
};
const config = { seed: 7, batchSize: 32, epochs: 4, augment: 'none', optimizer: 'adam' } as TrainConfig;

function session(optimizer: Adam | SGD, steps: number): SessionState {
  return {
    trainer: { model: {}, optimizer: optimizer.stateDict(), steps },
    position: { epoch: 1, batch: 3, lossSum: 0, samples: 0 },
    rng: { seed: 1, counter: 0 } as unknown as SessionState['rng'],
    scheduler: {
      type: 'CosineAnnealingLR',
      lastStep: steps,
      baseLearningRate: 0.002,
      options: { tMax: 100, etaMin: 0 },
    },
    history: [{ epoch: 1, trainLoss: 0.5, testLoss: 0.4, testAccuracy: 0.9, samplesPerSecond: 1, lr: 0.001 }],
  };
}

function stepped(optimizer: Adam | SGD, model: ReturnType<typeof buildModel>, times: number) {
  for (let i = 0; i < times; i++) {
    for (const p of model.parameters())
      p.grad = new Tensor(
        p.data.map((_, j) => 0.1 * (j + 1)),
        p.shape,
      );
    optimizer.step();
  }
}

describe('handoffState', () => {
  it("names Adam's moments by parameter and PyTorch key, with the step counts, schedule and position", () => {
    const model = buildModel(spec);
    const adam = new Adam(model.parameters(), { lr: 0.002, weightDecay: 0.01 });
    stepped(adam, model, 3);
    const { settings, tensors } = handoffState({ state: session(adam, 3), spec, config, trainSamples: 100 });
    expect(Object.keys(tensors).sort()).toEqual([
      'layers.1.bias/exp_avg',
      'layers.1.bias/exp_avg_sq',
      'layers.1.weight/exp_avg',
      'layers.1.weight/exp_avg_sq',
      'layers.3.bias/exp_avg',
      'layers.3.bias/exp_avg_sq',
      'layers.3.weight/exp_avg',
      'layers.3.weight/exp_avg_sq',
    ]);
    expect(tensors['layers.1.weight/exp_avg']!.data).toEqual((adam.stateDict().state[0]!.expAvg as Tensor).data);
    expect(settings.optimizer).toEqual({
      type: 'adam',
      hyperparameters: { lr: 0.002, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01, amsgrad: false },
      state_keys: ['exp_avg', 'exp_avg_sq'],
      steps: { 'layers.1.weight': 3, 'layers.1.bias': 3, 'layers.3.weight': 3, 'layers.3.bias': 3 },
    });
    expect(settings.schedule).toEqual({ type: 'CosineAnnealingLR', base_lr: 0.002, options: { tMax: 100, etaMin: 0 } });
    expect(settings.position).toEqual({ epoch: 1, batch: 3, step: 3 });
    expect(settings.batches_per_epoch).toBe(4); // ceil(100 / 32)
    expect(settings.last).toEqual({ epoch: 1, train_loss: 0.5, test_loss: 0.4, test_accuracy: 0.9 });
  });

  it("gives SGD (no count of its own) the trainer's step count and momentum_buffer", () => {
    const model = buildModel(spec);
    const sgd = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    stepped(sgd, model, 2);
    const { settings, tensors } = handoffState({
      state: session(sgd, 2),
      spec,
      config: { ...config, optimizer: 'sgd' },
      trainSamples: 64,
    });
    expect(settings.optimizer.state_keys).toEqual(['momentum_buffer']);
    expect(settings.optimizer.steps['layers.3.bias']).toBe(2);
    expect(Object.keys(tensors)).toHaveLength(4);
  });

  it('refuses unknown keys, wrong shapes, non-finite values and state for parameters the model lacks', () => {
    const model = buildModel(spec);
    const adam = new Adam(model.parameters());
    stepped(adam, model, 1);
    const base = session(adam, 1);
    const withGroup = (extra: Record<string, unknown>) => ({
      ...base,
      trainer: {
        ...base.trainer,
        optimizer: {
          ...base.trainer.optimizer,
          paramGroups: [{ ...base.trainer.optimizer.paramGroups[0]!, ...extra }],
        },
      },
    });
    const withState = (index: number, entry: Record<string, unknown>) =>
      ({
        ...base,
        trainer: {
          ...base.trainer,
          optimizer: { ...base.trainer.optimizer, state: { ...base.trainer.optimizer.state, [index]: entry } },
        },
      }) as SessionState;
    const convert = (state: SessionState) => () => handoffState({ state, spec, config, trainSamples: 10 });
    expect(convert(withGroup({ 'lr); import os': 1 }))).toThrow(/unknown optimizer hyperparameter "lr\); import os"/);
    expect(convert(withGroup({ lr: Number.NaN }))).toThrow(/lr must be a finite number/);
    expect(convert(withState(0, { step: 1, expAvg: zeros([5]) }))).toThrow(
      /layers.1.weight expAvg must be a tensor of shape \[3, 2\]/,
    );
    expect(convert(withState(0, { step: 1, __proto__x: zeros([3, 2]) }))).toThrow(
      /unknown optimizer state "__proto__x" of layers.1.weight/,
    );
    expect(convert(withState(0, { step: -1 }))).toThrow(/layers.1.weight step must be an integer ≥ 0/);
    expect(convert(withState(9, { step: 1 }))).toThrow(/optimizer state for parameter 9, but the model has 4/);
  });
});
