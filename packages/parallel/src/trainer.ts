// ParallelTrainer: the public API of synchronous data-parallel training and its lifecycle — serializing
// calls, coordinating each step and evaluation, snapshots, close. The main model is main-model.ts, one
// step's traffic coordinator.ts, what crosses a thread protocol.ts. Must not import node:* (the browser shares it).
import type { Module, Optimizer, StateDict, Tensor } from '@backprop/core';
import { BatchStaging, chunksOf } from './batch-staging.js';
import { finishOnMainThread, type BuiltModel } from './built-model.js';
import { assignChunks } from './chunks.js';
import { Coordinator, sumLosses } from './coordinator.js';
import { EvaluationTotals, evaluationBatches } from './evaluation-totals.js';
import { fit as fitLoop, type BatchSource, type FitOptions, type FitSummary } from './fit.js';
import { checkTimeout, hardwareConcurrency, withTimeout } from './limits.js';
import { MainModel } from './main-model.js';
import { memoryAdapter } from './memory.js';
import { validateOptions } from './options.js';
import type { LossName, MemoryMode } from './protocol.js';
import { StepStopwatch } from './step-timing.js';
import { checkTrainerState, copyStateDict, loadWeights, restoreTrainingState } from './training-state.js';
import { DEFAULT_CLOSE_TIMEOUT_MILLISECONDS, defaultMemoryMode } from './trainer-options.js';
import type { CloseOptions, Evaluation, ParallelTrainerOptions, StepOptions } from './trainer-options.js';
import type { StepTiming, TrainerState } from './trainer-options.js';

let sessions = 0;

/**
 * Synchronous data-parallel training over a `WorkerTransport` — use `DataParallelTrainer` from
 * `@backprop/parallel/node` in Node, `BrowserDataParallelTrainer` from `@backprop/parallel/browser`
 * in a page. See the package README for the invariants.
 *
 * @example
 * ```ts
 * // a custom transport, e.g. piscina with a worker entry of your own
 * const trainer = new ParallelTrainer({ model: spec, loss: 'mseLoss', optimizer: { type: 'sgd', lr: 0.1 }, workers: 2,
 *   transport: (threads) => new PiscinaTransport(threads, { filename: '/path/to/worker.js' }) });
 * ```
 */
export class ParallelTrainer {
  /**
   * The most worker threads a step uses: `workers` capped by `maxWorkers` (the cores by default).
   * A step of B samples uses `workersFor(B)` of them; threads start only when a step needs them.
   */
  readonly workers: number;
  /** The `workers` option as given (it may exceed `workers`, which is capped). */
  readonly requestedWorkers: number;
  /** The cap on `workers`: the `maxWorkers` option, else the cores; null when neither is known. */
  readonly maxWorkers: number | null;
  /** The default timeout of each step and evaluation batch, in ms (`Infinity`: none). */
  readonly stepTimeoutMilliseconds: number;
  readonly chunkSize: number;
  readonly seed: number;
  readonly loss: LossName;
  /** Where the big arrays live (see `MemoryMode`). */
  readonly memory: MemoryMode;
  readonly #coordinator: Coordinator;
  readonly #main: MainModel;
  readonly #staging: BatchStaging;
  #steps = 0;
  #lastStep: StepTiming | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | null = null;
  #optimizerView: Optimizer | null = null;

  constructor(options: ParallelTrainerOptions) {
    const cores = options?.cores === undefined ? hardwareConcurrency() : options.cores;
    const valid = validateOptions(options, options?.workers, cores);
    if (typeof options.transport !== 'function')
      throw new Error('DataParallelTrainer: transport must be a function (threads) => WorkerTransport');
    this.workers = valid.workers.workers;
    this.requestedWorkers = valid.workers.requested;
    this.maxWorkers = valid.workers.maxWorkers;
    this.stepTimeoutMilliseconds = valid.stepTimeoutMilliseconds;
    this.chunkSize = valid.chunkSize;
    this.seed = valid.seed;
    this.loss = valid.loss;
    const memory = memoryAdapter(options.memory ?? defaultMemoryMode());
    this.memory = memory.mode;
    const { wire, seed, loss, chunkSize, shareMainThread } = valid;
    const session = `trainer-${++sessions}`;
    const coordinates = { session, wire, loss, seed, chunkSize, workers: this.workers, shareMainThread };
    this.#coordinator = new Coordinator({ ...coordinates, startTransport: options.transport }, memory);
    const optimizer = { kind: valid.optimizerType, create: valid.optimizerFactory };
    this.#main = new MainModel({ wire, model: valid.model, seed, memory, optimizer });
    this.#staging = new BatchStaging({ loss: this.loss, chunkSize: this.chunkSize, coordinator: this.#coordinator });
  }

  /**
   * The main thread's model; its parameters are views of the shared parameter buffer. For a module
   * model, after `await ready()`. While a step runs, the workers update those values in place (each
   * its own range), so read or predict with it between steps for weights of one step.
   */
  get model(): Module {
    return this.#main.synced('model').model;
  }

