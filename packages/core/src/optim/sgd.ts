// SGD: stochastic gradient descent with optional (Nesterov) momentum and weight decay — torch.optim.SGD.
// Imports the Optimizer base, its hyperparameter checks and the Tensor type; plain loops, no graph.
import type { Tensor } from '../tensor/tensor.js';
import { type BaseHyperparameters, checkFlag, checkHyperparameter, withDefaults } from './hyperparameters.js';
import { Optimizer, type UpdateContext } from './optimizer.js';

/** Hyperparameters of `SGD` (PyTorch's, camelCased). */
export interface SGDOptions extends BaseHyperparameters {
  /** Learning rate γ. Default 1e-3 (PyTorch's). */
  lr: number;
  /** Momentum factor μ. Default 0 (plain SGD). */
  momentum: number;
  /** Dampening τ of the momentum. Default 0. */
  dampening: number;
  /** Use Nesterov momentum. Default false; needs momentum > 0 and dampening 0. */
  nesterov: boolean;
  /** L2 penalty λ, added to the gradient. Default 0. */
  weightDecay: number;
}

/**
 * Stochastic gradient descent, PyTorch's rule. For each parameter θ with gradient g, at step t:
 *
 * ```
 * g ← g + λ·θ                                   (weightDecay λ)
 * b ← g                    at the first step,    (momentum μ ≠ 0)
 * b ← μ·b + (1 − τ)·g      afterwards            (dampening τ)
 * g ← g + μ·b  if nesterov,  else  g ← b
 * θ ← θ − γ·g                                   (lr γ)
 * ```
 *
 * State per parameter: `momentumBuffer` (only with momentum).
 *
 * @example
 * ```ts
 * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * optimizer.zeroGrad();
 * mseLoss(model.forward(x), y).backward();
 * optimizer.step();
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Iterable<Tensor>, options: Partial<SGDOptions> = {}) {
    super(
      params,
      withDefaults({ lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }, options),
      'SGD',
    );
  }

  protected validate(options: SGDOptions): void {
    checkHyperparameter('SGD', 'learning rate', options.lr, (lr) => lr >= 0, '≥ 0');
    checkHyperparameter('SGD', 'momentum value', options.momentum, (momentum) => momentum >= 0, '≥ 0');
    checkHyperparameter('SGD', 'dampening', options.dampening, () => true, 'a finite number');
    checkHyperparameter('SGD', 'weight decay', options.weightDecay, (decay) => decay >= 0, '≥ 0');
    checkFlag('SGD', 'nesterov', options.nesterov);
    if (options.nesterov && (options.momentum <= 0 || options.dampening !== 0)) {
      throw new Error(
        `SGD: Nesterov momentum requires a momentum and zero dampening (got momentum ${options.momentum}, dampening ${options.dampening})`,
      );
    }
  }

  protected stateKeys(options: SGDOptions): string[] {
    return options.momentum !== 0 ? ['momentumBuffer'] : [];
  }

  updateValues(values: Float32Array, gradient: Float32Array, buffers: Float32Array[], { fresh }: UpdateContext): void {
    sgdUpdate({ values, gradient, momentumBuffer: buffers[0] ?? null, fresh }, this.hyperparameters);
  }
}

/** What one SGD update reads and writes: a range of one parameter and of its momentum buffer. */
export interface SGDRange {
  values: Float32Array;
  gradient: Float32Array;
  /** The momentum buffer's range; null without momentum (then `options.momentum` must be 0). */
  momentumBuffer: Float32Array | null;
  /** True on the buffer's first update (it was just created): the momentum starts from the gradient. */
  fresh: boolean;
}

/**
 * SGD's update of a range of one parameter, in place — the pure function behind `SGD.step()`
 * (PyTorch's functional `sgd`): any split of a parameter into ranges gives the bits of one whole
 * update. A top-level loop (NOTE(optimizer-loop) in adam.ts).
 *
 * @example
 * ```ts
 * sgdUpdate({ values: w, gradient: g, momentumBuffer: null, fresh: false }, { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
 * ```
 */
export function sgdUpdate(range: SGDRange, options: SGDOptions): void {
  const { values, gradient, fresh: first } = range;
  const { lr, momentum, dampening, nesterov, weightDecay } = options;
  const buffer = momentum !== 0 ? range.momentumBuffer : null;
  if (momentum !== 0 && buffer === null) throw new Error('sgdUpdate: momentum needs a momentumBuffer');
  for (let i = 0; i < values.length; i++) {
    let direction = gradient[i]! + weightDecay * values[i]!;
    if (buffer !== null) {
      buffer[i] = first ? direction : momentum * buffer[i]! + (1 - dampening) * direction;
      direction = nesterov ? direction + momentum * buffer[i]! : buffer[i]!;
    }
    values[i] = values[i]! - lr * direction;
  }
}
