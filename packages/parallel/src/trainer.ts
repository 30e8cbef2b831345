// ParallelTrainer: the public API of synchronous data-parallel training and its lifecycle — building
// the model, serializing calls, snapshots, close. One step's traffic is coordinator.ts; what crosses a
// thread is protocol.ts. Must not import node:* modules (the browser trainer shares it).
import { Generator, Tensor, type Module, type Optimizer, type StateDict } from '@backprop/core';
import { finishOnMainThread, installModel, type BuiltModel } from './built-model.js';
import { assignChunks, chunkCount } from './chunks.js';
import { Coordinator, sumLosses } from './coordinator.js';
import { runFit, type BatchSource, type FitOptions, type FitSummary } from './fit.js';
import { checkTimeout, hardwareConcurrency, withTimeout } from './limits.js';
import { memoryAdapter } from './memory.js';
import { ModelInputCheck } from './minibatch.js';
import { buildFromWire, type WireModel } from './model-source.js';
import { checkModel, validateOptions, type Validated } from './options.js';
import type { LossName, MemoryMode } from './protocol.js';
import { loadBuffers, saveBuffers } from './running-statistics.js';
import {
  DEFAULT_CLOSE_TIMEOUT_MILLISECONDS,
  defaultMemoryMode,
  type CloseOptions,
  type Evaluation,
  type ParallelTrainerOptions,
  type StepOptions,
  type StepTiming,
  type TrainerState,
} from './trainer-options.js';

let sessions = 0;