  /**
   * The optimizer's hyperparameters (schedulers may set its learning rate between steps; each step
   * sends them to the workers). Its state lives in the workers' shards: `stateDict()` reads them.
   */
  get optimizer(): Optimizer {
    const built = this.#main.require('optimizer');
    this.#optimizerView ??= built.optimizer.facade(() => this.#steps);
    return this.#optimizerView;
  }

  /**
   * Resolves once the model is built: at once for a JSON spec; for a module model, after importing
   * the module and building the model on the main thread (which checks it before any thread
   * starts). `step`, `fit`, `evaluate` and `loadStateDict` wait for it themselves.
   *
   * @example
   * ```ts
   * const trainer = new DataParallelTrainer({ model: new URL('./model.js', import.meta.url), loss: 'crossEntropy', optimizer: { type: 'adam' } });
   * await trainer.ready(); // rejects if the module cannot be imported or its factory fails
   * console.log(trainer.model.namedParameters().length);
   * ```
   */
  async ready(): Promise<void> {
    await this.#main.build();
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.#steps;
  }

  /**
   * The worker threads a step of `batchSize` samples runs on: `workers`, or fewer when the step has
   * fewer chunks (`ceil(batchSize / chunkSize)`; with BatchNorm a last chunk of one sample joins the
   * one before it).
   *
   * @example
   * ```ts
   * // asked for 1000 workers on 2 cores, chunkSize 64
   * trainer.requestedWorkers; // 1000
   * trainer.workers;          // 2
   * trainer.workersFor(64);   // 1: one chunk per step
   * ```
   */
  workersFor(batchSize: number): number {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new Error(`DataParallelTrainer.workersFor: batchSize must be an integer ≥ 1, got ${String(batchSize)}`);
    return assignChunks(chunksOf(this.#main.built, batchSize, this.chunkSize), this.workers).length;
  }

  /** Where the time of the last completed `step` went (null before the first); see `StepTiming`. */
  get lastStep(): StepTiming | null {
    return this.#lastStep;
  }

  /**
   * One synchronous training step on a minibatch: inputs [B, ...], targets [B] (class indices, for
   * crossEntropy) or [B, ...] (mseLoss). Resolves with the mean loss over the B samples.
   *
   * A batch the model cannot take (wrong sample shape, a label that is not a class index, a
   * non-finite value) rejects before any worker sees it and leaves the trainer as it was
   * (NOTE(input-check) in minibatch.ts). A failure in a worker, or a step that outlives its timeout
   * (its threads are then terminated), stops the trainer: see the README's Faults.
   *
   * @example
   * ```ts
   * const loss = await trainer.step(images, labels); // images [64, 784], labels [64]
   * await trainer.step(images, labels, { timeoutMilliseconds: 30_000 }); // rejects, naming the step, after 30 s
   * ```
   */
  step(inputs: Tensor, targets: Tensor, options: StepOptions = {}): Promise<number> {
    const given = options?.timeoutMilliseconds;
    let timeout: number;
    try {
      timeout = checkTimeout('DataParallelTrainer.step', 'timeoutMilliseconds', given, this.stepTimeoutMilliseconds);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.#serialize(async (built) => {
      const stopwatch = new StepStopwatch();
      const step = this.#steps + 1;
      const { chunks, divisor } = this.#staging.stage(built, 'step', inputs, targets);
      const hyperparameters = built.optimizer.optimizer.hyperparameters;
      if (built.optimizer.changedBefore(this.#steps)) this.#coordinator.invalidateSetup();
      const dispatch = {
        kind: 'train' as const,
        step,
        chunkCount: chunks,
        inputShape: [...inputs.shape],
        targetShape: [...targets.shape],
        divisor,
        hyperparameters,
        timeout,
      };
      const { answers, updatedInWorkers } = await this.#coordinator.dispatch(built, dispatch);
      this.#steps = step;
      if (updatedInWorkers) this.#main.updatedInWorkers(built);
      else
        stopwatch.update(() => {
          const gradients = this.#coordinator.gradients(built, chunks);
          finishOnMainThread(built, { gradients, chunkCount: chunks, divisor, step, hyperparameters });
        });
      this.#lastStep = stopwatch.finish(answers);
      return sumLosses(answers, chunks) / divisor;
    });
  }

  /**
   * `fit(this, loader, options)`: trains up to epoch `epochs` over `loader` (batches `[inputs,
   * targets]`, e.g. a core `DataLoader` over a `TensorDataset`), one `step` per batch — the same
   * parameters, bit for bit, as calling `step` on each batch by hand. See `fit` in fit.ts for the
   * start position, transform, scheduler, validation, events and abort.
   *
   * @example
   * ```ts
   * const loader = new DataLoader(new TensorDataset(images, labels), { batchSize: 256, shuffle: true, seed: 0 });
   * const { meanLoss } = await trainer.fit(loader, { epochs: 5, onEpochEnd: ({ epoch, meanLoss }) => console.log(epoch, meanLoss) });
   * ```
   */
  fit(loader: BatchSource, options: FitOptions<Evaluation>): Promise<FitSummary> {
    return fitLoop(this, loader, options);
  }

  /**
   * Mean loss (and for crossEntropy the accuracy, overall and per class) of the model on a set — one
   * batch, or every batch of a loader (then the loss is the mean over all its samples, as if evaluated
   * in one batch) — computed by the workers in evaluation mode without gradients. Does not change the
   * parameters.
   *
   * @example
   * ```ts
   * const { loss, accuracy, perClass } = await trainer.evaluate(testLoader); // or evaluate(testImages, testLabels)
   * perClass?.correct[3] / perClass?.count[3]; // the accuracy on the samples of class 3
   * ```
   */
  evaluate(loader: BatchSource): Promise<Evaluation>;
  evaluate(inputs: Tensor, targets: Tensor): Promise<Evaluation>;
  evaluate(source: Tensor | BatchSource, targets?: Tensor): Promise<Evaluation> {
    return this.#serialize(async (built) => {
      const totals = new EvaluationTotals();
      for (const [inputs, batchTargets] of evaluationBatches(source, targets)) {
        const { chunks, batchSize, divisor } = this.#staging.stage(built, 'evaluate', inputs, batchTargets);
        const hyperparameters = built.optimizer.optimizer.hyperparameters;
        const dispatch = {
          kind: 'evaluate' as const,
          step: this.#steps,
          chunkCount: chunks,
          inputShape: [...inputs.shape],
          targetShape: [...batchTargets.shape],
          divisor: 1,
          hyperparameters,
          timeout: this.stepTimeoutMilliseconds,
        };
        const { answers } = await this.#coordinator.dispatch(built, dispatch);
        const perClass = answers.map((answer) => answer.perClass);
        totals.add({ loss: sumLosses(answers, chunks), samples: batchSize, divisor, perClass });
      }
      return totals.result(this.loss);
    });
  }

  /** A snapshot (copies) of the model's weights by dotted name, PyTorch's layout. */
  stateDict(): StateDict {
    return copyStateDict(this.#main.intact('stateDict', this.#coordinator.failure).model.stateDict());
  }

  /** Loads weights into the shared parameters (between steps); checked like `Module.loadStateDict`. */
  async loadStateDict(state: StateDict): Promise<void> {
    await this.#serialize(async () => loadWeights(this.#main.synced('loadStateDict'), state));
  }

  /**
   * A snapshot (copies) of the weights, the optimizer's state and the step count: save it with
   * `encodeCheckpoint` and give it to `loadTrainingState` to continue bit for bit.
   *
   * @example
   * ```ts
   * const { model, optimizer, steps } = trainer.trainingState();
   * const bytes = encodeCheckpoint({ model, optimizer, training: { step: steps } });
   * ```
   */
  trainingState(): TrainerState {
    const built = this.#main.intact('trainingState', this.#coordinator.failure);
    return { model: this.stateDict(), optimizer: built.optimizer.stateDict(this.#steps), steps: this.#steps };
  }

  /**
   * Restores a `trainingState()` (between steps). Weights and optimizer state are checked before
   * anything changes; a mismatch rejects and leaves the trainer as it was.
   */
  async loadTrainingState(state: TrainerState): Promise<void> {
    await this.#serialize(async () => {
      const checked = checkTrainerState(state, 'DataParallelTrainer.loadTrainingState');
      restoreTrainingState(this.#main.synced('loadTrainingState'), checked);
      this.#steps = checked.steps;
      this.#coordinator.invalidateSetup(); // the step origins changed (and the state's names may have)
    });
  }

  /**
   * Stops every worker thread once the calls made before it have finished; idempotent (the first
   * call's options count). Later calls to `step`/`evaluate` reject. Calls still running after
   * `timeoutMilliseconds` (default 60 s) — a stuck worker — have their threads terminated and
   * reject, naming the step and the timeout.
   *
   * @example
   * ```ts
   * await trainer.close();                              // waits up to 60 s for a running step
   * await trainer.close({ timeoutMilliseconds: 1000 }); // or terminates it after 1 s
   * ```
   */
  close(options: CloseOptions = {}): Promise<void> {
    let timeout: number;
    try {
      timeout = checkTimeout(
        'DataParallelTrainer.close',
        'timeoutMilliseconds',
        options?.timeoutMilliseconds,
        DEFAULT_CLOSE_TIMEOUT_MILLISECONDS,
      );
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.#closing ??= (async () => {
      const drained = this.#queue.then(() => true);
      if (!(await withTimeout(drained, timeout, false))) this.#coordinator.closedAfter = timeout;
      await this.#coordinator.close();
    })();
    return this.#closing;
  }

  #serialize<T>(work: (built: BuiltModel) => Promise<T>): Promise<T> {
    // Calls made before close() still run (close waits for them); only later ones are refused.
    const closedAtCall = this.#closing !== null;
    const run = this.#queue.then(async () => {
      const failure = this.#coordinator.failure;
      if (failure !== null)
        throw new Error(`DataParallelTrainer: the trainer stopped after a failure (${failure.message})`);
      if (closedAtCall) throw new Error('DataParallelTrainer: the trainer is closed');
      return work(await this.#main.build());
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
