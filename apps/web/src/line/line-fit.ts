// The line demo's model: y = a·x + b fitted by gradient descent on the mean squared error, with
// @backprop/core's autograd doing the backward pass. Runs in the line worker; no DOM.
import { mseLoss, synthetic, tensor, type Tensor } from '@backprop/core';

/** Where the fit is: parameters, the forward pass on one sample, the loss and its gradient. */
export interface LineSnapshot {
  step: number;
  a: number;
  b: number;
  loss: number;
  /** ∂loss/∂a and ∂loss/∂b at (a, b). */
  gradA: number;
  gradB: number;
  /** The forward pass on the first sample: ŷ = a·x + b against its label y. */
  forward: { x: number; prediction: number; target: number };
  /** Every (a, b) visited so far, the start first. */
  path: Array<[number, number]>;
}

/** Options of {@link LineFit}. */
export interface LineFitOptions {
  /** The true line the points scatter around (default a = 2, b = 1). */
  trueA?: number;
  trueB?: number;
  samples?: number;
  noise?: number;
  seed?: number;
  /** Where descent starts (default (−1.5, −2.5), away from the minimum). */
  start?: readonly [number, number];
}

/**
 * Gradient descent on a line, one explicit step at a time: forward (ŷ = a·x + b), loss (MSE),
 * backward (`loss.backward()` fills a.grad and b.grad), descent (θ ← θ − lr·∂loss/∂θ).
 *
 * @example
 * ```ts
 * const fit = new LineFit({ seed: 0 });
 * const after = fit.step(0.1); // after.loss < fit-before's loss for a small enough lr
 * ```
 */
export class LineFit {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly #xs: Tensor;
  readonly #ys: Tensor;
  readonly #start: readonly [number, number];
  #a: number;
  #b: number;
  #steps = 0;
  #path: Array<[number, number]>;

  constructor(options: LineFitOptions = {}) {
    const { trueA = 2, trueB = 1, samples = 40, noise = 0.4, seed = 0, start = [-1.5, -2.5] } = options;
    const { x, y } = synthetic.line({ a: trueA, b: trueB, samples, noise, seed });
    this.x = x.data.slice();
    this.y = y.data.slice();
    this.#xs = x;
    this.#ys = y;
    this.#start = start;
    [this.#a, this.#b] = start;
    this.#path = [[this.#a, this.#b]];
  }

  /** The loss and gradient at the current (a, b), without moving. */
  snapshot(): LineSnapshot {
    const a = tensor(this.#a, { requiresGrad: true });
    const b = tensor(this.#b, { requiresGrad: true });
    const predictions = this.#xs.mul(a).add(b); // forward
    const loss = mseLoss(predictions, this.#ys); // loss
    loss.backward(); // backward: a.grad, b.grad
    return {
      step: this.#steps,
      a: this.#a,
      b: this.#b,
      loss: loss.item(),
      gradA: a.grad!.item(),
      gradB: b.grad!.item(),
      forward: { x: this.x[0]!, prediction: predictions.data[0]!, target: this.y[0]! },
      path: this.#path.map(([pa, pb]) => [pa, pb]),
    };
  }

  /** One step of gradient descent with learning rate `lr`; returns the state after it. */
  step(lr: number): LineSnapshot {
    if (!(Number.isFinite(lr) && lr > 0))
      throw new Error(`LineFit.step: the learning rate must be a positive number, got ${lr}`);
    const { gradA, gradB } = this.snapshot();
    this.#a -= lr * gradA; // descent
    this.#b -= lr * gradB;
    this.#steps++;
    this.#path.push([this.#a, this.#b]);
    return this.snapshot();
  }

  /** Back to the start point, step 0. */
  reset(): LineSnapshot {
    [this.#a, this.#b] = this.#start;
    this.#steps = 0;
    this.#path = [[this.#a, this.#b]];
    return this.snapshot();
  }
}
