// SingleThreadTrainer: plain @backprop/core training on the calling thread, with the parallel
// trainer's options, step/evaluate/state API, so that `fit` drives both and a page without workers
// has no loop of its own. Must not import node:* modules or anything about threads.
import {
  buildModel,
  buildOptimizer,
  crossEntropy,
  Generator,
  Module,
  mseLoss,
  noGrad,
  type Tensor,
  type ModelSpec,
  type Optimizer,
  type OptimizerSpec,
  type StateDict,
} from '@backprop/core';
import { classCounts, EvaluationTotals, evaluationBatches } from './evaluation-totals.js';
import { fit, type BatchSource, type FitOptions, type FitSummary } from './fit.js';
import { checkLoss } from './options.js';
import { checkTrainerState, copyStateDict } from './training-state.js';
import type { Evaluation, TrainerState } from './trainer-options.js';
import type { LossName } from './protocol.js';

/** Options of {@link SingleThreadTrainer}: those of the parallel trainers without the threads. */
export interface SingleThreadTrainerOptions {
  /** A JSON model spec (built with `seed`) or a module built by the caller. */
  model: ModelSpec | Module;
  /** Core's loss function by name: `crossEntropy` (targets: class indices [B]) or `mseLoss` (targets shaped like the output). */
  loss: LossName;
  /** Core's optimizer spec, e.g. `{ type: 'sgd', lr: 0.1, weightDecay: 1e-3 }`. */
  optimizer: OptimizerSpec;
  /** Seeds the initial weights and the Dropout masks of a spec (default 0). */
  seed?: number;
}

const fail = (message: string): never => {
  throw new Error(`SingleThreadTrainer: ${message}`);
};
/** What evaluate's errors open with (evaluation-totals.ts writes the rest). */
const EVALUATE = 'SingleThreadTrainer: evaluate';

/**
 * One forward, loss, backward and optimizer step per minibatch, on the calling thread — the plain
 * core loop the parallel trainer is equivalent to (within float32 rounding: it sums the gradient
 * over the whole batch at once, the parallel one chunk by chunk). Use it where threads do not pay
 * (small models, small batches) or do not exist; `fit` drives it like a `DataParallelTrainer`.
 *
 * @example
 * ```ts
 * const trainer = new SingleThreadTrainer({ model: spec, loss: 'crossEntropy', optimizer: { type: 'adam', lr: 1e-3 }, seed: 1 });
 * await trainer.fit(loader, { epochs: 5, validation: testLoader });
 * const { loss, accuracy } = await trainer.evaluate(testLoader);
 * ```
 */
export class SingleThreadTrainer {
  readonly model: Module;
  /** The core optimizer over the model's parameters (schedulers may set its learning rate between steps). */
  readonly optimizer: Optimizer;
  readonly loss: LossName;
  #steps = 0;

  constructor(options: SingleThreadTrainerOptions) {
    if (typeof options !== 'object' || options === null)
      fail('options must be an object { model, loss, optimizer, seed }');
    const { seed = 0 } = options;
    if (!Number.isSafeInteger(seed)) fail(`seed must be a safe integer, got ${String(seed)}`);
    this.loss = checkLoss(options.loss, fail);
    this.model =
      options.model instanceof Module ? options.model : buildModel(options.model, { generator: new Generator(seed) });
    if (this.model.parameters().length === 0) fail('the model has no parameters to train');
    this.optimizer = buildOptimizer(options.optimizer, this.model.parameters());
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.#steps;
  }

  /**
   * One training step on a minibatch (inputs [B, ...], targets [B] or [B, ...]); resolves with the mean loss.
   *
   * @example
   * ```ts
   * const loss = await trainer.step(images, labels); // images [64, 784], labels [64]
   * ```
   */
  step(inputs: Tensor, targets: Tensor): Promise<number> {
    try {
      this.model.train();
      const loss = this.#lossOf(this.model.forward(inputs), targets, 'mean');
      this.optimizer.zeroGrad();
      loss.backward();
      this.optimizer.step();
      this.#steps++;
      return Promise.resolve(loss.item());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** `fit(this, loader, options)`: see `fit`. */
  fit(loader: BatchSource, options: FitOptions<Evaluation>): Promise<FitSummary> {
    return fit(this, loader, options);
  }

  /**
   * Mean loss (and accuracy, for crossEntropy) over one batch or every batch of a loader, in
   * evaluation mode without gradients — the mean over all samples, as the parallel trainer gives.
   */
  evaluate(loader: BatchSource): Promise<Evaluation>;
  evaluate(inputs: Tensor, targets: Tensor): Promise<Evaluation>;
  evaluate(source: Tensor | BatchSource, targets?: Tensor): Promise<Evaluation> {
    const training = this.model.training;
    try {
      const batches = evaluationBatches(source, targets, EVALUATE);
      this.model.eval();
      const totals = new EvaluationTotals(EVALUATE);
      const classifying = this.loss === 'crossEntropy';
      noGrad(() => {
        for (const [inputs, batchTargets] of batches) {
          const samples = inputs.shape[0] ?? 0;
          const output = this.model.forward(inputs);
          totals.add({
            loss: this.#lossOf(output, batchTargets, 'sum').item(),
            samples,
            divisor: classifying ? samples : batchTargets.size,
            perClass: [classifying ? classCounts(output, batchTargets) : null],
          });
        }
      });
      return Promise.resolve(totals.result(this.loss));
    } catch (error) {
      return Promise.reject(error as Error);
    } finally {
      this.model.train(training);
    }
  }

  /** A snapshot (copies) of the model's weights by dotted name, PyTorch's layout. */
  stateDict(): StateDict {
    return copyStateDict(this.model.stateDict());
  }

  /** Copies of the weights, the optimizer's state and the step count, as `ParallelTrainer.trainingState` gives. */
  trainingState(): TrainerState {
    return { model: this.stateDict(), optimizer: this.optimizer.stateDict(), steps: this.#steps };
  }

  /** Restores a `trainingState()`; a mismatch throws and leaves the trainer as it was. */
  loadTrainingState(state: TrainerState): Promise<void> {
    let checked: TrainerState;
    try {
      checked = checkTrainerState(state, 'SingleThreadTrainer.loadTrainingState');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const before = this.stateDict();
    try {
      this.model.loadStateDict(checked.model);
      this.optimizer.loadStateDict(checked.optimizer);
    } catch (error) {
      this.model.loadStateDict(before);
      return Promise.reject(error as Error);
    }
    this.#steps = checked.steps;
    return Promise.resolve();
  }

  /** Nothing to stop (no threads); here so that code written for the parallel trainers runs unchanged. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  #lossOf(output: Tensor, targets: Tensor, reduction: 'mean' | 'sum'): Tensor {
    return this.loss === 'crossEntropy'
      ? crossEntropy(output, targets, { reduction })
      : mseLoss(output, targets, { reduction });
  }
}
