// What a measurement needs of a library, and which implementation each side loads. The library is
// imported only in the child that measures it (dynamic import), so a TF.js process never loads
// Backprop's modules and the other way round: their memory figures stay apart.
import { availableParallelism } from 'node:os';
import type { MatmulShape, ModelName, OptimizerName, Side } from '../tasks.js';

/** Training samples: images [size, 784] (0..1, row-major, one channel) and class indices as floats. */
export interface Batch {
  readonly images: Float32Array;
  readonly labels: Float32Array;
  readonly size: number;
}

/** A batch converted into a library's tensors. */
export interface PreparedBatch {
  /** Forward, cross-entropy, backward and an optimizer step on this batch; resolves with the loss. */
  step(): Promise<number>;
  dispose(): void;
}

/** A model with its optimizer, ready to train. */
export interface Trainer {
  /** Converts a batch into the library's tensors (a step then only trains). */
  prepare(batch: Batch): PreparedBatch;
  /** Stops worker threads, if any. */
  close(): Promise<void>;
}

/** A matrix product on fixed operands; each call computes it anew and returns it as a Float32Array. */
export interface Product {
  run(): Float32Array;
  dispose(): void;
}

/**
 * Thrown by a library that cannot run a measurement at all (e.g. a kernel its backend lacks): the
 * side is reported as "not supported" with `reason` instead of failing the benchmark.
 */
export class UnsupportedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** One side of the comparison, set up in this process. */
export interface Library {
  product(a: Float32Array, b: Float32Array, shape: MatmulShape): Product;
  trainer(model: ModelName, optimizer: OptimizerName): Promise<Trainer>;
  /** Facts worth printing beside the figures (e.g. TF.js's wasm thread count). */
  readonly details: Readonly<Record<string, string>>;
}

/**
 * Imports and sets up the library behind `side`: Backprop with given kernels (wasm or TypeScript) or worker
 * count, or TensorFlow.js on its wasm (one thread) or cpu backend.
 *
 * @example
 * ```ts
 * const library = await loadLibrary('tfjs-wasm');
 * const trainer = await library.trainer('mlp', 'adam');
 * ```
 */
export async function loadLibrary(side: Side): Promise<Library> {
  switch (side) {
    case 'backprop-wasm':
    case 'backprop-js':
      return (await import('./backprop.js')).backpropLibrary({
        kernelBackend: side === 'backprop-js' ? 'js' : 'wasm',
        workers: 1,
      });
    case 'backprop':
      return (await import('./backprop.js')).backpropLibrary({ workers: 1 });
    case 'backprop-all':
      return (await import('./backprop.js')).backpropLibrary({ workers: availableParallelism() });
    case 'tfjs-wasm':
    case 'tfjs-cpu':
      return (await import('./tfjs.js')).tfjsLibrary(side === 'tfjs-wasm' ? 'wasm' : 'cpu');
    default:
      throw new Error(`loadLibrary: unknown side ${JSON.stringify(side satisfies never)}`);
  }
}
