// gradcheck: compares autograd's gradients with central finite differences.
// Sits above the Tensor class (it builds and perturbs tensors); nothing below imports it.
import { formatShape } from '../kernels/shape.js';
import { Generator } from '../random/generator.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from './graph.js';

/** Options of `gradcheck`. Defaults suit float32 functions of inputs of magnitude ~1. */
export interface GradcheckOptions {
  /** Half-width of the central difference. Default 1e-2 (float32 makes smaller steps noisy). */
  epsilon?: number;
  /** Absolute tolerance. Default 1e-3. */
  atol?: number;
  /** Relative tolerance, against the numeric gradient. Default 1e-2: a factor of 2 is far outside. */
  rtol?: number;
  /** Seed of the random output weights. Default 0. */
  seed?: number;
  /** Throw an error describing the worst mismatch (default true), or only report it. */
  raiseOnFailure?: boolean;
}

/** The worst disagreement found, when there is one. */
export interface GradcheckMismatch {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckResult {
  passed: boolean;
  /** Largest |analytic − numeric| over all checked elements. */
  maxAbsoluteError: number;
  worst: GradcheckMismatch | null;
}

/**
 * Checks the gradients of `fn` with respect to every input with `requiresGrad`: the output is
 * projected on fixed random weights r (L = Σ r·fn(inputs)), autograd's ∂L/∂x is compared with
 * (L(x + ε) − L(x − ε)) / 2ε element by element, and the check passes when every element is
 * within `atol + rtol·|numeric|`. Inputs' `.grad` are left as they were.
 *
 * @example
 * ```ts
 * const a = randn([3, 4], { requiresGrad: true });
 * const b = randn([4], { requiresGrad: true });
 * gradcheck((x, y) => x.mul(y).tanh(), [a, b]); // throws if a gradient is wrong
 * ```
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const { epsilon = 1e-2, atol = 1e-3, rtol = 1e-2, seed = 0, raiseOnFailure = true } = options;
  const savedGrads = inputs.map((input) => input.grad);
  const output = fn(...inputs);
  const generator = new Generator(seed);
  const weights = Float32Array.from(output.data, () => generator.uniform(-1, 1));
  const project = (values: Tensor): number => {
    if (values.size !== weights.length) {
      throw new Error(
        `gradcheck: fn gave shape ${formatShape(values.shape)} on a perturbed input, ${formatShape(output.shape)} before`,
      );
    }
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]! * values.data[i]!;
    return total;
  };
  inputs.forEach((input) => (input.grad = null));
  if (output.requiresGrad) output.backward(new Tensor(weights, output.shape));
  const analytic = inputs.map((input) => input.grad?.data ?? new Float32Array(input.size));
  inputs.forEach((input, i) => (input.grad = savedGrads[i]!));

  let maxAbsoluteError = 0;
  let worst: GradcheckMismatch | null = null;
  let worstExcess = 0;
  inputs.forEach((input, inputIndex) => {
    if (!input.requiresGrad) return;
    for (let index = 0; index < input.size; index++) {
      const original = input.data[index]!;
      input.data[index] = original + epsilon;
      const plus = input.data[index]!;
      const lossPlus = noGrad(() => project(fn(...inputs)));
      input.data[index] = original - epsilon;
      const minus = input.data[index]!;
      const lossMinus = noGrad(() => project(fn(...inputs)));
      input.data[index] = original;
      // Divide by the float32 step actually taken, not by 2ε.
      const numeric = (lossPlus - lossMinus) / (plus - minus);
      const value = analytic[inputIndex]![index]!;
      const error = Math.abs(value - numeric);
      maxAbsoluteError = Math.max(maxAbsoluteError, Number.isNaN(error) ? Infinity : error);
      const excess = Number.isNaN(error) ? Infinity : error - (atol + rtol * Math.abs(numeric));
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = { input: inputIndex, index, analytic: value, numeric };
      }
    }
  });
  const passed = worst === null;
  if (!passed && raiseOnFailure) {
    const { input, index, analytic: a, numeric } = worst!;
    throw new Error(
      `gradcheck: gradient of input ${input} (shape ${formatShape(inputs[input]!.shape)}) at flat index ${index} is ${a}, finite differences give ${numeric}`,
    );
  }
  return { passed, maxAbsoluteError, worst };
}
