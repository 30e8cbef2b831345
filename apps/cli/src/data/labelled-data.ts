// The shape every data source produces: train and test TensorDatasets of [inputs, class indices].
// Helpers to cut and check them. Imports @backprop/core only.
import { Tensor, TensorDataset } from '@backprop/core';

/** A dataset of `[inputs [N, ...sample], labels [N]]` (labels: float32 class indices). */
export type LabelledSet = TensorDataset<[Tensor, Tensor]>;

/** What a data source gives the trainer. */
export interface LabelledData {
  /** Human-readable description, e.g. `MNIST (embedded, fixed split)`. */
  description: string;
  train: LabelledSet;
  test: LabelledSet;
  /** The shape of one input, e.g. [1, 28, 28] or [2]. */
  sampleShape: number[];
  /** Number of classes (labels are 0 … classes − 1). */
  classes: number;
  /** What raw pixel values were divided by to give the inputs: 255 for 8-bit images (MNIST, IDX, pictures, CSV bytes), else 1. */
  pixelScale: 1 | 255;
  /** Class names in label order, when the source has them (an image folder's subfolders). */
  classNames?: string[];
  /** Suspicious labels found while loading (one line each), for the user to see before training. */
  warnings: string[];
}

/**
 * The rows `indices` of a labelled set, as a new TensorDataset (copies).
 *
 * @example
 * ```ts
 * const firstHundred = takeRows(train, Int32Array.from({ length: 100 }, (_, i) => i));
 * ```
 */
export function takeRows(set: LabelledSet, indices: ArrayLike<number>): LabelledSet {
  const [inputs, labels] = set.getBatch(indices) as [Tensor, Tensor];
  return new TensorDataset(inputs, labels);
}

/** The first `count` rows (all when `count` is null or larger). */
export function firstRows(set: LabelledSet, count: number | null): LabelledSet {
  if (count === null || count >= set.length) return set;
  return takeRows(
    set,
    Int32Array.from({ length: count }, (_, i) => i),
  );
}

/** Pixel values as images [N, 1, side, side] when a row is a square image (e.g. 784 = 28×28), else unchanged. */
export function asImages(inputs: Tensor): Tensor {
  const features = inputs.shape[1]!;
  const side = Math.round(Math.sqrt(features));
  if (inputs.ndim !== 2 || side * side !== features || side < 8) return inputs;
  return new Tensor(inputs.data, [inputs.shape[0]!, 1, side, side]);
}
