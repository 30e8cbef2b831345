// RMSprop (Hinton's lecture 6e), optionally centered and with momentum — torch.optim.RMSprop.
// Imports the Optimizer base, its hyperparameter checks and the Tensor type; plain loops, no graph.
import type { Tensor } from '../tensor/tensor.js';
import { type BaseHyperparameters, checkFlag, checkHyperparameter, withDefaults } from './hyperparameters.js';
import { Optimizer } from './optimizer.js';

/** Hyperparameters of `RMSprop` (PyTorch's, camelCased). */
export interface RMSpropOptions extends BaseHyperparameters {
  /** Learning rate γ. Default 1e-2. */
  lr: number;
  /** Smoothing constant α of the running averages. Default 0.99. */
  alpha: number;
  /** ε added to the denominator. Default 1e-8. */
  eps: number;
  /** L2 penalty λ, added to the gradient. Default 0. */
  weightDecay: number;
  /** Momentum factor μ. Default 0. */
  momentum: number;
  /** Divide by an estimate of the gradient's variance instead of its second moment. Default false. */
  centered: boolean;
}

/**
 * RMSprop, PyTorch's rule. For each parameter θ with gradient g (running averages start at 0):
 *
 * ```
 * g ← g + λ·θ                                   (weightDecay λ)
 * v ← α·v + (1 − α)·g²                           (alpha α)
 * centered:  ḡ ← α·ḡ + (1 − α)·g,   d ← √(v − ḡ²) + ε;   otherwise  d ← √v + ε
 * momentum μ > 0:  b ← μ·b + g/d,  θ ← θ − γ·b;   otherwise  θ ← θ − γ·g/d
 * ```
 *
 * State per parameter: `step`, `squareAvg` (v), `momentumBuffer` (b, with momentum) and
 * `gradAvg` (ḡ, when centered).
 *
 * @example
 * ```ts
 * const optimizer = new RMSprop(model.parameters(), { lr: 1e-2, centered: true });
 * optimizer.zeroGrad();
 * mseLoss(model.forward(x), y).backward();
 * optimizer.step();
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Iterable<Tensor>, options: Partial<RMSpropOptions> = {}) {
    super(
      params,
      withDefaults({ lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }, options),
      'RMSprop',
    );
  }

  protected validate(options: RMSpropOptions): void {
    checkHyperparameter('RMSprop', 'learning rate', options.lr, (lr) => lr >= 0, '≥ 0');
    checkHyperparameter('RMSprop', 'epsilon value', options.eps, (eps) => eps >= 0, '≥ 0');
    checkHyperparameter('RMSprop', 'alpha value', options.alpha, (alpha) => alpha >= 0 && alpha <= 1, '0 ≤ alpha ≤ 1');
    checkHyperparameter('RMSprop', 'momentum value', options.momentum, (momentum) => momentum >= 0, '≥ 0');
    checkHyperparameter('RMSprop', 'weight decay', options.weightDecay, (decay) => decay >= 0, '≥ 0');
    checkFlag('RMSprop', 'centered', options.centered);
  }

  protected stateKeys(options: RMSpropOptions): string[] {
    const keys = ['step', 'squareAvg'];
    if (options.momentum > 0) keys.push('momentumBuffer');
    if (options.centered) keys.push('gradAvg');
    return keys;
  }

  updateValues(values: Float32Array, gradient: Float32Array, buffers: Float32Array[]): void {
    const options = this.hyperparameters;
    const rest = buffers.slice(1); // after squareAvg: momentumBuffer (with momentum), then gradAvg (centered), as stateKeys lists them
    const momentumBuffer = options.momentum > 0 ? rest.shift()! : null;
    const gradAvg = options.centered ? rest.shift()! : null;
    rmspropUpdate({ values, gradient, squareAvg: buffers[0]!, momentumBuffer, gradAvg }, options);
  }
}

/** What one RMSprop update reads and writes: a range of one parameter and of its state. */
export interface RMSpropRange {
  values: Float32Array;
  gradient: Float32Array;
  squareAvg: Float32Array;
  /** With momentum > 0; else null. */
  momentumBuffer: Float32Array | null;
  /** When centered; else null. */
  gradAvg: Float32Array | null;
}

/**
 * RMSprop's update of a range of one parameter, in place — the pure function behind
 * `RMSprop.step()` (PyTorch's functional `rmsprop`): any split of a parameter into ranges gives the
 * bits of one whole update. A top-level loop (NOTE(optimizer-loop) in adam.ts).
 *
 * @example
 * ```ts
 * rmspropUpdate({ values: w, gradient: g, squareAvg, momentumBuffer: null, gradAvg: null }, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false });
 * ```
 */
export function rmspropUpdate(range: RMSpropRange, options: RMSpropOptions): void {
  const { values, gradient, squareAvg } = range;
  const { lr, alpha, eps, weightDecay, momentum, centered } = options;
  const momentumBuffer = momentum > 0 ? range.momentumBuffer : null;
  const gradAvg = centered ? range.gradAvg : null;
  if ((momentum > 0 && momentumBuffer === null) || (centered && gradAvg === null)) {
    throw new Error('rmspropUpdate: momentum needs a momentumBuffer and centered a gradAvg');
  }
  for (let i = 0; i < values.length; i++) {
    const g = gradient[i]! + weightDecay * values[i]!;
    squareAvg[i] = alpha * squareAvg[i]! + (1 - alpha) * g * g;
    let variance = squareAvg[i]!;
    if (gradAvg !== null) {
      gradAvg[i] = alpha * gradAvg[i]! + (1 - alpha) * g;
      variance -= gradAvg[i]! * gradAvg[i]!;
    }
    const denominator = Math.sqrt(variance) + eps;
    if (momentumBuffer !== null) {
      momentumBuffer[i] = momentum * momentumBuffer[i]! + g / denominator;
      values[i] = values[i]! - lr * momentumBuffer[i]!;
    } else {
      values[i] = values[i]! - (lr * g) / denominator;
    }
  }
}
