// softmax and logSoftmax over one axis, numerically stable, composed from primitives.
// Imports the Tensor type only (a runtime import would close a cycle with tensor.ts).
import type { Tensor } from '../tensor.js';

/** exp(x − max) / Σ exp(x − max) along `axis`: the shift changes nothing but overflow. */
export function softmax(x: Tensor, axis: number): Tensor {
  const exponentials = x.sub(x.max(axis, true).detach()).exp();
  return exponentials.div(exponentials.sum(axis, true));
}

/**
 * (x − max) − log Σ exp(x − max) along `axis`. Subtracting the maximum first (rather than
 * x − logsumexp(x)) keeps the float32 result exact for logits of ±1000.
 */
export function logSoftmax(x: Tensor, axis: number): Tensor {
  const shifted = x.sub(x.max(axis, true).detach());
  return shifted.sub(shifted.exp().sum(axis, true).log());
}
