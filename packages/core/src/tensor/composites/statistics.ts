// Composite reductions: mean, var, std and logsumexp, built from sum, max and elementwise ops.
// Imports the Tensor type only (a runtime import would close a cycle with tensor.ts).
import { normalizeAxes } from '../../kernels/shape.js';
import type { Axes, Tensor } from '../tensor.js';

/** Options of `var` and `std`. */
export interface VarianceOptions {
  /** Subtracted from the count in the divisor: 1 (default) for the unbiased estimate, 0 for the population. */
  correction?: number;
  keepdims?: boolean;
}

/** Elements per output of a reduction over `axes`. */
function countOver(x: Tensor, axes: Axes, op: string): number {
  return normalizeAxes(op, axes, x.ndim).reduce((count, axis) => count * x.shape[axis]!, 1);
}

export function mean(x: Tensor, axes: Axes, keepdims: boolean): Tensor {
  return x.sum(axes, keepdims).div(countOver(x, axes, 'mean'));
}

export function variance(x: Tensor, axes: Axes, options: VarianceOptions = {}): Tensor {
  const { correction = 1, keepdims = false } = options;
  const deviations = x.sub(x.mean(axes, true));
  return deviations
    .square()
    .sum(axes, keepdims)
    .div(Math.max(countOver(x, axes, 'var') - correction, 0));
}

export function std(x: Tensor, axes: Axes, options: VarianceOptions = {}): Tensor {
  return variance(x, axes, options).sqrt();
}

/**
 * log Σ exp(x), computed as m + log Σ exp(x − m) with m the (detached) maximum, so logits of
 * ±1000 stay finite; an infinite maximum is replaced by 0 so that −∞ inputs give −∞, not NaN.
 */
export function logsumexp(x: Tensor, axes: Axes, keepdims: boolean): Tensor {
  const peak = x.max(axes, true).detach();
  const shift = peak.where(peak.abs().lt(Infinity), 0);
  const result = x.sub(shift).exp().sum(axes, true).log().add(shift);
  return keepdims ? result : result.reshape(reducedShape(x, axes));
}

function reducedShape(x: Tensor, axes: Axes): number[] {
  const reduced = normalizeAxes('logsumexp', axes, x.ndim);
  return x.shape.filter((_, axis) => !reduced.includes(axis));
}
