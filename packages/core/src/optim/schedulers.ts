// Learning-rate schedulers (StepLR, ExponentialLR, CosineAnnealingLR, LinearWarmup, OneCycleLR): PyTorch's closed forms.
// Imports the Optimizer type and the hyperparameter check only; a scheduler just sets `optimizer.learningRate`.
import { checkHyperparameter } from './hyperparameters.js';
import type { Optimizer } from './optimizer.js';

/** What a scheduler drives: anything with a settable learning rate, such as every `Optimizer`. */
export type ScheduledOptimizer = Pick<Optimizer, 'learningRate'>;

/** A scheduler's state: its kind, how many times `step()` ran, the base rate and its options. */
export interface SchedulerStateDict {
  type: string;
  lastStep: number;
  baseLearningRate: number;
  options: Record<string, number | string | boolean>;
}

/**
 * The base of learning-rate schedulers. On construction it records the optimizer's learning rate
 * as the base rate and sets the rate of step 0; each `step()` (call it after `optimizer.step()`)
 * advances one step and sets `optimizer.learningRate = learningRateAt(step)`, PyTorch's closed form.
 * To resume, build the scheduler as before and call `loadStateDict`.
 */
export abstract class LearningRateScheduler<O extends object = object> {
  readonly optimizer: ScheduledOptimizer;
  /** Name used in error messages and in `stateDict().type`. */
  readonly name: string;
  #options: O;
  #baseLearningRate: number;
  #lastStep = 0;

  constructor(optimizer: ScheduledOptimizer, options: O, name: string) {
    this.optimizer = optimizer;
    this.name = name;
    this.validate(options);
    this.#options = { ...options };
    this.#baseLearningRate = optimizer.learningRate;
    this.optimizer.learningRate = this.learningRateAt(0);
  }

  /** The learning rate after `step` calls of `step()`, in closed form. */
  abstract learningRateAt(step: number): number;

  /** Throws an actionable error when an option is out of range. */
  protected abstract validate(options: O): void;

