// Adam's update behind one entry: the WebAssembly f64x2 kernel (wasm/adam.ts) where this thread
// runs the WebAssembly kernels and the update is long enough to pay for its copies, else the
// TypeScript loop below. Both give the same bits (NOTE(adam-lanes) in wasm/adam-module.ts).
// The only place that chooses between them. Imports only kernels/.
import { wasmKernels } from './backend.js';
import { adamUpdateWasm, wasmAdamPays, type AdamArrays, type AdamScalars } from './wasm/adam.js';

export type { AdamArrays, AdamScalars } from './wasm/adam.js';

/**
 * One Adam (or AdamW) update in place of `arrays.values` and the moments, with the step's scalars
 * (optim/adam.ts computes them from the hyperparameters and the step).
 *
 * @example
 * adamKernel({ values, gradient, expAvg, expAvgSq, maxExpAvgSq: null },
 *   { beta1: 0.9, beta2: 0.999, stepSize: 1e-3 / (1 - 0.9), correction2Sqrt: Math.sqrt(1 - 0.999), eps: 1e-8, decay: 1, weightDecay: 0 });
 */
export function adamKernel(arrays: AdamArrays, scalars: AdamScalars): void {
  const rt = wasmKernels();
  if (rt !== null && wasmAdamPays(arrays.values.length) && adamUpdateWasm(rt, arrays, scalars)) return;
  adamKernelJs(arrays, scalars);
}

/**
 * The TypeScript twin: the Adam update of one parameter (or of a range of one), in place, and the
 * reference the WebAssembly kernel matches bit for bit.
 *
 * NOTE(optimizer-loop): a top-level function over typed arrays, with the AMSGrad branch outside the
 * loop: written inline in a per-parameter closure, the same loop runs about twice as slowly
 * (docs/performance.md), and the optimizer runs on the main thread of the data-parallel trainer
 * between steps, where every millisecond is serial.
 */
export function adamKernelJs(
  { values, gradient, expAvg, expAvgSq, maxExpAvgSq }: AdamArrays,
  scalars: AdamScalars,
): void {
  const { beta1, beta2, stepSize, correction2Sqrt, eps, decay, weightDecay } = scalars;
  const n = values.length;
  if (maxExpAvgSq === null) {
    for (let i = 0; i < n; i++) {
      const w = Math.fround(values[i]! * decay);
      const g = gradient[i]! + weightDecay * w;
      const m = beta1 * expAvg[i]! + (1 - beta1) * g;
      const v = beta2 * expAvgSq[i]! + (1 - beta2) * g * g;
      expAvg[i] = m;
      expAvgSq[i] = v;
      values[i] = w - (stepSize * Math.fround(m)) / (Math.sqrt(Math.fround(v)) / correction2Sqrt + eps);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const w = Math.fround(values[i]! * decay);
    const g = gradient[i]! + weightDecay * w;
    const m = beta1 * expAvg[i]! + (1 - beta1) * g;
    const v = beta2 * expAvgSq[i]! + (1 - beta2) * g * g;
    expAvg[i] = m;
    expAvgSq[i] = v;
    const maximum = Math.max(maxExpAvgSq[i]!, Math.fround(v));
    maxExpAvgSq[i] = maximum;
    values[i] = w - (stepSize * Math.fround(m)) / (Math.sqrt(maximum) / correction2Sqrt + eps);
  }
}
