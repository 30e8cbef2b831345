// DataLoader: iterates a Dataset in (optionally shuffled, seeded) batches, one permutation per epoch.
// Imports data/dataset and random/ (generator, global-generator) only: no nn/optim, no `node:` modules (browsers).
import { Generator } from '../random/generator.js';
import { globalGenerator } from '../random/global-generator.js';
import { defaultCollate, type Collated, type Dataset } from './dataset.js';

/** Options of {@link DataLoader}. `seed` and `generator` only matter when `shuffle` is on. */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch, a positive integer. Default 1. */
  batchSize?: number;
  /** A fresh seeded permutation every epoch. Default false (dataset order). */
  shuffle?: boolean;
  /** Base seed of the permutations (a safe integer). */
  seed?: number;
  /** Draws the base seed once, at construction, when no `seed` is given. Default: the global generator. */
  generator?: Generator;
  /** Skips the last batch when it would be smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** The epoch the next iteration runs (0-based), e.g. to resume. Default 0. */
  epoch?: number;
  /** Builds a batch from samples; default {@link defaultCollate} (or the dataset's `getBatch`). */
  collate?: (samples: T[]) => B;
}

/**
 * Everything that decides the batches of future epochs: JSON-serialisable, saved beside a
 * checkpoint so that a resumed run sees exactly the batches it would have seen.
 */
export interface DataLoaderState {
  /** The epoch the next iteration runs. */
  epoch: number;
  /** Base seed of the permutations; `null` when the loader does not shuffle. */
  seed: number | null;
}

/**
 * Iterates a dataset in batches, like `torch.utils.data.DataLoader` (single process).
 * For a `TensorDataset` (or a `Subset` of one) each batch is the tuple of stacked rows,
 * copied straight from the underlying buffers.
 *
 * Shuffling: epoch `e` visits the samples in a permutation drawn from (seed, e) alone, so each
 * epoch differs, every sample appears exactly once per epoch, and `epoch` / `stateDict()` is all
 * a resumed run needs. Each `for…of` runs one epoch and advances `epoch` when it starts (so a loop
 * left early with `break` still moves on to the next permutation). `length` is the batch count.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(new TensorDataset(inputs, labels), { batchSize: 32, shuffle: true, seed: 0 });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (const [x, y] of loader) trainStep(x, y); // x: [32, ...], y: [32]
 * }
 * ```
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  #seed: number | null;
  #epoch: number;
  readonly #collate: ((samples: T[]) => B) | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false, epoch = 0, seed, generator, collate } = options;
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(
        `DataLoader: batchSize must be a positive integer, got ${String(batchSize)}; e.g. { batchSize: 32 }`,
      );
    }
    if (seed !== undefined && generator !== undefined) {
      throw new Error('DataLoader: pass either seed or generator, not both (the seed alone fixes every permutation)');
    }
    if (seed !== undefined) checkSeed('DataLoader', seed);
    checkEpoch('DataLoader', epoch);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.#epoch = epoch;
    this.#collate = collate;
    // NOTE(loader-seed): drawn only when shuffling, so an evaluation loader never moves the global stream.
    this.#seed = shuffle ? (seed ?? drawSeed(generator ?? globalGenerator())) : null;
  }

  /** The number of batches one epoch yields. */
  get length(): number {
    const samples = this.dataset.length;
    return this.dropLast ? Math.floor(samples / this.batchSize) : Math.ceil(samples / this.batchSize);
  }

  /** The epoch the next `for…of` runs (0-based); settable, like `DistributedSampler.set_epoch`. */
  get epoch(): number {
    return this.#epoch;
  }

  set epoch(value: number) {
    checkEpoch('DataLoader.epoch', value);
    this.#epoch = value;
  }

  /** What decides the coming epochs: `{ epoch, seed }`. */
  stateDict(): DataLoaderState {
    return { epoch: this.#epoch, seed: this.#seed };
  }

  /** Restores a {@link stateDict} (possibly after a JSON round trip). */
  loadStateDict(state: DataLoaderState): void {
    if (typeof state !== 'object' || state === null) {
      throw new TypeError(`DataLoader.loadStateDict: expected { epoch, seed } from stateDict(), got ${String(state)}`);
    }
    checkEpoch('DataLoader.loadStateDict', state.epoch);
    if (this.shuffle) {
      if (state.seed === null)
        throw new Error(
          'DataLoader.loadStateDict: this loader shuffles but the state has seed null (saved from a loader without shuffle)',
        );
      checkSeed('DataLoader.loadStateDict', state.seed);
      this.#seed = state.seed;
    }
    this.#epoch = state.epoch;
  }

  /** The sample indices of `epoch`, in visiting order (no batches dropped). Does not advance the epoch. */
  order(epoch = this.#epoch): Int32Array {
    checkEpoch('DataLoader.order', epoch);
    const order = new Int32Array(this.dataset.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (this.#seed !== null) new Generator(permutationSeed(this.#seed, epoch)).shuffle(order);
    return order;
  }

  /** Runs one epoch: yields `length` batches, then the loop ends. Advances `epoch` by one. */
  [Symbol.iterator](): Iterator<B> {
    const order = this.order();
    this.#epoch++;
    return this.#batches(order);
  }

  *#batches(order: Int32Array): IterableIterator<B> {
    const count = this.dropLast ? Math.floor(order.length / this.batchSize) * this.batchSize : order.length;
    for (let start = 0; start < count; start += this.batchSize) {
      yield this.#batch(order.subarray(start, Math.min(start + this.batchSize, count)));
    }
  }

  #batch(indices: Int32Array): B {
    if (this.#collate !== undefined) return this.#collate(Array.from(indices, (index) => this.dataset.get(index)));
    if (this.dataset.getBatch !== undefined) return this.dataset.getBatch(indices) as B;
    return defaultCollate(Array.from(indices, (index) => this.dataset.get(index))) as B;
  }
}

function checkSeed(op: string, seed: unknown): void {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new TypeError(`${op}: seed must be a safe integer, got ${String(seed)}; e.g. { shuffle: true, seed: 0 }`);
  }
}

function checkEpoch(op: string, epoch: unknown): void {
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) {
    throw new RangeError(`${op}: epoch must be a non-negative integer, got ${String(epoch)}`);
  }
}

/** A 53-bit seed drawn from `generator` (two uint32 draws). */
function drawSeed(generator: Generator): number {
  return (generator.nextUint32() >>> 11) * 0x1_0000_0000 + generator.nextUint32();
}

const MASK_64 = (1n << 64n) - 1n;

// NOTE(epoch-seed): the seed of epoch e's permutation is SplitMix64's finaliser of
// seed·φ + e (φ the 64-bit golden ratio), so nearby (seed, epoch) pairs give unrelated
// generators and no loader's epoch e+1 equals another seed's epoch e. BigInt runs once per epoch.
function permutationSeed(seed: number, epoch: number): bigint {
  let z = (BigInt.asUintN(64, BigInt(seed)) * 0x9e3779b97f4a7c15n + BigInt(epoch)) & MASK_64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  return z ^ (z >> 31n);
}