  /** The options (a copy). */
  get options(): Readonly<O> {
    return { ...this.#options };
  }

  /** The optimizer's learning rate when the scheduler was built (what the factors multiply). */
  get baseLearningRate(): number {
    return this.#baseLearningRate;
  }

  /** How many times `step()` has run (PyTorch's `last_epoch`). */
  get lastStep(): number {
    return this.#lastStep;
  }

  /** The learning rate set last (PyTorch's `get_last_lr()`). */
  get learningRate(): number {
    return this.learningRateAt(this.#lastStep);
  }

  /** Advances one step and sets the optimizer's learning rate. */
  step(): void {
    const next = this.#lastStep + 1;
    const learningRate = this.learningRateAt(next);
    this.#lastStep = next;
    this.optimizer.learningRate = learningRate;
  }

  stateDict(): SchedulerStateDict {
    return {
      type: this.name,
      lastStep: this.#lastStep,
      baseLearningRate: this.#baseLearningRate,
      options: { ...this.#options } as Record<string, number | string | boolean>,
    };
  }

  /** Restores a `stateDict()` of the same kind of scheduler and sets the optimizer's learning rate to match. */
  loadStateDict(state: SchedulerStateDict): void {
    const prefix = `${this.name}.loadStateDict:`;
    if (state?.type !== this.name) {
      throw new Error(`${prefix} the state belongs to a ${String(state?.type)}; load it into a ${String(state?.type)}`);
    }
    const { lastStep, baseLearningRate } = state;
    if (!Number.isInteger(lastStep) || lastStep < 0)
      throw new Error(`${prefix} lastStep must be an integer ≥ 0, got ${lastStep}`);
    if (!Number.isFinite(baseLearningRate) || baseLearningRate < 0) {
      throw new Error(`${prefix} baseLearningRate must be a finite number ≥ 0, got ${baseLearningRate}`);
    }
    const options = { ...this.#options, ...(state.options as Partial<O>) };
    this.validate(options);
    const saved = { options: this.#options, base: this.#baseLearningRate };
    this.#options = options;
    this.#baseLearningRate = baseLearningRate;
    try {
      this.optimizer.learningRate = this.learningRateAt(lastStep);
    } catch (error) {
      this.#options = saved.options;
      this.#baseLearningRate = saved.base;
      throw error;
    }
    this.#lastStep = lastStep;
  }
}

const positiveInteger = (value: number) => Number.isInteger(value) && value > 0;

/** Options of `StepLR`. */
export interface StepLROptions {
  /** Steps between decays. */
  stepSize: number;
  /** Factor per decay. Default 0.1. */
  gamma?: number;
}

/**
 * Decays the learning rate by `gamma` every `stepSize` steps: lr(t) = base · γ^⌊t / stepSize⌋.
 *
 * @example
 * ```ts
 * const scheduler = new StepLR(optimizer, { stepSize: 30, gamma: 0.1 }); // 0.1 → 0.01 after 30 steps
 * for (let epoch = 0; epoch < 90; epoch++) { train(); scheduler.step(); }
 * ```
 */
export class StepLR extends LearningRateScheduler<StepLROptions> {
  constructor(optimizer: ScheduledOptimizer, options: StepLROptions) {
    super(optimizer, { gamma: 0.1, ...options }, 'StepLR');
  }
  protected validate(options: StepLROptions): void {
    checkHyperparameter('StepLR', 'stepSize', options.stepSize, positiveInteger, 'an integer > 0');
    checkHyperparameter('StepLR', 'gamma', options.gamma, (gamma) => gamma >= 0, '≥ 0');
  }
  learningRateAt(step: number): number {
    const { stepSize, gamma = 0.1 } = this.options;
    return this.baseLearningRate * gamma ** Math.floor(step / stepSize);
  }
}

/** Options of `ExponentialLR`. */
export interface ExponentialLROptions {
  /** Factor per step. */
  gamma: number;
}

/**
 * Decays the learning rate by `gamma` every step: lr(t) = base · γ^t.
 *
 * @example
 * ```ts
 * const scheduler = new ExponentialLR(optimizer, { gamma: 0.95 });
 * for (let epoch = 0; epoch < 50; epoch++) { train(); scheduler.step(); }
 * ```
 */
export class ExponentialLR extends LearningRateScheduler<ExponentialLROptions> {
  constructor(optimizer: ScheduledOptimizer, options: ExponentialLROptions) {
    super(optimizer, { ...options }, 'ExponentialLR');
  }
  protected validate(options: ExponentialLROptions): void {
    checkHyperparameter('ExponentialLR', 'gamma', options.gamma, (gamma) => gamma >= 0, '≥ 0');
  }
  learningRateAt(step: number): number {
    return this.baseLearningRate * this.options.gamma ** step;
  }
}

/** Options of `CosineAnnealingLR`. */
export interface CosineAnnealingLROptions {
  /** Steps of the half cosine from the base rate down to `etaMin` (PyTorch's `T_max`). */
  tMax: number;
  /** The smallest learning rate. Default 0. */
  etaMin?: number;
}

/**
 * Anneals the learning rate along a half cosine (SGDR without restarts):
 * lr(t) = ηmin + (base − ηmin) · (1 + cos(π·t / tMax)) / 2. Past `tMax` the cosine continues, as in PyTorch.
 *
 * @example
 * ```ts
 * const scheduler = new CosineAnnealingLR(optimizer, { tMax: 100, etaMin: 1e-5 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); scheduler.step(); }
 * ```
 */
export class CosineAnnealingLR extends LearningRateScheduler<CosineAnnealingLROptions> {
  constructor(optimizer: ScheduledOptimizer, options: CosineAnnealingLROptions) {
    super(optimizer, { etaMin: 0, ...options }, 'CosineAnnealingLR');
  }
  protected validate(options: CosineAnnealingLROptions): void {
    checkHyperparameter('CosineAnnealingLR', 'tMax', options.tMax, positiveInteger, 'an integer > 0');
    checkHyperparameter('CosineAnnealingLR', 'etaMin', options.etaMin, (eta) => eta >= 0, '≥ 0');
  }
  learningRateAt(step: number): number {
    const { tMax, etaMin = 0 } = this.options;
    return etaMin + ((this.baseLearningRate - etaMin) * (1 + Math.cos((Math.PI * step) / tMax))) / 2;
  }
}

/** Options of `LinearWarmup`. */
export interface LinearWarmupOptions {
  /** Steps to reach the base rate. */
  warmupSteps: number;
  /** Fraction of the base rate at step 0, in [0, 1]. Default 1/3 (PyTorch LinearLR's). */
  startFactor?: number;
}

/**
 * Raises the learning rate linearly from startFactor·base to base over `warmupSteps`, then holds
 * it (PyTorch's `LinearLR` with end factor 1): lr(t) = base · (s + (1 − s) · min(t, warmupSteps) / warmupSteps).
 *
 * @example
 * ```ts
 * const scheduler = new LinearWarmup(optimizer, { warmupSteps: 500, startFactor: 0.01 });
 * for (const batch of loader) { trainStep(batch); scheduler.step(); }
 * ```
 */
export class LinearWarmup extends LearningRateScheduler<LinearWarmupOptions> {
  constructor(optimizer: ScheduledOptimizer, options: LinearWarmupOptions) {
    super(optimizer, { startFactor: 1 / 3, ...options }, 'LinearWarmup');
  }
  protected validate(options: LinearWarmupOptions): void {
    checkHyperparameter('LinearWarmup', 'warmupSteps', options.warmupSteps, positiveInteger, 'an integer > 0');
    checkHyperparameter(
      'LinearWarmup',
      'startFactor',
      options.startFactor,
      (factor) => factor >= 0 && factor <= 1,
      '0 ≤ startFactor ≤ 1',
    );
  }
  learningRateAt(step: number): number {
    const { warmupSteps, startFactor = 1 / 3 } = this.options;
    return this.baseLearningRate * (startFactor + ((1 - startFactor) * Math.min(step, warmupSteps)) / warmupSteps);
  }
}

/** Options of `OneCycleLR`; the defaults are PyTorch's. */
export interface OneCycleLROptions {
  /** The peak learning rate (the optimizer's own rate is ignored). */
  maxLr: number;
  /** Steps in the cycle; `step()` may run this many times. */
  totalSteps: number;
  /** Fraction of the cycle spent increasing the rate. Default 0.3. */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing between the phase ends. */
  annealStrategy?: 'cos' | 'linear';
  /** The rate starts at maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** The rate ends at maxLr / divFactor / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Fast.ai's three phases (up, back down to the start, then to the end) instead of two. Default false. */
  threePhase?: boolean;
}

/**
 * The 1cycle policy (Smith & Topin, 2017), PyTorch's closed form: from maxLr/divFactor up to
 * maxLr over the first pctStart of the cycle, then down to maxLr/(divFactor·finalDivFactor).
 * Momentum is not cycled (PyTorch's `cycle_momentum=False`).
 *
 * @example
 * ```ts
 * const scheduler = new OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: epochs * batchesPerEpoch });
 * for (const batch of batches) { trainStep(batch); scheduler.step(); }
 * ```
 */
export class OneCycleLR extends LearningRateScheduler<OneCycleLROptions> {
  constructor(optimizer: ScheduledOptimizer, options: OneCycleLROptions) {
    const defaults = {
      pctStart: 0.3,
      annealStrategy: 'cos' as const,
      divFactor: 25,
      finalDivFactor: 1e4,
      threePhase: false,
    };
    super(optimizer, { ...defaults, ...options }, 'OneCycleLR');
  }

  protected validate(options: OneCycleLROptions): void {
    checkHyperparameter('OneCycleLR', 'maxLr', options.maxLr, (lr) => lr >= 0, '≥ 0');
    checkHyperparameter('OneCycleLR', 'totalSteps', options.totalSteps, positiveInteger, 'an integer > 0');
    checkHyperparameter(
      'OneCycleLR',
      'pctStart',
      options.pctStart,
      (pct) => pct >= 0 && pct <= 1,
      'a fraction in [0, 1]',
    );
    checkHyperparameter('OneCycleLR', 'divFactor', options.divFactor, (factor) => factor > 0, '> 0');
    checkHyperparameter('OneCycleLR', 'finalDivFactor', options.finalDivFactor, (factor) => factor > 0, '> 0');
    if (options.annealStrategy !== 'cos' && options.annealStrategy !== 'linear') {
      throw new Error(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got '${String(options.annealStrategy)}'`);
    }
    if (typeof options.threePhase !== 'boolean') throw new Error(`OneCycleLR: threePhase must be true or false`);
  }

  learningRateAt(step: number): number {
    const {
      maxLr,
      totalSteps,
      pctStart = 0.3,
      annealStrategy = 'cos',
      divFactor = 25,
      finalDivFactor = 1e4,
      threePhase = false,
    } = this.options;
    if (step > totalSteps) {
      throw new Error(
        `OneCycleLR: stepped ${step} times but totalSteps is ${totalSteps}; raise totalSteps (epochs × batches per epoch) or stop stepping`,
      );
    }
    const initialLr = maxLr / divFactor;
    const minLr = initialLr / finalDivFactor;
    const warm = pctStart * totalSteps - 1;
    const phases: Array<[endStep: number, startLr: number, endLr: number]> = threePhase
      ? [
          [warm, initialLr, maxLr],
          [2 * pctStart * totalSteps - 2, maxLr, initialLr],
          [totalSteps - 1, initialLr, minLr],
        ]
      : [
          [warm, initialLr, maxLr],
          [totalSteps - 1, maxLr, minLr],
        ];
    let startStep = 0;
    for (let i = 0; i < phases.length; i++) {
      const [endStep, startLr, endLr] = phases[i]!;
      if (step <= endStep || i === phases.length - 1) {
        // NOTE(empty-phase): a phase of zero length (e.g. pctStart·totalSteps = 1) counts as done;
        // PyTorch divides by zero there.
        // NOTE(cycle-end): the totalSteps-th step() (one per batch, the last one) lies one step past
        // the last phase's end; PyTorch extrapolates there (a value never used, negative with
        // 'linear', which an optimizer refuses); the rate stays at the schedule's end instead.
        const pct = endStep === startStep ? 1 : Math.min(1, (step - startStep) / (endStep - startStep));
        return annealStrategy === 'cos'
          ? endLr + ((startLr - endLr) / 2) * (Math.cos(Math.PI * pct) + 1)
          : (endLr - startLr) * pct + startLr;
      }
      startStep = endStep;
    }
    throw new Error('OneCycleLR: unreachable');
  }
}
