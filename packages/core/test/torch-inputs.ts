// Tensors built by formula, the same as test/torch-reference/common.py builds them, so that a test
// and its PyTorch reference script see identical float32 inputs.
import { Tensor } from '../src/index.js';

/** A tensor of `shape` whose flat element i is f(i). */
export function sequence(shape: readonly number[], f: (i: number) => number, requiresGrad = false): Tensor {
  const size = shape.reduce((s, n) => s * n, 1);
  return new Tensor(
    Float32Array.from({ length: size }, (_, i) => f(i)),
    shape,
    requiresGrad,
  );
}

/** x[i] = ((i·37) mod 101)/10 − 5, requiring grad: no ties for up to 101 elements (common.py `distinct`). */
export function distinctSequence(shape: readonly number[]): Tensor {
  return sequence(shape, (i) => ((i * 37) % 101) / 10 - 5, true);
}

/** g[i] = ((i·13) mod 17)/4 − 2: what each output is backpropagated with (common.py `output_weights`). */
export function outputWeights(shape: readonly number[]): Tensor {
  return sequence(shape, (i) => ((i * 13) % 17) / 4 - 2);
}

/** w[i] = ((i·29) mod 23)/10 − 1.1, requiring grad (common.py `kernel_weights`). */
export function kernelWeights(shape: readonly number[]): Tensor {
  return sequence(shape, (i) => ((i * 29) % 23) / 10 - 1.1, true);
}
