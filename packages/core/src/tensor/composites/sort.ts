// topk over Tensor.sort: the k first of the sorted values and indices along the axis. The values
// are a gather (the gradient scatters back to the chosen elements): a composite, no gradient code.
// Imports the Tensor type only (a runtime import would close a cycle with tensor.ts).
import { formatShape, normalizeAxis } from '../../kernels/shape.js';
import type { Tensor } from '../tensor.js';

/** Values and their indices along the axis (indices as an integer-valued float32 tensor, no gradient). */
export interface SortResult {
  values: Tensor;
  indices: Tensor;
}

/** Options of `topk`. */
export interface TopkOptions {
  /** Default −1 (the last axis). */
  axis?: number;
  /** The k largest (default) or the k smallest. */
  largest?: boolean;
}

/** torch.topk: the k largest (or smallest) along `axis`, in sorted order; ties keep the first index first. */
export function topk(x: Tensor, k: number, options: TopkOptions): SortResult {
  const { axis = -1, largest = true } = options;
  if (x.ndim === 0) {
    const one = topk(x.reshape([1]), k, { largest });
    return { values: one.values.reshape(k === 0 ? [0] : []), indices: one.indices.reshape(k === 0 ? [0] : []) };
  }
  const resolved = normalizeAxis('topk', axis, x.ndim);
  const length = x.shape[resolved]!;
  if (!Number.isInteger(k) || k < 0 || k > length) {
    throw new Error(
      `topk: k must be an integer in [0, ${length}] (the length of axis ${resolved} of ${formatShape(x.shape)}), got ${String(k).slice(0, 80)}`,
    );
  }
  const sorted = x.sort(resolved, largest);
  return { values: sorted.values.slice(resolved, 0, k), indices: sorted.indices.slice(resolved, 0, k) };
}
