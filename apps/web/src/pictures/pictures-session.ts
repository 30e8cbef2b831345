// The "Your pictures" page's session, run in the pictures worker: the classes and their decoded
// pictures, training the photo CNN with the data-parallel trainer's fit() (augmented batches, a
// cosine learning rate, validation accuracy per epoch and per class), and the model it leaves. No DOM.
import {
  CosineAnnealingLR,
  DataLoader,
  updateBatchNorm,
  Generator,
  photoCnnSpec,
  randomHorizontalFlip,
  randomShift,
  stratifiedSplit,
  Tensor,
  TensorDataset,
  type ModelSpec,
} from '@backprop/core';
import type { BatchSource, FitOptions, FitSummary } from '@backprop/parallel';
import type { StateDict } from '@backprop/core';
import { PictureModel, type SetScore } from './picture-model';
import { cleanClassName } from './picture-limits';

/** Side of the square pictures are resized to: the CLI's default `--image-size`. */
export const PICTURE_SIZE = 32;
/** The photo CNN's channels, as the CLI's picture recipe (`--channels 16,32`). */
export const PHOTO_CNN_CHANNELS: [number, number] = [16, 32];
/** Share of each class kept aside to measure accuracy (the CLI's `--val-split` default). */
export const VALIDATION_SHARE = 0.2;
/** Fewest pictures a class needs: one in five is kept aside, so five leave one to validate on. */
export const MIN_PER_CLASS = 5;
/**
 * Samples per chunk of the data-parallel trainer: the page's default batch of 16 is two chunks, so
 * two workers share every step (results depend on it, not on the number of workers).
 */
export const CHUNK_SIZE = 8;
/** The validation split's seed, as the CLI's: it never moves with the training seed. */
const SPLIT_SEED = 0;
const AUGMENT_SEED_OFFSET = 0x5eed;

/** The part of the data-parallel trainer the session uses (`ParallelTrainer` has it). */
export interface FitTrainer {
  fit(loader: BatchSource, options: FitOptions): Promise<FitSummary>;
  stateDict(): StateDict;
  readonly optimizer: ConstructorParameters<typeof CosineAnnealingLR>[0];
  close(): Promise<void>;
}

/** Starts a trainer: Web Workers in the page, piscina threads in the tests. */
export type FitTrainerFactory = (options: {
  spec: ModelSpec;
  workers: number;
  learningRate: number;
  seed: number;
  chunkSize: number;
}) => FitTrainer;

/** Options of one training run. */
export interface PicturesTrainingOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  workers: number;
  seed: number;
}

/** What a run reports as it goes. Epoch 0 is the untrained model. */
export type PicturesEvent =
  | { type: 'start'; train: number; validation: number; batches: number }
  | { type: 'batch'; epoch: number; batch: number; batches: number; step: number; loss: number }
  | ({ type: 'epoch'; epoch: number; trainLoss: number | null } & SetScore);

/** One class: its name and its pictures as [C, S, S] samples. */
interface PictureClass {
  name: string;
  samples: Float32Array[];
}

/**
 * The pictures of each class, training runs and the latest model.
 *
 * @example
 * ```ts
 * const session = new PicturesSession({ createTrainer, maxPictures: 2000 });
 * session.add(0, sample); // a [3, 32, 32] picture of a cat
 * await session.train({ epochs: 10, batchSize: 32, learningRate: 0.002, workers: 2, seed: 1 }, console.log);
 * session.model!.predict(another);
 * ```
 */
