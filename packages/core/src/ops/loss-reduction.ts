// The reduction shared by every loss ('mean' | 'sum' | 'none'). Imports the Tensor type only.
import type { Tensor } from '../tensor/tensor.js';

/** How the per-element losses are combined: their mean (default), their sum, or none (same shape). */
export type LossReduction = 'mean' | 'sum' | 'none';

/** Options of every loss. */
export interface LossOptions {
  /** Default `'mean'`. */
  reduction?: LossReduction;
}

/** Applies `reduction` to per-element losses; an unknown reduction is an error naming `op`. */
export function reduce(op: string, loss: Tensor, reduction: LossReduction = 'mean'): Tensor {
  switch (reduction) {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}
