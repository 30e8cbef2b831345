// The Digits page's training session, run in the digits worker: MNIST as tensors, training with a
// chosen number of workers (or one thread), throughput and test accuracy as events, predictions
// for the drawing, and models loaded from model.safetensors. No DOM.
import {
  accuracy,
  DataLoader,
  idxImagesToTensor,
  idxLabelsToTensor,
  noGrad,
  type Tensor,
  TensorDataset,
  type ModelSpec,
  type Module,
} from '@backprop/core';
import { mnistAsIdx, type MnistData } from '@backprop/datasets';
import {
  fit,
  SingleThreadTrainer,
  type Evaluation,
  type FitTrainer,
  type SingleThreadTrainerOptions,
} from '@backprop/parallel';
import { predictDigit, readModelFile } from './model-file';

/** The page's model: the MLP 784-128-10 of the benchmarks. */
export const DIGITS_SPEC: ModelSpec = {
  type: 'sequential',
  layers: [{ type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 }],
};

/** Options of one training run. */
export interface DigitsTrainingOptions {
  workers: number;
  batchSize: number;
  epochs: number;
  /** Training digits per epoch (the first of the fixed 8,000), to keep a demo run short. */
  samplesPerEpoch: number;
  learningRate: number;
  seed: number;
}

/** What a run reports, as it goes. Epoch 0 is the untrained model. */
export type DigitsEvent =
  | { type: 'batch'; epoch: number; batch: number; step: number; loss: number; samplesPerSecond: number }
  | { type: 'epoch'; epoch: number; accuracy: number; loss: number };

/** What the Digits page needs of a trainer: `fit` drives it; `BrowserDataParallelTrainer` and `SingleThreadTrainer` are one. */
export type DigitsTrainer = FitTrainer<Evaluation> & { readonly model: Module; close(): Promise<void> };

/** What a trainer for a run is made from. */
export interface TrainerRequest {
  spec: ModelSpec;
  workers: number;
  learningRate: number;
  seed: number;
}

/** Starts a trainer (parallel or single-thread) for a run. */
export type TrainerFactory = (request: TrainerRequest) => DigitsTrainer;

/**
 * The page's trainer options (cross-entropy, Adam at the chosen rate, the seed), shared by the
 * single-thread and the data-parallel trainer.
 *
 * @example
 * ```ts
 * new BrowserDataParallelTrainer({ ...digitsTrainerOptions(request), workers: 2, createWorker });
 * ```
 */
export function digitsTrainerOptions(request: TrainerRequest): SingleThreadTrainerOptions & { model: ModelSpec } {
  return {
    model: request.spec,
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: request.learningRate },
    seed: request.seed,
  };
}

/** 0 workers: plain core on the digits worker's own thread. */
export const singleThreadTrainer: TrainerFactory = (request) => new SingleThreadTrainer(digitsTrainerOptions(request));

/**
 * MNIST digits as [N, 784] floats in [0, 1] and [N] labels (the first `limit` of them).
 *
 * @example
 * ```ts
 * const { images, labels } = mnistTensors(mnistSplit(data).test); // [2000, 784], [2000]
 * ```
 */
export function mnistTensors(data: MnistData, limit = data.count): { images: Tensor; labels: Tensor } {
  const { images, labels } = mnistAsIdx(data, limit);
  return { images: idxImagesToTensor(images, { flatten: true }), labels: idxLabelsToTensor(labels) };
}

/** Lets queued messages (a prediction request, a stop) run between two steps. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Training runs and predictions over one MNIST split.
 *
 * @example
 * ```ts
 * const session = new DigitsSession(mnistSplit(await decodeMnistGzip(bytes)), singleThreadTrainer);
 * await session.train({ workers: 1, batchSize: 128, epochs: 1, samplesPerEpoch: 1024, learningRate: 1e-3, seed: 1 }, console.log);
 * session.predict(pixels); // 10 probabilities
 * ```
 */
export class DigitsSession {
  readonly #train: MnistData;
  readonly #test: { images: Tensor; labels: Tensor };
  readonly #createTrainer: TrainerFactory;
  #model: { model: Module; inputShape: readonly number[] } | null = null;
  #stop: AbortController | null = null;

