// clipGradNorm: rescales gradients in place so that their joint norm is at most maxNorm — torch.nn.utils.clip_grad_norm_.
// Imports the Tensor class only; plain loops over the gradients, no graph.
import { Tensor } from '../tensor/tensor.js';

/**
 * Computes the norm of all gradients together, as if concatenated into one vector, and, when it
 * exceeds `maxNorm`, scales every gradient in place by maxNorm / (norm + 1e-6) (PyTorch's rule,
 * ε included). Parameters whose `grad` is `null` are skipped. Returns the norm before clipping
 * (0 when no parameter has a gradient). `normType` is any p > 0, or `'inf'` / `Infinity` for the
 * largest absolute value. As in PyTorch, a NaN norm makes every gradient NaN and an infinite one
 * scales them by 0: check the returned norm with `Number.isFinite` to skip such a step.
 *
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0); // gradients now have norm ≤ 1
 * optimizer.step();
 * ```
 */
export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, normType: number | 'inf' = 2): number {
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm) || maxNorm < 0) {
    throw new Error(`clipGradNorm: maxNorm must be a number ≥ 0, got ${String(maxNorm)}`);
  }
  const p = normType === 'inf' ? Infinity : normType;
  if (typeof p !== 'number' || !(p > 0)) {
    throw new Error(`clipGradNorm: normType must be a number > 0 or 'inf', got ${String(normType)}`);
  }
  const list = params instanceof Tensor ? [params] : [...params];
  const gradients = list.flatMap((param) => (param.grad === null ? [] : [param.grad.data]));
  if (gradients.length === 0) return 0;

  let total = 0;
  for (const gradient of gradients) {
    for (let i = 0; i < gradient.length; i++) {
      const magnitude = Math.abs(gradient[i]!);
      if (p === Infinity) total = magnitude > total || Number.isNaN(magnitude) ? magnitude : total;
      else if (p === 2) total += magnitude * magnitude;
      else if (p === 1) total += magnitude;
      else total += magnitude ** p;
    }
  }
  if (p !== Infinity && p !== 1) total = total ** (1 / p);

  // NOTE(clip-nan): a NaN norm gives a NaN coefficient (≠ 1), which reaches the gradients as in
  // PyTorch rather than being silently ignored; a coefficient of exactly 1 would change nothing.
  const coefficient = Math.min(maxNorm / (total + 1e-6), 1);
  if (coefficient !== 1) {
    for (const gradient of gradients) {
      for (let i = 0; i < gradient.length; i++) gradient[i] = gradient[i]! * coefficient;
    }
  }
  return total;
}