/**
 * Synchronous data-parallel training over a `WorkerTransport` — use `DataParallelTrainer` from
 * `@backprop/parallel/node` in Node, `BrowserDataParallelTrainer` from `@backprop/parallel/browser`
 * in a page. See the package README for the invariants.
 *
 * @example
 * ```ts
 * // a custom transport, e.g. piscina with a worker entry of your own
 * const trainer = new ParallelTrainer({ model: spec, loss: 'mse', optimizer: { type: 'sgd', lr: 0.1 }, workers: 2,
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
  readonly #wire: WireModel;
  readonly #optimizerFactory: Validated['optimizerFactory'];
  readonly #optimizerType: Validated['optimizerType'];
  /** Set once the model is built: at construction for a spec, by `ready()` for a module. */
  #built: BuiltModel | null = null;
  #building: Promise<BuiltModel> | null = null;
  /** Where the big arrays live (see `MemoryMode`). */
  readonly memory: MemoryMode;
  readonly #coordinator: Coordinator;
  #steps = 0;
  #lastStep: StepTiming | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | null = null;
  #inputCheck: ModelInputCheck | null = null;
  #optimizerView: Optimizer | null = null;
  /** The workers moved the running statistics in `built.buffers` since the main model last read them. */
  #buffersStale = false;

  constructor(options: ParallelTrainerOptions) {
    const valid = validateOptions(
      options,
      options?.workers,
      options?.cores === undefined ? hardwareConcurrency() : options.cores,
    );
    if (typeof options.transport !== 'function')
      throw new Error('DataParallelTrainer: transport must be a function (threads) => WorkerTransport');
    this.workers = valid.workers.workers;
    this.requestedWorkers = valid.workers.requested;
    this.maxWorkers = valid.workers.maxWorkers;
    this.stepTimeoutMilliseconds = valid.stepTimeoutMilliseconds;
    this.chunkSize = valid.chunkSize;
    this.seed = valid.seed;
    this.loss = valid.loss;
    this.#wire = valid.wire;
    this.#optimizerFactory = valid.optimizerFactory;
    this.#optimizerType = valid.optimizerType;
    const memory = memoryAdapter(options.memory ?? defaultMemoryMode());
    this.memory = memory.mode;
    const coordinates = {
      session: `trainer-${++sessions}`,
      wire: this.#wire,
      loss: this.loss,
      seed: this.seed,
      chunkSize: this.chunkSize,
      workers: this.workers,
      shareMainThread: valid.shareMainThread,
    };
    this.#coordinator = new Coordinator({ ...coordinates, startTransport: options.transport }, memory);
    if (valid.model !== null) this.#built = this.#install(valid.model);
  }

  /**
   * The main thread's model; its parameters are views of the shared parameter buffer. For a module
   * model, after `await ready()`. While a step runs, the workers update those values in place (each
   * its own range), so read or predict with it between steps for weights of one step.
   */
  get model(): Module {
    return this.#synced(this.#require('model')).model;
  }

  /**
   * The optimizer's hyperparameters (schedulers may set its learning rate between steps; each step
   * sends them to the workers). Its state lives in the workers' shards: `stateDict()` reads them.
   */
  get optimizer(): Optimizer {
    const built = this.#require('optimizer');
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
    await this.#build();
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
    const mergesSingleTail = this.#built !== null && this.#built.statistics.layers.length > 0;
    return assignChunks(chunkCount(batchSize, this.chunkSize, mergesSingleTail), this.workers).length;
  }

  /** Where the time of the last completed `step` went (null before the first); see `StepTiming`. */
  get lastStep(): StepTiming | null {
    return this.#lastStep;
  }

  /**
   * One synchronous training step on a minibatch: inputs [B, ...], targets [B] (class indices, for
   * crossEntropy) or [B, ...] (mse). Resolves with the mean loss over the B samples.
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
    let timeout: number;
    try {
      timeout = checkTimeout(
        'DataParallelTrainer.step',
        'timeoutMilliseconds',
        options?.timeoutMilliseconds,
        this.stepTimeoutMilliseconds,
      );
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.#serialize(async (built) => {
      const started = performance.now();
      const step = this.#steps + 1;
      const { chunks, batchSize } = this.#stage(built, 'step', inputs, targets);
      const divisor = this.#divisor(batchSize, targets);
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
      let updateMilliseconds = Math.max(...answers.map((answer) => answer.updateMilliseconds));
      if (!updatedInWorkers) {
        const updateStarted = performance.now();
        finishOnMainThread(built, {
          gradients: this.#coordinator.gradients(built, chunks),
          chunkCount: chunks,
          divisor,
          step,
          hyperparameters,
        });
        updateMilliseconds = performance.now() - updateStarted;
      } else {
        this.#buffersStale = built.statistics.layers.length > 0;
      }
      const milliseconds = performance.now() - started;
      const workerMilliseconds = answers.map((answer) => answer.milliseconds);
      this.#lastStep = {
        milliseconds,
        workerMilliseconds,
        overheadMilliseconds: milliseconds - Math.max(...workerMilliseconds),
        updateMilliseconds,
      };
      return sumLosses(answers, chunks) / divisor;
    });
  }

  /**
   * Trains for `epochs` passes over `loader` (batches `[inputs, targets]`, e.g. a core `DataLoader`
   * over a `TensorDataset`), one `step` per batch — the same parameters, bit for bit, as calling
   * `step` on each batch by hand. An aborted `signal` stops after the current step and `fit`
   * resolves with `stopped: 'aborted'` (see NOTE(fit-abort) in fit.ts); a failed step rejects.
   *
   * @example
   * ```ts
   * const loader = new DataLoader(new TensorDataset(images, labels), { batchSize: 256, shuffle: true, seed: 0 });
   * const { meanLoss } = await trainer.fit(loader, { epochs: 5, onEpochEnd: ({ epoch, meanLoss }) => console.log(epoch, meanLoss) });
   * ```
   */
  fit(loader: BatchSource, options: FitOptions): Promise<FitSummary> {
    return runFit(
      (inputs, targets) => this.step(inputs, targets),
      () => this.#steps,
      loader,
      options,
    );
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
      const batches: BatchSource = source instanceof Tensor ? [[source, targets as Tensor]] : source;
      if (batches === null || typeof (batches as Partial<BatchSource>)[Symbol.iterator] !== 'function') {
        throw new Error(
          'DataParallelTrainer.evaluate: expected (inputs, targets) Tensors or an iterable of [inputs, targets] batches (a DataLoader)',
        );
      }
      let [loss, samples, divisor] = [0, 0, 0];
      let perClass: Evaluation['perClass'] = null;
      for (const [inputs, batchTargets] of batches) {
        const { chunks, batchSize } = this.#stage(built, 'evaluate', inputs, batchTargets);
        const hyperparameters = built.optimizer.optimizer.hyperparameters;
        const dispatch = {
          kind: 'evaluate' as const,
          step: this.#steps,
          chunkCount: chunks,
          inputShape: [...inputs.shape],
          targetShape: [...batchTargets.shape],
          divisor: 1,
          hyperparameters,
        };
        const { answers } = await this.#coordinator.dispatch(built, {
          ...dispatch,
          timeout: this.stepTimeoutMilliseconds,
        });
        loss += sumLosses(answers, chunks);
        for (const answer of answers) perClass = addCounts(perClass, answer.perClass);
        samples += batchSize;
        divisor += this.#divisor(batchSize, batchTargets);
      }
      if (samples === 0) throw new Error('DataParallelTrainer.evaluate: the loader yielded no batches');
      const correct = perClass === null ? 0 : perClass.correct.reduce((a, b) => a + b, 0);
      return { loss: loss / divisor, accuracy: this.loss === 'crossEntropy' ? correct / samples : null, perClass };
    });
  }

  /** A snapshot (copies) of the model's weights by dotted name, PyTorch's layout. */
  stateDict(): StateDict {
    const state = this.#synced(this.#requireIntact('stateDict')).model.stateDict();
    return Object.fromEntries(Object.entries(state).map(([name, t]) => [name, new Tensor(t.data.slice(), t.shape)]));
  }

  /** Loads weights into the shared parameters (between steps); checked like `Module.loadStateDict`. */
  async loadStateDict(state: StateDict): Promise<void> {
    await this.#serialize(async (built) => {
      this.#synced(built).model.loadStateDict(state);
      saveBuffers(built.model, new Float32Array(built.buffers));
    });
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
    const built = this.#requireIntact('trainingState');
    return { model: this.stateDict(), optimizer: built.optimizer.stateDict(this.#steps), steps: this.#steps };
  }

  /**
   * Restores a `trainingState()` (between steps). Weights and optimizer state are checked before
   * anything changes; a mismatch rejects and leaves the trainer as it was.
   */
  async loadTrainingState(state: TrainerState): Promise<void> {
    await this.#serialize(async (built) => {
      const { model, optimizer, steps } = state ?? ({} as Partial<TrainerState>);
      if (!Number.isSafeInteger(steps) || (steps as number) < 0) {
        throw new Error(`DataParallelTrainer.loadTrainingState: steps must be an integer ≥ 0, got ${String(steps)}`);
      }
      if (typeof model !== 'object' || model === null || typeof optimizer !== 'object' || optimizer === null) {
        throw new Error(
          'DataParallelTrainer.loadTrainingState: expected { model, optimizer, steps } as returned by trainingState()',
        );
      }
      const before = this.stateDict();
      built.model.loadStateDict(model);
      try {
        built.optimizer.load(optimizer, steps as number);
      } catch (error) {
        built.model.loadStateDict(before);
        throw error;
      } finally {
        saveBuffers(built.model, new Float32Array(built.buffers));
      }
      this.#steps = steps as number;
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
      const drained = await withTimeout(
        this.#queue.then(() => true),
        timeout,
        false,
      );
      if (!drained) this.#coordinator.closedAfter = timeout;
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
      return work(await this.#build());
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #build(): Promise<BuiltModel> {
    if (this.#built !== null) return Promise.resolve(this.#built);
    this.#building ??= buildFromWire(this.#wire, new Generator(this.seed)).then(
      (model) => (this.#built = this.#install(checkModel(model))),
      (error: Error) => {
        throw new Error(`DataParallelTrainer: ${error.message}`, { cause: error });
      },
    );
    return this.#building;
  }

  /**
   * `#require`, refusing after a failed step: its workers may have updated some shards of the
   * weights and optimizer state and not others, so no snapshot of them is consistent.
   */
  #requireIntact(what: string): BuiltModel {
    const failure = this.#coordinator.failure;
    if (failure !== null) {
      throw new Error(
        `DataParallelTrainer.${what}: the weights may be partly updated by the failed step (${failure.message}); resume from the last checkpoint`,
      );
    }
    return this.#require(what);
  }

  #require(what: string): BuiltModel {
    if (this.#built === null)
      throw new Error(`DataParallelTrainer.${what}: the model module is not loaded yet; await trainer.ready() first`);
    return this.#built;
  }

  #install(model: Module): BuiltModel {
    return installModel(model, this.#coordinator.memory, { kind: this.#optimizerType, create: this.#optimizerFactory });
  }

  /** `built`, with the main model's running statistics refreshed from the workers' (they advance them in shared memory). */
  #synced(built: BuiltModel): BuiltModel {
    if (this.#buffersStale) loadBuffers(built.model, new Float32Array(built.buffers));
    this.#buffersStale = false;
    return built;
  }

  /** Checks a minibatch against the model and copies it into the input buffers (once per step). */
  #stage(built: BuiltModel, op: string, inputs: Tensor, targets: Tensor): { chunks: number; batchSize: number } {
    this.#inputCheck ??= new ModelInputCheck(built.model, this.loss);
    const batchSize = this.#inputCheck.check(op, inputs, targets);
    const chunks = chunkCount(batchSize, this.chunkSize, built.statistics.layers.length > 0);
    this.#coordinator.stage(built, inputs, targets, chunks);
    return { chunks, batchSize };
  }

  /** The loss's mean divides by B (crossEntropy) or by every target element (mse, as `mseLoss` does). */
  #divisor(batchSize: number, targets: Tensor): number {
    return this.loss === 'crossEntropy' ? batchSize : targets.size;
  }
}

/** Per-class counts summed over answers (null: no class counts, e.g. mse). */
function addCounts(total: Evaluation['perClass'], more: Evaluation['perClass']): Evaluation['perClass'] {
  if (more === null) return total;
  if (total === null) return { correct: [...more.correct], count: [...more.count] };
  more.correct.forEach((value, label) => (total.correct[label]! += value));
  more.count.forEach((value, label) => (total.count[label]! += value));
  return total;
}
