// Datasets: the `Dataset` interface, `TensorDataset` (rows of tensors), `Subset` (an index view)
// and `defaultCollate`. Imports the Tensor class and kernels/shape only: no nn/optim, no `node:` modules (browsers).
import { formatShape, shapesEqual, sizeOf } from '../kernels/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * The batch built from samples of type `T`: tensors and numbers become one tensor with a new
 * leading batch axis; tuples, arrays and plain objects are batched field by field.
 * So samples `[Tensor [2], Tensor []]` batch to `[Tensor [B, 2], Tensor [B]]`.
 */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : never;

/**
 * Anything with a length and random access, like PyTorch's map-style `Dataset`.
 *
 * Samples of a supervised set are tuples `[input, target]` (as `TensorDataset` returns), so that
 * `for (const [x, y] of loader)` reads like PyTorch. `getBatch`, when present, is the fast path
 * the `DataLoader` uses instead of `get` + `defaultCollate`.
 *
 * @example
 * ```ts
 * const squares: Dataset<[Tensor, Tensor]> = {
 *   length: 10,
 *   get: (i) => [tensor([i]), tensor(i * i)],
 * };
 * ```
 */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
  /** Optional: the samples at `indices`, already batched (must equal collating their `get`s). */
  getBatch?(indices: ArrayLike<number>): Collated<T>;
}

/** Throws unless `index` is an integer in [0, length). */
export function checkIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(
      `${op}: index ${index} is out of range for a dataset of length ${length} (valid: 0…${length - 1})`,
    );
  }
}

/**
 * Tensors that share their first-axis length N; sample `i` is the tuple of their rows `i`
 * (copies, shape `tensor.shape.slice(1)`), like `torch.utils.data.TensorDataset`.
 *
 * @example
 * ```ts
 * const data = new TensorDataset(inputs, labels); // inputs [N, 2], labels [N]
 * const [x, y] = data.get(0);                     // x: [2], y: [] (a scalar tensor)
 * ```
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  readonly tensors: Readonly<T>;
  readonly length: number;

  constructor(...tensors: T) {
    if (tensors.length === 0)
      throw new Error('TensorDataset: needs at least one tensor, e.g. new TensorDataset(inputs, labels)');
    const scalar = tensors.find((t) => t.ndim === 0);
    if (scalar !== undefined) {
      throw new Error(
        'TensorDataset: a scalar tensor (shape []) has no first axis to index; give every tensor shape [N, ...]',
      );
    }
    const length = tensors[0]!.shape[0]!;
    if (tensors.some((t) => t.shape[0] !== length)) {
      const shapes = tensors.map((t) => formatShape(t.shape)).join(', ');
      throw new Error(
        `TensorDataset: tensors must share their first-axis length (the sample count), got shapes ${shapes}`,
      );
    }
    this.tensors = tensors;
    this.length = length;
  }

  get(index: number): T {
    checkIndex('TensorDataset.get', index, this.length);
    return this.tensors.map((t) => {
      const rowSize = sizeOf(t.shape.slice(1));
      return new Tensor(t.data.slice(index * rowSize, (index + 1) * rowSize), t.shape.slice(1));
    }) as T;
  }

  /** Rows `indices` of every tensor, stacked: shapes [B, ...]. Copies straight from the buffers. */
  getBatch(indices: ArrayLike<number>): Collated<T> {
    for (let i = 0; i < indices.length; i++) checkIndex('TensorDataset.getBatch', indices[i]!, this.length);
    return this.tensors.map((t) => gatherRows(t, indices)) as Collated<T>;
  }
}

