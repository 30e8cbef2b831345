// The contract between the benchmark's main process and its child processes: what a child is asked
// to measure and under which names it reports its figures. Plain data and pure functions only.

/** A matrix product C[m×n] = A[m×k] · B[k×n]. */
export interface MatmulShape {
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** Who multiplies: Backprop's two kernels, or TensorFlow.js on one of its backends. */
export type MatmulSide = 'backprop-wasm' | 'backprop-js' | 'tfjs-wasm' | 'tfjs-cpu';

/** Who trains: Backprop in one thread, Backprop on every core (`DataParallelTrainer`), or TensorFlow.js. */
export type TrainingSide = 'backprop' | 'backprop-all' | 'tfjs-wasm' | 'tfjs-cpu';

/** Any column of the report. */
export type Side = MatmulSide | TrainingSide;

/** The two benchmark models: the MNIST MLP 784-128-10 and LeNet-5 on 1×28×28 digits. */
export type ModelName = 'mlp' | 'lenet';

/** The optimizer both libraries train with (`OPTIMIZER`): Adam (lr 1e-3) or SGD (lr 0.01). */
export type OptimizerName = 'adam' | 'sgd';

/** Learning rate per optimizer, the same in both libraries. */
export const LEARNING_RATE: Readonly<Record<OptimizerName, number>> = { adam: 1e-3, sgd: 0.01 };

/**
 * Samples per chunk of `DataParallelTrainer` (its default, stated here so that the report can say
 * what it means): a batch splits into ⌈batch / 64⌉ chunks, and a worker without a chunk idles.
 */
export const CHUNK_SIZE = 64;

/** Seed of the initial weights (each library draws its own from it) and of the matmul operands. */
export const SEED = 7;

/**
 * One child process's job. `timeScale` multiplies every time budget (QUICK=1 runs at 0.25).
 *
 * @example
 * ```ts
 * const task: Task = { measurement: 'matmul', side: 'tfjs-wasm', shapes: [{ m: 256, k: 256, n: 256 }], timeScale: 1 };
 * ```
 */
export type Task =
  | {
      readonly measurement: 'matmul';
      readonly side: MatmulSide;
      readonly shapes: readonly MatmulShape[];
      readonly timeScale: number;
    }
  | {
      readonly measurement: 'throughput';
      readonly side: TrainingSide;
      readonly model: ModelName;
      readonly batches: readonly number[];
      readonly optimizer: OptimizerName;
      readonly timeScale: number;
    }
  | {
      readonly measurement: 'memory';
      readonly side: TrainingSide;
      readonly model: ModelName;
      readonly batch: number;
      /** Training digits in the run (one epoch of Backprop's 8,000 by default). */
      readonly samples: number;
      readonly optimizer: OptimizerName;
    };

/** Figure name of a matrix product's GFLOP/s, e.g. `128×784×128`. */
export const matmulKey = ({ m, k, n }: MatmulShape): string => `${m}×${k}×${n}`;

/** Figure name of the samples per second at a batch size. */
export const samplesPerSecondKey = (batch: number): string => `samples/s at batch ${batch}`;

/** Figure name of the milliseconds per training step at a batch size. */
export const stepMillisecondsKey = (batch: number): string => `ms/step at batch ${batch}`;

/** Figure names of a memory run, in MiB. */
export const MEMORY_KEYS = {
  /** Resident memory once the libraries, the data and the model are loaded, before the first step. */
  rssBefore: 'RSS before training',
  /** The process's peak resident memory (`process.resourceUsage().maxRSS`), workers included. */
  rssPeak: 'peak RSS',
  /** Peak RSS minus RSS before training: what training itself added. */
  rssGrowth: 'RSS growth while training',
  /** The main thread's largest `heapUsed` seen after a step. */
  heapPeak: 'peak JS heap',
} as const;