export class PicturesSession {
  readonly #createTrainer: FitTrainerFactory;
  readonly #maxPictures: number;
  #classes: PictureClass[] = [
    { name: 'cat', samples: [] },
    { name: 'not cat', samples: [] },
  ];
  /** Whether horizontal flips are fair augmentation for these pictures (not for digits). */
  #flips = true;
  #data = 'pictures dropped on the page';
  #stop: AbortController | null = null;
  /** The latest model, trained here or loaded; null before there is one. */
  model: PictureModel | null = null;

  constructor(options: { createTrainer: FitTrainerFactory; maxPictures: number }) {
    this.#createTrainer = options.createTrainer;
    this.#maxPictures = options.maxPictures;
  }

  /** Names and picture counts of the classes, in label order. */
  get classes(): Array<{ name: string; count: number }> {
    return this.#classes.map(({ name, samples }) => ({ name, count: samples.length }));
  }

  /** Pictures held, over every class. */
  get pictureCount(): number {
    return this.#classes.reduce((sum, c) => sum + c.samples.length, 0);
  }

  /**
   * Replaces the classes (names cleaned, see `cleanClassName`) and drops every picture.
   * `flips: false` for pictures a mirror changes (digits); `data` is saved with the model.
   */
  reset(names: string[], options: { flips: boolean; data: string }): void {
    this.#checkIdle('change the classes');
    if (names.length < 2) throw new Error(`a classifier needs at least two classes, got ${names.length}`);
    this.#classes = names.map((name, i) => ({ name: cleanClassName(name, `class ${i + 1}`), samples: [] }));
    this.#flips = options.flips;
    this.#data = options.data;
  }

  /** Renames class `index` (cleaned); returns the name kept. */
  rename(index: number, name: string): string {
    const target = this.#class(index);
    target.name = cleanClassName(name, `class ${index + 1}`);
    return target.name;
  }

  /** Adds one decoded picture [C, S, S] to class `index`; throws when the page's picture limit is reached. */
  add(index: number, sample: Float32Array): void {
    this.#checkIdle('add pictures');
    const target = this.#class(index);
    if (sample.length !== 3 * PICTURE_SIZE * PICTURE_SIZE)
      throw new Error(`a picture of ${sample.length} values; expected 3 × ${PICTURE_SIZE} × ${PICTURE_SIZE}`);
    if (this.pictureCount >= this.#maxPictures) {
      throw new Error(
        `the page holds at most ${this.#maxPictures.toLocaleString('en-US')} pictures (maxPictures); raise it with ?maxPictures= in the address`,
      );
    }
    target.samples.push(sample);
  }

  /** Drops the pictures of class `index`. */
  clear(index: number): void {
    this.#checkIdle('clear pictures');
    this.#class(index).samples = [];
  }

  /** The first `limit` pictures of class `index` (for thumbnails). */
  samples(index: number, limit: number): Float32Array[] {
    return this.#class(index).samples.slice(0, limit);
  }

  /**
   * Trains a fresh photo CNN on every picture but a stratified fifth, which measures accuracy
   * before training (epoch 0) and after each epoch, overall and per class. Resolves when done or stopped.
   */
  async train(
    options: PicturesTrainingOptions,
    onEvent: (event: PicturesEvent) => void,
  ): Promise<{ stopped: boolean; steps: number }> {
    this.#checkIdle('start another run');
    const small = this.#classes.find((c) => c.samples.length < MIN_PER_CLASS);
    if (small !== undefined) {
      throw new Error(
        `“${small.name}” has ${small.samples.length} picture${small.samples.length === 1 ? '' : 's'}; give every class at least ${MIN_PER_CLASS} (one in five is kept aside to measure accuracy)`,
      );
    }
    const stop = (this.#stop = new AbortController());
    const { train, validation } = this.#split();
    const spec = photoCnnSpec([3, PICTURE_SIZE, PICTURE_SIZE], PHOTO_CNN_CHANNELS, this.#classes.length);
    const classNames = this.#classes.map((c) => c.name);
    const model = new PictureModel(
      { spec, classNames, sampleShape: [3, PICTURE_SIZE, PICTURE_SIZE], data: this.#data },
      null,
    );
    const trainer = this.#createTrainer({
      spec,
      workers: options.workers,
      learningRate: options.learningRate,
      seed: options.seed,
      chunkSize: CHUNK_SIZE,
    });
    try {
      const loader = new DataLoader(train, { batchSize: options.batchSize, shuffle: true, seed: options.seed });
      const batches = loader.length;
      onEvent({ type: 'start', train: train.length, validation: validation.images.shape[0]!, batches });
      // NOTE(batch-norm-refresh): a few dozen pictures give a few steps per epoch, too few for
      // BatchNorm's running averages to follow the weights (validation sat at 50% for epochs), so
      // the page's model — what is scored, tried and saved — gets them recomputed over the training
      // pictures with the current weights, as the CLI does (core's updateBatchNorm, PyTorch's update_bn).
      // Before the first step the model is shown as initialised (running statistics 0 and 1), as untrained.
      const takeWeights = (trained: boolean) => {
        model.model.loadStateDict(trainer.stateDict());
        if (trained) updateBatchNorm(model.model, new DataLoader(train, { batchSize: options.batchSize }));
      };
      const report = (epoch: number, trainLoss: number | null) => {
        takeWeights(epoch > 0);
        onEvent({ type: 'epoch', epoch, trainLoss, ...model.score(validation.images, validation.labels) });
      };
      report(0, null);
      const scheduler = new CosineAnnealingLR(trainer.optimizer, { tMax: options.epochs * batches });
      const summary = await trainer.fit(loader as unknown as BatchSource, {
        epochs: options.epochs,
        signal: stop.signal,
        transform: augmentation(this.#flips, new Generator(options.seed + AUGMENT_SEED_OFFSET)),
        scheduler,
        onBatchEnd: ({ epoch, batch, step, loss }) => {
          onEvent({ type: 'batch', epoch: epoch + 1, batch: batch + 1, batches, step, loss });
        },
        onEpochEnd: ({ epoch, meanLoss }) => report(epoch + 1, meanLoss),
      });
      takeWeights(summary.steps > 0);
      model.steps = summary.steps;
      this.model = model;
      return { stopped: summary.stopped !== null, steps: summary.steps };
    } finally {
      this.#stop = null;
      await trainer.close();
    }
  }

  /** Ends the current run after its current step (no-op when none runs). */
  stop(): void {
    this.#stop?.abort();
  }

  /** Whether a run is going. */
  get training(): boolean {
    return this.#stop !== null;
  }

  /** Training set and validation tensors: a stratified split per class (seeded, as the CLI's). */
  #split(): { train: TensorDataset; validation: { images: Tensor; labels: Tensor } } {
    const samples = this.#classes.flatMap((c) => c.samples);
    const labels = Int32Array.from(this.#classes.flatMap((c, label) => c.samples.map(() => label)));
    const size = 3 * PICTURE_SIZE * PICTURE_SIZE;
    const images = new Float32Array(samples.length * size);
    samples.forEach((sample, i) => images.set(sample, i * size));
    const all = new TensorDataset(
      new Tensor(images, [samples.length, 3, PICTURE_SIZE, PICTURE_SIZE]),
      new Tensor(Float32Array.from(labels), [labels.length]),
    );
    const [train, validation] = stratifiedSplit(all, labels, [1 - VALIDATION_SHARE, VALIDATION_SHARE], SPLIT_SEED);
    const take = (indices: ArrayLike<number>) => all.getBatch(indices) as [Tensor, Tensor];
    const [trainImages, trainLabels] = take(train!.indices);
    const [validationImages, validationLabels] = take(validation!.indices);
    return {
      train: new TensorDataset(trainImages, trainLabels),
      validation: { images: validationImages, labels: validationLabels },
    };
  }

  #class(index: number): PictureClass {
    const found = this.#classes[index];
    if (found === undefined) throw new Error(`no class ${index}: there are ${this.#classes.length}`);
    return found;
  }

  #checkIdle(what: string): void {
    if (this.#stop !== null) throw new Error(`Stop training before you ${what}`);
  }
}

/**
 * fit's batch transform, augmenting as the CLI's `--augment flip-shift` does for photos: a random
 * horizontal flip (when `flips`), then a random shift of up to 2 pixels — drawn from `generator`,
 * so the same seed gives the same run (fit transforms only the batches it steps).
 */
function augmentation(
  flips: boolean,
  generator: Generator,
): (batch: readonly [Tensor, Tensor]) => readonly [Tensor, Tensor] {
  return ([inputs, labels]) => [
    randomShift(flips ? randomHorizontalFlip(inputs, 0.5, generator) : inputs, 2, generator),
    labels,
  ];
}
