// Optimizers and schedulers against real PyTorch 1.13.1: 20-step parameter trajectories on a fixed
// non-quadratic loss (float32, Backprop's own autograd for the gradients), and 30-step schedules.
import { describe, expect, it } from 'vitest';
import { expectRelative } from '../../test/helpers.js';
import { Tensor, tensor } from '../index.js';
import { Adam, AdamW } from './adam.js';
import { RMSprop } from './rmsprop.js';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  OneCycleLR,
  StepLR,
  type LearningRateScheduler,
} from './schedulers.js';
import { SGD } from './sgd.js';
import { torchReference } from '../../test/torch-reference-values.js';

// Reference: PyTorch 1.13.1, test/torch-reference/optim.py — p = [1, −2, 0.5, 3]; each step:
// zero_grad, loss = Σ (c·p − t)² + Σ p⁴/20 (c = [1, 2, −1, 0.5], t = [0.5, −1, 1, 2]), backward, step;
// p after each of 20 steps, 7 significant digits.
const TRAJECTORIES = torchReference<{ optimizers: Record<string, number[][]> }>('optim').optimizers;

// Reference: same script — SGD(lr=0.5) and the scheduler; the learning rate before the first step
// and after each of 30 scheduler.step() calls (float64, as PyTorch computes it).
const SCHEDULES = torchReference<{ schedulers: Record<string, number[]> }>('optim').schedulers;

const C = tensor([1, 2, -1, 0.5]);
const T = tensor([0.5, -1, 1, 2]);

/** What a trajectory needs of an optimizer. */
interface Stepper {
  zeroGrad(): void;
  step(): void;
}

function trajectory(make: (parameters: Tensor[]) => Stepper): number[][] {
  const p = new Tensor(Float32Array.of(1, -2, 0.5, 3), [4], true);
  const optimizer = make([p]);
  return Array.from({ length: 20 }, () => {
    optimizer.zeroGrad();
    C.mul(p).sub(T).square().sum().add(p.pow(4).sum().div(20)).backward();
    optimizer.step();
    return Array.from(p.data);
  });
}

const OPTIMIZERS: Array<[string, (parameters: Tensor[]) => Stepper]> = [
  [
    'SGD momentum 0.9 nesterov, weight decay 0.01',
    (ps) => new SGD(ps, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  ],
  ['SGD momentum 0.9 dampening 0.1', (ps) => new SGD(ps, { lr: 0.02, momentum: 0.9, dampening: 0.1 })],
  ['Adam weight decay 0.01 amsgrad', (ps) => new Adam(ps, { lr: 0.05, weightDecay: 0.01, amsgrad: true })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.05 })],
  [
    'RMSprop momentum 0.5 centered',
    (ps) => new RMSprop(ps, { lr: 0.01, momentum: 0.5, centered: true, weightDecay: 0.1 }),
  ],
];

describe('optimizers follow PyTorch 1.13.1 for 20 steps', () => {
  for (const [name, make] of OPTIMIZERS) {
    it(name, () => expectRelative(trajectory(make), TRAJECTORIES[name]!, 2e-5));
  }
});

const SCHEDULERS: Array<[string, (optimizer: SGD) => LearningRateScheduler]> = [
  ['StepLR stepSize 7 gamma 0.5', (o) => new StepLR(o, { stepSize: 7, gamma: 0.5 })],
  ['ExponentialLR gamma 0.9', (o) => new ExponentialLR(o, { gamma: 0.9 })],
  ['CosineAnnealingLR tMax 10 etaMin 0.01', (o) => new CosineAnnealingLR(o, { tMax: 10, etaMin: 0.01 })],
  [
    'LinearLR startFactor 0.25 over 5 (LinearWarmup)',
    (o) => new LinearWarmup(o, { warmupSteps: 5, startFactor: 0.25 }),
  ],
  ['OneCycleLR maxLr 1 totalSteps 31 cos', (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 31 })],
  [
    'OneCycleLR maxLr 1 totalSteps 31 linear pctStart 0.2',
    (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 31, annealStrategy: 'linear', pctStart: 0.2 }),
  ],
];

describe('schedulers follow PyTorch 1.13.1 for 30 steps', () => {
  for (const [name, make] of SCHEDULERS) {
    it(name, () => {
      const optimizer = new SGD([new Tensor(new Float32Array(1), [1], true)], { lr: 0.5 });
      const scheduler = make(optimizer);
      const rates = [optimizer.learningRate];
      for (let step = 0; step < 30; step++) {
        scheduler.step();
        rates.push(optimizer.learningRate);
      }
      rates.forEach((rate, step) =>
        expect(Math.abs(rate - SCHEDULES[name]![step]!), `step ${step}: ${rate}`).toBeLessThanOrEqual(1e-12),
      );
    });
  }
});
