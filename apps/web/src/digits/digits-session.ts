// The Digits page's training session, run in the digits worker: MNIST as tensors, training with a
// chosen number of workers (or one thread), throughput and test accuracy as events, predictions
// for the drawing, and models loaded from model.safetensors. No DOM.
import { DataLoader, idxImagesToTensor, idxLabelsToTensor, noGrad, type Tensor, TensorDataset, type ModelSpec, type Module } from '@backprop/core';
import { mnistAsIdx, type MnistData } from '@backprop/datasets';
import { predictDigit, readModelFile } from './model-file';
import { scoreClassifier, type DigitsTrainer } from './plain-trainer';

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

/** Starts a trainer (parallel or single-thread) for a run. */
export type TrainerFactory = (options: { spec: ModelSpec; workers: number; learningRate: number; seed: number }) => DigitsTrainer;

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
 * const session = new DigitsSession(mnistSplit(await decodeMnistGzip(bytes)), (o) => new PlainTrainer(o));
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
  async train(options: DigitsTrainingOptions, onEvent: (event: DigitsEvent) => void): Promise<{ stopped: boolean; steps: number }> {
    if (this.#stop !== null) throw new Error('DigitsSession: a run is already going; stop it first');
    const stop = (this.#stop = new AbortController());
    const { images, labels } = mnistTensors(this.#train, options.samplesPerEpoch);
    const loader = new DataLoader(new TensorDataset(images, labels), { batchSize: options.batchSize, shuffle: true, seed: options.seed });
    const trainer = this.#createTrainer({ spec: DIGITS_SPEC, workers: options.workers, learningRate: options.learningRate, seed: options.seed });
    this.#model = { model: trainer.model, inputShape: [1, 784] };
    let [steps, samples, milliseconds] = [0, 0, 0];
    try {
      const report = async (epoch: number) => {
        const { loss, accuracy } = await trainer.evaluate(this.#test.images, this.#test.labels);
        onEvent({ type: 'epoch', epoch, loss, accuracy: accuracy ?? Number.NaN });
      };
      await report(0);
      for (let epoch = 1; epoch <= options.epochs && !stop.signal.aborted; epoch++) {
        let batch = 0;
        for (const [inputs, targets] of loader as Iterable<[Tensor, Tensor]>) {
          if (stop.signal.aborted) break;
          const started = performance.now();
          const loss = await trainer.step(inputs, targets);
          const elapsed = performance.now() - started;
          steps++;
          // NOTE(warm-up): the first step also starts the workers and builds their replicas; the
          // throughput leaves it out as soon as there is a second step to measure.
          if (steps === 2) [samples, milliseconds] = [0, 0];
          samples += inputs.shape[0]!;
          milliseconds += elapsed;
          onEvent({ type: 'batch', epoch, batch: batch++, step: steps, loss, samplesPerSecond: (1000 * samples) / milliseconds });
          await yieldToEvents();
        }
        if (!stop.signal.aborted) await report(epoch);
      }
      return { stopped: stop.signal.aborted, steps };
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
  loadModel(bytes: Uint8Array, name: string): { parameters: number; inputShape: number[]; accuracy: number; step: number | null } {
    if (this.#stop !== null) throw new Error('Stop training before loading a model');
    const loaded = readModelFile(bytes, name);
    const inputs = this.#test.images.reshape([this.testCount, ...loaded.inputShape.slice(1)]);
    loaded.model.eval();
    const { accuracy } = noGrad(() => scoreClassifier(loaded.model.forward(inputs), this.#test.labels));
    this.#model = { model: loaded.model, inputShape: loaded.inputShape };
    return { parameters: loaded.parameters, inputShape: loaded.inputShape, accuracy, step: loaded.step };
  }
}
