// Backprop's side of the comparison, as its users write it: `@backprop/core` in one thread (buildModel,
// crossEntropy, Adam/SGD) or `DataParallelTrainer` from `@backprop/parallel/node` on worker threads
// (the built dist/worker.js, as users run it).
import {
  Adam,
  buildModel,
  crossEntropy,
  Generator,
  kernelBackend,
  matmul,
  SGD,
  setKernelBackend,
  Tensor,
  type KernelBackend,
} from '@backprop/core';
import { CHUNK_SIZE, LEARNING_RATE, SEED, type ModelName, type OptimizerName } from '../tasks.js';
import type { Batch, Library, Trainer } from './library.js';
import { MODELS } from './models.js';

/** Options of {@link backpropLibrary}. */
export interface BackpropLibraryOptions {
  /** Forces the kernels of this thread: 'wasm' or 'js' (TypeScript) for every op (default: Backprop's own choice, wasm where available). */
  readonly kernelBackend?: KernelBackend;
  /** 1: train in this thread; more: `DataParallelTrainer` with that many worker threads. */
  readonly workers: number;
}

const inputs = (model: ModelName, batch: Batch) => new Tensor(batch.images, [batch.size, ...MODELS[model].sampleShape]);
const targets = (batch: Batch) => new Tensor(batch.labels, [batch.size]);

function singleThreadTrainer(model: ModelName, optimizerName: OptimizerName): Trainer {
  const module = buildModel(MODELS[model].spec, { generator: new Generator(SEED) });
  const lr = LEARNING_RATE[optimizerName];
  const optimizer =
    optimizerName === 'adam' ? new Adam(module.parameters(), { lr }) : new SGD(module.parameters(), { lr });
  return {
    prepare: (batch) => {
      const x = inputs(model, batch);
      const y = targets(batch);
      return {
        step: async () => {
          optimizer.zeroGrad();
          const loss = crossEntropy(module.forward(x), y);
          loss.backward();
          optimizer.step();
          return loss.item();
        },
        dispose: () => undefined,
      };
    },
    close: async () => undefined,
  };
}

async function parallelTrainer(model: ModelName, optimizerName: OptimizerName, workers: number): Promise<Trainer> {
  // Imported here, so that the one-thread side does not load piscina (its memory figure stays its own).
  const { DataParallelTrainer } = await import('@backprop/parallel/node');
  const trainer = new DataParallelTrainer({
    model: MODELS[model].spec,
    loss: 'crossEntropy',
    optimizer: { type: optimizerName, lr: LEARNING_RATE[optimizerName] },
    seed: SEED,
    workers,
    chunkSize: CHUNK_SIZE,
  });
  return {
    prepare: (batch) => {
      const x = inputs(model, batch);
      const y = targets(batch);
      return { step: () => trainer.step(x, y), dispose: () => undefined };
    },
    close: () => trainer.close(),
  };
}

/**
 * Backprop set up in this process.
 *
 * @example
 * ```ts
 * const library = backpropLibrary({ workers: os.availableParallelism() }); // DataParallelTrainer
 * ```
 */
export function backpropLibrary(options: BackpropLibraryOptions): Library {
  if (options.kernelBackend !== undefined) setKernelBackend(options.kernelBackend);
  return {
    product: (a, b, { m, k, n }) => {
      const left = new Tensor(a, [m, k]);
      const right = new Tensor(b, [k, n]);
      return { run: () => matmul(left, right).data, dispose: () => undefined };
    },
    trainer: async (model, optimizer) =>
      options.workers > 1 ? parallelTrainer(model, optimizer, options.workers) : singleThreadTrainer(model, optimizer),
    details: { kernels: kernelBackend(), workers: String(options.workers) },
  };
}
