// ParallelTrainer: synchronous data-parallel training over any WorkerTransport. Parameters live in
// one SharedArrayBuffer viewed by the main model and every replica; each step splits the minibatch
// into fixed chunks, workers write per-chunk gradients, then reduce them in chunk order and step the
// optimizer, each on its own range of the parameters (sharded-update.ts; in memory `copy` the main
// thread does both). Must not import node:* modules (the browser trainer shares it).
import { Generator, Tensor, type Module, type Optimizer, type OptimizerStateDict, type StateDict, type UpdateContext } from '@backprop/core';
import { assignChunks, chunkCount, type ChunkRange } from './chunks.js';
import { runFit, type BatchSource, type FitOptions, type FitSummary } from './fit.js';
import { installModel, updateOnMainThread, type BuiltModel } from './built-model.js';
import { ModelInputCheck } from './minibatch.js';
import { checkTimeout, hardwareConcurrency, withTimeout } from './limits.js';
import { signalFailure, type ShardedUpdate } from './sharded-update.js';
import { GrowingBuffer } from './task-buffers.js';
import { buildFromWire, type WireModel } from './model-source.js';
import { replayChunkStatistics, saveBuffers } from './running-statistics.js';
import { checkModel, validateOptions, type Validated } from './options.js';
import type { LossName, MemoryMode, TransportFactory, WorkerTask, WorkerTaskResult, WorkerTransport } from './transport.js';
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
  readonly #session = `trainer-${++sessions}`;
  readonly #optimizerFactory: Validated['optimizerFactory'];
  readonly #optimizerType: Validated['optimizerType'];
  /** Set once the model is built: at construction for a spec, by `ready()` for a module. */
  #built: BuiltModel | null = null;
  #building: Promise<BuiltModel> | null = null;
  /** Where the big arrays live (see `MemoryMode`). */
  readonly memory: MemoryMode;
  readonly #gradients: GrowingBuffer;
  readonly #results: GrowingBuffer;
  readonly #inputs: GrowingBuffer;
  readonly #targets: GrowingBuffer;
  /** Memory `shared`: the counter workers claim chunks from (NOTE(claiming) in replica.ts). */
  readonly #claim: SharedArrayBuffer | null;
  /** Memory `shared`: the barrier before the sharded update (NOTE(barrier) in sharded-update.ts). */
  readonly #control: SharedArrayBuffer | null;
  readonly #startTransport: TransportFactory;
  #transport: WorkerTransport | null = null;
  #steps = 0;
  #lastStep: StepTiming | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | null = null;
  #failure: Error | null = null;
  /** Set when `close` gave up waiting and terminated the threads: how long it had waited. */
  #closedAfter: number | null = null;
  #inputCheck: ModelInputCheck | null = null;

  constructor(options: ParallelTrainerOptions) {
    const valid = validateOptions(options, options?.workers, options?.cores === undefined ? hardwareConcurrency() : options.cores);
    if (typeof options.transport !== 'function') throw new Error('DataParallelTrainer: transport must be a function (threads) => WorkerTransport');
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
    this.#startTransport = options.transport;
    const memory = options.memory ?? defaultMemoryMode();
    if (memory !== 'shared' && memory !== 'copy') throw new Error(`DataParallelTrainer: memory must be 'shared' or 'copy', got ${JSON.stringify(memory)}`);
    if (memory === 'shared' && typeof SharedArrayBuffer === 'undefined') {
      throw new Error("DataParallelTrainer: memory 'shared' needs SharedArrayBuffer; serve the page cross-origin isolated (COOP same-origin, COEP require-corp) or use memory 'copy'");
    }
    this.memory = memory;
    this.#claim = memory === 'shared' ? new SharedArrayBuffer(4) : null;
    this.#control = memory === 'shared' ? new SharedArrayBuffer(8) : null;
    [this.#gradients, this.#results, this.#inputs, this.#targets] = [0, 1, 2, 3].map(() => new GrowingBuffer(memory)) as [GrowingBuffer, GrowingBuffer, GrowingBuffer, GrowingBuffer];
    if (valid.model !== null) this.#built = installModel(valid.model, memory, this.#optimizerFactory);
  }

  /**
   * The main thread's model; its parameters are views of the shared parameter buffer. For a module
   * model, after `await ready()`. While a step runs, the workers update those values in place (each
   * its own range), so read or predict with it between steps for weights of one step.
   */
  get model(): Module {
    return this.#require('model').model;
  }

  /** The optimizer stepping the shared parameters (schedulers may set its learning rate between steps). */
  get optimizer(): Optimizer {
    return this.#require('optimizer').optimizer;
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
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`DataParallelTrainer.workersFor: batchSize must be an integer ≥ 1, got ${String(batchSize)}`);
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
      timeout = checkTimeout('DataParallelTrainer.step', 'timeoutMilliseconds', options?.timeoutMilliseconds, this.stepTimeoutMilliseconds);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.#serialize(async (built) => {
      const started = performance.now();
      const step = this.#steps + 1;
      const { numChunks, batchSize, resultStride } = this.#stage(built, 'step', inputs, targets);
      const divisor = this.#divisor(batchSize, targets);
      built.model.parameters().forEach((parameter, index) => (parameter.grad = built.gradientTensors[index]!));
      const plan: UpdateContext[] = built.optimizer.prepareStep().map(({ step: count, fresh }) => ({ step: count, fresh }));
      const inWorkers = this.#shardsInWorkers(numChunks);
      const answers = await this.#dispatch(built, { kind: 'train', step, numChunks, resultStride, inputs, targets, timeout }, inWorkers ? { divisor, plan } : null);
      this.#steps = step;
      const gradients = new Float32Array(this.#gradients.buffer, 0, numChunks * built.stride);
      let updateMilliseconds = Math.max(...answers.map((answer) => answer.updateMilliseconds ?? 0));
      if (!inWorkers) {
        const updateStarted = performance.now();
        updateOnMainThread(built, gradients, numChunks, divisor, plan);
        updateMilliseconds = performance.now() - updateStarted;
      }
      replayChunkStatistics(built.statistics, gradients, numChunks, built.stride, built.layout.size);
      const milliseconds = performance.now() - started;
      const workerMilliseconds = answers.map((answer) => answer.milliseconds);
      this.#lastStep = { milliseconds, workerMilliseconds, overheadMilliseconds: milliseconds - Math.max(...workerMilliseconds), updateMilliseconds };
      const results = new Float64Array(this.#results.buffer);
      let loss = 0;
      for (let chunk = 0; chunk < numChunks; chunk++) loss += results[chunk * resultStride]!; // in chunk order: W-independent
      return loss / divisor;
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
    return runFit((inputs, targets) => this.step(inputs, targets), () => this.#steps, loader, options);
  }

  /**
   * Mean loss (and accuracy, for crossEntropy) of the model on a set — one batch, or every batch of
   * a loader (then the loss is the mean over all its samples, as if evaluated in one batch) —
   * computed by the workers in evaluation mode without gradients. Does not change the parameters.
   *
   * @example
   * ```ts
   * const { loss, accuracy } = await trainer.evaluate(testLoader); // or evaluate(testImages, testLabels)
   * ```
   */
  evaluate(loader: BatchSource): Promise<Evaluation>;
  evaluate(inputs: Tensor, targets: Tensor): Promise<Evaluation>;
  evaluate(source: Tensor | BatchSource, targets?: Tensor): Promise<Evaluation> {
    return this.#serialize(async (built) => {
      const batches: BatchSource = source instanceof Tensor ? [[source, targets as Tensor]] : source;
      if (batches === null || typeof (batches as Partial<BatchSource>)[Symbol.iterator] !== 'function') {
        throw new Error('DataParallelTrainer.evaluate: expected (inputs, targets) Tensors or an iterable of [inputs, targets] batches (a DataLoader)');
      }
      let [loss, samples, divisor] = [0, 0, 0];
      let perClass: { correct: number[]; count: number[] } | null = null;
      for (const [inputs, batchTargets] of batches) {
        const { numChunks, batchSize, resultStride } = this.#stage(built, 'evaluate', inputs, batchTargets);
        await this.#dispatch(built, { kind: 'evaluate', step: this.#steps, numChunks, resultStride, inputs, targets: batchTargets, timeout: this.stepTimeoutMilliseconds });
        const results = new Float64Array(this.#results.buffer);
        for (let chunk = 0; chunk < numChunks; chunk++) loss += results[chunk * resultStride]!;
        if (this.loss === 'crossEntropy') {
          const classes = resultStride - 2;
          perClass ??= { correct: new Array<number>(classes).fill(0), count: new Array<number>(classes).fill(0) };
          for (let chunk = 0; chunk < numChunks; chunk++) {
            for (let k = 0; k < classes; k++) perClass.correct[k]! += results[chunk * resultStride + 2 + k]!;
          }
          for (const target of batchTargets.data) perClass.count[target]! += 1; // class indices, checked by #stage
        }
        samples += batchSize;
        divisor += this.#divisor(batchSize, batchTargets);
      }
      if (samples === 0) throw new Error('DataParallelTrainer.evaluate: the loader yielded no batches');
      const correct = perClass?.correct.reduce((a, b) => a + b, 0) ?? 0;
      return { loss: loss / divisor, accuracy: perClass === null ? null : correct / samples, perClass };
    });
  }

  /** A snapshot (copies) of the model's weights by dotted name, PyTorch's layout. */
  stateDict(): StateDict {
    const state = this.#requireIntact('stateDict').model.stateDict();
    return Object.fromEntries(Object.entries(state).map(([name, t]) => [name, new Tensor(t.data.slice(), t.shape)]));
  }

  /** Loads weights into the shared parameters (between steps); checked like `Module.loadStateDict`. */
  async loadStateDict(state: StateDict): Promise<void> {
    await this.#serialize(async (built) => built.model.loadStateDict(state));
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
    return { model: this.stateDict(), optimizer: built.optimizer.stateDict() as OptimizerStateDict, steps: this.#steps };
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
        throw new Error('DataParallelTrainer.loadTrainingState: expected { model, optimizer, steps } as returned by trainingState()');
      }
      const before = this.stateDict();
      built.model.loadStateDict(model);
      try {
        built.optimizer.loadStateDict(optimizer as Parameters<Optimizer['loadStateDict']>[0]);
      } catch (error) {
        built.model.loadStateDict(before);
        throw error;
      }
      this.#steps = steps as number;
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
      timeout = checkTimeout('DataParallelTrainer.close', 'timeoutMilliseconds', options?.timeoutMilliseconds, DEFAULT_CLOSE_TIMEOUT_MILLISECONDS);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.#closing ??= (async () => {
      const drained = await withTimeout(this.#queue.then(() => true), timeout, false);
      if (!drained) this.#closedAfter = timeout;
      await this.#transport?.close();
    })();
    return this.#closing;
  }

  #serialize<T>(work: (built: BuiltModel) => Promise<T>): Promise<T> {
    // Calls made before close() still run (close waits for them); only later ones are refused.
    const closedAtCall = this.#closing !== null;
    const run = this.#queue.then(async () => {
      if (this.#failure !== null) throw new Error(`DataParallelTrainer: the trainer stopped after a failure (${this.#failure.message})`);
      if (closedAtCall) throw new Error('DataParallelTrainer: the trainer is closed');
      return work(await this.#build());
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #build(): Promise<BuiltModel> {
    if (this.#built !== null) return Promise.resolve(this.#built);
    this.#building ??= buildFromWire(this.#wire, new Generator(this.seed)).then(
      (model) => (this.#built = installModel(checkModel(model), this.memory, this.#optimizerFactory)),
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
    if (this.#failure !== null) {
      throw new Error(`DataParallelTrainer.${what}: the weights may be partly updated by the failed step (${this.#failure.message}); resume from the last checkpoint`);
    }
    return this.#require(what);
  }

  #require(what: string): BuiltModel {
    if (this.#built === null) throw new Error(`DataParallelTrainer.${what}: the model module is not loaded yet; await trainer.ready() first`);
    return this.#built;
  }

  /** Checks a minibatch against the model and copies it into the shared input buffers (once per step). */
  #stage(built: BuiltModel, op: string, inputs: Tensor, targets: Tensor): { numChunks: number; batchSize: number; resultStride: number } {
    this.#inputCheck ??= new ModelInputCheck(built.model, this.loss);
    const batchSize = this.#inputCheck.check(op, inputs, targets);
    // Evaluation with crossEntropy also counts correct predictions per class (Evaluation.perClass).
    const resultStride = op === 'evaluate' && this.loss === 'crossEntropy' ? 2 + this.#inputCheck.checkedOutputShape(inputs)[0]! : 2;
    new Float32Array(this.#inputs.ensure(inputs.size * 4), 0, inputs.size).set(inputs.data);
    new Float32Array(this.#targets.ensure(targets.size * 4), 0, targets.size).set(targets.data);
    const numChunks = chunkCount(batchSize, this.chunkSize, built.statistics.layers.length > 0);
    this.#gradients.ensure(numChunks * built.stride * 4);
    this.#results.ensure(numChunks * resultStride * 8);
    return { numChunks, batchSize, resultStride };
  }

  /**
   * Whether the workers reduce and update the parameters themselves (sharded-update.ts): only in
   * memory `shared`, and only when the transport runs every task of the step at once — the tasks
   * wait for one another, so a task queued behind another of the same step would wait forever.
   * Otherwise the main thread does it, with the same bits.
   */
  #shardsInWorkers(numChunks: number): boolean {
    this.#transport ??= this.#startTransport(this.workers);
    return this.memory === 'shared' && assignChunks(numChunks, this.workers).length <= (this.#transport.concurrency ?? 1);
  }

  /**
   * One message per worker; waits for all of them (at most `timeout` ms), then reports the first
   * failure with the step number. With `update` (training) in memory `shared`, the tasks also
   * reduce and update the parameters, shard by shard.
   */
  async #dispatch(built: BuiltModel, work: Dispatch, update: { divisor: number; plan: UpdateContext[] } | null = null): Promise<WorkerTaskResult[]> {
    const { kind, step, numChunks, inputs, targets, resultStride } = work;
    this.#transport ??= this.#startTransport(this.workers);
    const transport = this.#transport;
    const copying = this.memory === 'copy';
    saveBuffers(built.model, new Float32Array(built.buffers));
    if (this.#claim !== null) Atomics.store(new Int32Array(this.#claim), 0, 0);
    const control = update !== null && this.#control !== null ? this.#control : null;
    if (control !== null) new Int32Array(control).fill(0);
    const base = {
      memory: this.memory,
      kind,
      session: this.#session,
      model: this.#wire,
      loss: this.loss,
      parameters: built.parameters,
      buffers: built.buffers,
      gradients: copying ? new ArrayBuffer(0) : this.#gradients.buffer,
      results: copying ? new ArrayBuffer(0) : this.#results.buffer,
      resultStride,
      inputs: this.#inputs.buffer,
      inputShape: [...inputs.shape],
      targets: this.#targets.buffer,
      targetShape: [...targets.shape],
      chunkSize: this.chunkSize,
      chunkCount: numChunks,
      claim: this.#claim,
      seed: this.seed,
      step,
    };
    const ranges = assignChunks(numChunks, this.workers);
    const shared: Omit<ShardedUpdate, 'shard'> | null =
      control === null || update === null
        ? null
        : {
            shards: ranges.length,
            control,
            reduced: built.reduced.buffer as SharedArrayBuffer,
            divisor: update.divisor,
            optimizerType: this.#optimizerType,
            hyperparameters: built.optimizer.hyperparameters,
            plan: update.plan,
            state: [...built.state.buffers] as Array<[string, SharedArrayBuffer]>,
          };
    const runs = ranges.map((range, shard) =>
      // Through then(): a transport that throws instead of rejecting must not strand the tasks already sent.
      Promise.resolve()
        .then(() => transport.run({ ...base, firstChunk: range.first, endChunk: range.end, update: shared === null ? null : { ...shared, shard } }))
        .catch((error: unknown) => {
          // Tasks waiting at the barrier for this one would wait forever (NOTE(barrier) in sharded-update.ts).
          if (control !== null) signalFailure(control);
          throw error;
        }),
    );
    const settled = await withTimeout(Promise.allSettled(runs), work.timeout, null);
    const what = kind === 'train' ? `step ${step}` : `evaluate (after step ${step})`;
    const stop = async (problem: string, cause?: unknown): Promise<never> => {
      // NOTE(stopped): the workers may have updated some shards of the weights and optimizer state
      // and not others, so no later step or snapshot would be consistent.
      const after = kind === 'train' ? 'its workers may have updated some shards of the weights and not others' : 'its worker threads are gone';
      this.#failure = new Error(`DataParallelTrainer: ${what} ${problem}; the trainer is stopped (${after}): start a new one from the last checkpoint`, { cause });
      if (control !== null) signalFailure(control);
      await transport.close().catch(() => undefined);
      throw this.#failure;
    };
    if (settled === null) return stop(`did not finish within ${work.timeout} ms (timeoutMilliseconds); its worker threads were terminated`);
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) {
      const reason = (failed as PromiseRejectedResult).reason as unknown;
      if (this.#closedAfter !== null) return stop(`did not finish: close() terminated its worker threads after waiting ${this.#closedAfter} ms (its timeoutMilliseconds)`, reason);
      return stop(`failed in a worker: ${reason instanceof Error ? reason.message : String(reason)}`, reason);
    }
    const answers = settled.map((outcome) => (outcome as PromiseFulfilledResult<WorkerTaskResult>).value);
    if (answers.some((answer) => answer.aborted === true)) return stop('failed: a worker left its shard of the update without any task failing');
    if (copying) this.#collectCopies(built, ranges, answers, resultStride);
    return answers;
  }

  /** Memory `copy`: puts each worker's chunk gradients and results where the shared buffers would hold them. */
  #collectCopies(built: BuiltModel, ranges: ChunkRange[], answers: WorkerTaskResult[], resultStride: number): void {
    const gradients = new Float32Array(this.#gradients.buffer);
    const results = new Float64Array(this.#results.buffer);
    answers.forEach((answer, index) => {
      const { first } = ranges[index]!;
      if (answer.copies === undefined) throw new Error('DataParallelTrainer: a worker answered without its results (memory copy)');
      gradients.set(answer.copies.gradients, first * built.stride);
      results.set(answer.copies.results, first * resultStride);
    });
  }

  /** The loss's mean divides by B (crossEntropy) or by every target element (mse, as `mseLoss` does). */
  #divisor(batchSize: number, targets: Tensor): number {
    return this.loss === 'crossEntropy' ? batchSize : targets.size;
  }
}

/** One dispatch of a step or an evaluation batch. */
interface Dispatch {
  kind: WorkerTask['kind'];
  step: number;
  numChunks: number;
  /** Float64 values per chunk in the results buffer (WorkerTask.resultStride). */
  resultStride: number;
  inputs: Tensor;
  targets: Tensor;
  /** Milliseconds before the threads are terminated and the dispatch rejects (`Infinity`: none). */
  timeout: number;
}
