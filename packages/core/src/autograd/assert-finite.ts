// assertFinite: an opt-in check for NaN and ±Infinity (the engine itself never rejects them).
// Imports the Tensor class only.
import { formatShape } from '../kernels/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Throws when `x` holds NaN or ±Infinity, naming `label`, the first bad value and its index;
 * returns `x` so it can wrap an expression. NaN and Infinity are valid values elsewhere.
 *
 * @example
 * ```ts
 * const loss = assertFinite(criterion(model(x), y), 'loss');
 * ```
 */
export function assertFinite(x: Tensor, label = 'tensor'): Tensor {
  for (let i = 0; i < x.size; i++) {
    const value = x.data[i]!;
    if (!Number.isFinite(value)) {
      throw new Error(`assertFinite: ${label} of shape ${formatShape(x.shape)} holds ${value} at flat index ${i}`);
    }
  }
  return x;
}