// NOTE(gather-rows): the DataLoader hot path. A contiguous run of indices (unshuffled loaders)
// is one `slice`; otherwise each row is one `set(subarray)`, and one-value rows (labels) a plain
// assignment, which is far cheaper than a subarray per value.
function gatherRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  const rowSize = sizeOf(t.shape.slice(1));
  const count = indices.length;
  const shape = [count, ...t.shape.slice(1)];
  const first = count > 0 ? indices[0]! : 0;
  let contiguous = true;
  for (let i = 1; i < count && contiguous; i++) contiguous = indices[i] === first + i;
  if (contiguous) return new Tensor(t.data.slice(first * rowSize, (first + count) * rowSize), shape);
  const source = t.data;
  const out = new Float32Array(count * rowSize);
  if (rowSize === 1) {
    for (let i = 0; i < count; i++) out[i] = source[indices[i]!]!;
  } else {
    for (let i = 0; i < count; i++) {
      const start = indices[i]! * rowSize;
      out.set(source.subarray(start, start + rowSize), i * rowSize);
    }
  }
  return new Tensor(out, shape);
}

/**
 * The samples of `dataset` at `indices`, in that order, without copying anything (like
 * `torch.utils.data.Subset`). `randomSplit` returns these.
 *
 * @example
 * ```ts
 * const firstHundred = new Subset(mnist, Array.from({ length: 100 }, (_, i) => i));
 * ```
 */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: Int32Array;

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    for (let i = 0; i < indices.length; i++) checkIndex(`Subset: indices[${i}]`, indices[i]!, dataset.length);
    this.dataset = dataset;
    this.indices = Int32Array.from(indices);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex('Subset.get', index, this.indices.length);
    return this.dataset.get(this.indices[index]!);
  }

  /** Maps the indices to the parent's and uses its fast path when it has one. */
  getBatch(indices: ArrayLike<number>): Collated<T> {
    const mapped = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      checkIndex('Subset.getBatch', indices[i]!, this.indices.length);
      mapped[i] = this.indices[indices[i]!]!;
    }
    if (this.dataset.getBatch !== undefined) return this.dataset.getBatch(mapped);
    return defaultCollate(Array.from(mapped, (index) => this.dataset.get(index)));
  }
}

/**
 * Batches samples as {@link Collated} describes: tensors of one shape are stacked along a new
 * first axis, numbers become a 1-D tensor, tuples/arrays/objects are batched per field.
 *
 * @example
 * ```ts
 * defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]); // [Tensor [2, 2], Tensor [2]]
 * ```
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (samples.length === 0) throw new Error('defaultCollate: needs at least one sample');
  return collate(samples as readonly unknown[], 'sample') as Collated<T>;
}

function collate(samples: readonly unknown[], path: string): unknown {
  const first = samples[0];
  if (first instanceof Tensor) {
    const out = new Float32Array(samples.length * first.size);
    samples.forEach((sample, i) => {
      if (!(sample instanceof Tensor) || !shapesEqual(sample.shape, first.shape)) {
        const found = sample instanceof Tensor ? `shape ${formatShape(sample.shape)}` : typeof sample;
        throw new Error(
          `defaultCollate: ${path} ${i} has ${found}, but ${path} 0 has shape ${formatShape(first.shape)}; samples in a batch must share their shape`,
        );
      }
      out.set(sample.data, i * first.size);
    });
    return new Tensor(out, [samples.length, ...first.shape]);
  }
  if (typeof first === 'number') {
    const index = samples.findIndex((sample) => typeof sample !== 'number');
    if (index >= 0)
      throw new Error(`defaultCollate: ${path} ${index} is a ${typeof samples[index]}, but ${path} 0 is a number`);
    return new Tensor(Float32Array.from(samples as number[]), [samples.length]);
  }
  if (Array.isArray(first)) {
    const index = samples.findIndex((sample) => !Array.isArray(sample) || sample.length !== first.length);
    if (index >= 0)
      throw new Error(`defaultCollate: ${path} ${index} is not an array of length ${first.length} like ${path} 0`);
    return first.map((_, k) =>
      collate(
        samples.map((sample) => (sample as unknown[])[k]),
        `${path}[${k}] of sample`,
      ),
    );
  }
  if (typeof first === 'object' && first !== null && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collate(
        samples.map((sample) => (sample as Record<string, unknown>)[key]),
        `field "${key}" of sample`,
      );
    }
    return out;
  }
  throw new Error(
    `defaultCollate: cannot batch a ${first === null ? 'null' : typeof first} (${path} 0); samples must be tensors, numbers, arrays or plain objects of them, or pass { collate } to the DataLoader`,
  );
}