  constructor(split: { train: MnistData; test: MnistData }, createTrainer: TrainerFactory) {
    this.#train = split.train;
    this.#test = mnistTensors(split.test);
    this.#createTrainer = createTrainer;
  }

  /** Test digits available. */
  get testCount(): number {
    return this.#test.labels.size;
  }

  /**
   * Trains a fresh MLP; `onEvent` gets the untrained test accuracy (epoch 0), every batch with
   * the throughput so far (training steps only, after the first: see NOTE(warm-up)), and the test
   * accuracy after each epoch. Resolves when done or stopped.
   */
  async train(
    options: DigitsTrainingOptions,
    onEvent: (event: DigitsEvent) => void,
  ): Promise<{ stopped: boolean; steps: number }> {
    if (this.#stop !== null) throw new Error('DigitsSession: a run is already going; stop it first');
    const stop = (this.#stop = new AbortController());
    const { images, labels } = mnistTensors(this.#train, options.samplesPerEpoch);
    const loader = new DataLoader(new TensorDataset(images, labels), {
      batchSize: options.batchSize,
      shuffle: true,
      seed: options.seed,
    });
    const trainer = this.#createTrainer({
      spec: DIGITS_SPEC,
      workers: options.workers,
      learningRate: options.learningRate,
      seed: options.seed,
    });
    this.#model = { model: trainer.model, inputShape: [1, 784] };
    const test = [[this.#test.images, this.#test.labels] as const];
    let [samples, milliseconds] = [0, 0];
    try {
      const untrained = await trainer.evaluate(test);
      onEvent({ type: 'epoch', epoch: 0, loss: untrained.loss, accuracy: untrained.accuracy ?? Number.NaN });
      const summary = await fit(trainer, loader, {
        epochs: options.epochs,
        signal: stop.signal,
        validation: test,
        onBatchEnd: async ({ epoch, batch, step, loss, inputs, milliseconds: stepMilliseconds }) => {
          // NOTE(warm-up): the first step also starts the workers and builds their replicas; the
          // throughput leaves it out as soon as there is a second step to measure.
          if (step === 2) [samples, milliseconds] = [0, 0];
          samples += inputs.shape[0]!;
          milliseconds += stepMilliseconds;
          onEvent({
            type: 'batch',
            epoch: epoch + 1,
            batch,
            step,
            loss,
            samplesPerSecond: (1000 * samples) / milliseconds,
          });
          await yieldToEvents(); // a prediction request or a stop runs between two steps
        },
        onEpochEnd: ({ epoch, evaluation }) =>
          onEvent({
            type: 'epoch',
            epoch: epoch + 1,
            loss: evaluation!.loss,
            accuracy: evaluation!.accuracy ?? Number.NaN,
          }),
      });
      return { stopped: summary.stopped !== null, steps: trainer.steps };
    } finally {
      this.#stop = null;
      await trainer.close();
    }
  }

  /** Ends the current run after its current step (no-op when none runs). */
  stop(): void {
    this.#stop?.abort();
  }

  /** Probabilities of the 10 digits from the latest model (trained or loaded); null before there is one. */
  predict(pixels: Float32Array): Float32Array | null {
    return this.#model === null ? null : predictDigit(this.#model.model, this.#model.inputShape, pixels);
  }

  /** Loads a model.safetensors for predictions and scores it on the test digits; throws a readable error. */
  loadModel(
    bytes: Uint8Array,
    name: string,
  ): { parameters: number; inputShape: number[]; accuracy: number; step: number | null } {
    if (this.#stop !== null) throw new Error('Stop training before loading a model');
    const loaded = readModelFile(bytes, name);
    const inputs = this.#test.images.reshape([this.testCount, ...loaded.inputShape.slice(1)]);
    loaded.model.eval();
    const score = accuracy(
      noGrad(() => loaded.model.forward(inputs)),
      this.#test.labels,
    );
    this.#model = { model: loaded.model, inputShape: loaded.inputShape };
    return { parameters: loaded.parameters, inputShape: loaded.inputShape, accuracy: score, step: loaded.step };
  }
}
