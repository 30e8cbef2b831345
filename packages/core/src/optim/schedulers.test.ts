// Learning-rate schedulers: values at several steps against PyTorch's closed forms, state dicts, option errors.
import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor/tensor.js';
import { SGD } from './sgd.js';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  OneCycleLR,
  StepLR,
  type LearningRateScheduler,
} from './schedulers.js';

const optimizer = (lr = 0.1) => new SGD([new Tensor(new Float32Array(1), [1], true)], { lr });

/** The optimizer's learning rate at construction and after each of `steps` calls of step(). */
function trace(scheduler: LearningRateScheduler, steps: number): number[] {
  const rates = [scheduler.optimizer.learningRate];
  for (let i = 0; i < steps; i++) {
    scheduler.step();
    rates.push(scheduler.optimizer.learningRate);
  }
  return rates;
}

function expectRates(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((rate, step) =>
    expect(Math.abs(rate - expected[step]!), `step ${step}: ${rate} vs ${expected[step]}`).toBeLessThanOrEqual(1e-12),
  );
}

const range = (count: number) => Array.from({ length: count }, (_, t) => t);

describe('closed forms', () => {
  it('StepLR: base · γ^⌊t / stepSize⌋', () => {
    expectRates(
      trace(new StepLR(optimizer(), { stepSize: 3, gamma: 0.5 }), 7),
      [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025],
    );
    expectRates(trace(new StepLR(optimizer(1), { stepSize: 2 }), 4), [1, 1, 0.1, 0.1, 0.01]);
  });

  it('ExponentialLR: base · γ^t', () => {
    expectRates(
      trace(new ExponentialLR(optimizer(), { gamma: 0.9 }), 5),
      range(6).map((t) => 0.1 * 0.9 ** t),
    );
  });

  it('CosineAnnealingLR: ηmin + (base − ηmin)(1 + cos(πt / tMax)) / 2, continuing past tMax', () => {
    const rates = trace(new CosineAnnealingLR(optimizer(), { tMax: 10, etaMin: 0.001 }), 12);
    expectRates(
      rates,
      range(13).map((t) => 0.001 + (0.099 * (1 + Math.cos((Math.PI * t) / 10))) / 2),
    );
    expect(rates[5]).toBeCloseTo(0.0505, 12);
    expect(rates[10]).toBeCloseTo(0.001, 12);
    expect(rates[12]!).toBeGreaterThan(0.001);
    expect(new CosineAnnealingLR(optimizer(), { tMax: 4 }).learningRateAt(4)).toBe(0);
  });

  it('LinearWarmup: base · (s + (1 − s) · min(t, warmup) / warmup), then holds', () => {
    expectRates(
      trace(new LinearWarmup(optimizer(), { warmupSteps: 4, startFactor: 0.25 }), 6),
      [0.025, 0.04375, 0.0625, 0.08125, 0.1, 0.1, 0.1],
    );
    expectRates(trace(new LinearWarmup(optimizer(0.3), { warmupSteps: 2 }), 3), [0.1, 0.2, 0.3, 0.3]);
  });

  it('OneCycleLR with PyTorch defaults (cos, pctStart 0.3, divFactor 25, finalDivFactor 1e4)', () => {
    const scheduler = new OneCycleLR(optimizer(), { maxLr: 1, totalSteps: 10 });
    const rates = trace(scheduler, 10);
    const cos = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    // warm-up ends at step 0.3·10 − 1 = 2, the cycle at step 9; the 10th step() stays there (NOTE(cycle-end))
    const expected = range(11).map((t) =>
      t <= 2 ? cos(0.04, 1, t / 2) : cos(1, 0.04 / 1e4, Math.min(1, (t - 2) / 7)),
    );
    expectRates(rates, expected);
    expect(rates[0]).toBeCloseTo(0.04, 12);
    expect(rates[1]).toBeCloseTo(0.52, 12);
    expect(rates[2]).toBeCloseTo(1, 12);
    expect(rates[9]).toBeCloseTo(4e-6, 12);
    expect(() => scheduler.step()).toThrow('OneCycleLR: stepped 11 times but totalSteps is 10; raise totalSteps');
    expect(scheduler.lastStep).toBe(10);
  });

  it('OneCycleLR: linear annealing and three phases', () => {
    const linear = trace(new OneCycleLR(optimizer(), { maxLr: 1, totalSteps: 10, annealStrategy: 'linear' }), 9);
    const line = (start: number, end: number, pct: number) => (end - start) * pct + start;
    expectRates(
      linear,
      range(10).map((t) => (t <= 2 ? line(0.04, 1, t / 2) : line(1, 4e-6, (t - 2) / 7))),
    );
    const three = trace(
      new OneCycleLR(optimizer(), { maxLr: 1, totalSteps: 20, pctStart: 0.25, threePhase: true }),
      19,
    );
    const cos = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    // phase ends: 0.25·20 − 1 = 4, 2·0.25·20 − 2 = 8, 19
    const expected = range(20).map((t) =>
      t <= 4 ? cos(0.04, 1, t / 4) : t <= 8 ? cos(1, 0.04, (t - 4) / 4) : cos(0.04, 4e-6, (t - 8) / 11),
    );
    expectRates(three, expected);
  });

  it('OneCycleLR linear: the totalSteps-th step() (after the last batch) keeps the final rate instead of going negative', () => {
    // PyTorch 1.13 extrapolates to −0.0476 here (maxLr 1, totalSteps 30), which an optimizer refuses.
    const rates = trace(new OneCycleLR(optimizer(), { maxLr: 1, totalSteps: 30, annealStrategy: 'linear' }), 30);
    expect(rates[29]).toBeCloseTo(4e-6, 15);
    expect(rates[30]).toBeCloseTo(4e-6, 15);
    rates.forEach((rate) => expect(rate).toBeGreaterThan(0));
  });

  it('OneCycleLR: a warm-up phase of one step does not divide by zero', () => {
    const rates = trace(new OneCycleLR(optimizer(), { maxLr: 1, totalSteps: 10, pctStart: 0.1 }), 9);
    expect(rates[0]).toBe(1);
    rates.forEach((rate) => expect(Number.isFinite(rate)).toBe(true));
  });

  it('learningRateAt and learningRate agree with what the optimizer was given', () => {
    const scheduler = new ExponentialLR(optimizer(), { gamma: 0.5 });
    scheduler.step();
    scheduler.step();
    expect(scheduler.learningRate).toBe(scheduler.optimizer.learningRate);
    expect(scheduler.learningRateAt(2)).toBe(0.025);
    expect(scheduler.baseLearningRate).toBe(0.1);
  });
});

describe('scheduler state dicts', () => {
  const makers: Array<[string, (o: ReturnType<typeof optimizer>) => LearningRateScheduler]> = [
    ['StepLR', (o) => new StepLR(o, { stepSize: 2, gamma: 0.5 })],
    ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { tMax: 8, etaMin: 0.01 })],
    ['LinearWarmup', (o) => new LinearWarmup(o, { warmupSteps: 5, startFactor: 0.1 })],
    ['OneCycleLR', (o) => new OneCycleLR(o, { maxLr: 0.5, totalSteps: 12 })],
  ];
  for (const [label, make] of makers) {
    it(`${label}: resumes exactly (optimizer state loaded first, then the scheduler's)`, () => {
      const first = optimizer();
      const scheduler = make(first);
      for (let i = 0; i < 3; i++) scheduler.step();
      const savedOptimizer = first.stateDict();
      const saved = scheduler.stateDict();
      expect(saved).toMatchObject({ type: label, lastStep: 3, baseLearningRate: 0.1 });

      const second = optimizer();
      second.loadStateDict(savedOptimizer);
      const resumed = make(second); // built on the loaded (already scheduled) rate …
      resumed.loadStateDict(saved); // … which the saved base rate corrects
      expect(second.learningRate).toBe(first.learningRate);
      expect(trace(resumed, 4)).toEqual(trace(scheduler, 4));
    });
  }

  it('rejects the state of another scheduler or invalid values', () => {
    const scheduler = new StepLR(optimizer(), { stepSize: 2 });
    const other = new ExponentialLR(optimizer(), { gamma: 0.9 }).stateDict();
    expect(() => scheduler.loadStateDict(other)).toThrow(
      'StepLR.loadStateDict: the state belongs to a ExponentialLR; load it into a ExponentialLR',
    );
    expect(() => scheduler.loadStateDict({ ...scheduler.stateDict(), lastStep: -1 })).toThrow(
      'StepLR.loadStateDict: lastStep must be an integer ≥ 0, got -1',
    );
    expect(() => scheduler.loadStateDict({ ...scheduler.stateDict(), options: { stepSize: 0 } })).toThrow(
      'StepLR: invalid stepSize: 0 (expected an integer > 0)',
    );
    const cycle = new OneCycleLR(optimizer(), { maxLr: 1, totalSteps: 5 });
    expect(() => cycle.loadStateDict({ ...cycle.stateDict(), lastStep: 9 })).toThrow(
      'OneCycleLR: stepped 9 times but totalSteps is 5',
    );
    expect(cycle.lastStep).toBe(0);
  });
});

describe('scheduler options', () => {
  it('rejects invalid values with actionable messages', () => {
    expect(() => new StepLR(optimizer(), { stepSize: 1.5 })).toThrow(
      'StepLR: invalid stepSize: 1.5 (expected an integer > 0)',
    );
    expect(() => new ExponentialLR(optimizer(), { gamma: -1 })).toThrow(
      'ExponentialLR: invalid gamma: -1 (expected ≥ 0)',
    );
    expect(() => new CosineAnnealingLR(optimizer(), { tMax: 0 })).toThrow(
      'CosineAnnealingLR: invalid tMax: 0 (expected an integer > 0)',
    );
    expect(() => new LinearWarmup(optimizer(), { warmupSteps: 10, startFactor: 2 })).toThrow(
      'LinearWarmup: invalid startFactor: 2 (expected 0 ≤ startFactor ≤ 1)',
    );
    expect(() => new OneCycleLR(optimizer(), { maxLr: 1, totalSteps: 10, pctStart: 1.2 })).toThrow(
      'OneCycleLR: invalid pctStart: 1.2 (expected a fraction in [0, 1])',
    );
    expect(() => new OneCycleLR(optimizer(), { maxLr: 1, totalSteps: 10, annealStrategy: 'exp' as never })).toThrow(
      "OneCycleLR: annealStrategy must be 'cos' or 'linear', got 'exp'",
    );
  });
});
