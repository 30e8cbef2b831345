// Adam and AdamW (decoupled weight decay), with optional AMSGrad — torch.optim.Adam / AdamW.
// Imports the Optimizer base, its hyperparameter checks, the Tensor type and Adam's kernel entry
// (kernels/adam.ts); no graph.
import { adamKernel, type AdamArrays } from '../kernels/adam.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BaseHyperparameters, checkFlag, checkHyperparameter, withDefaults } from './hyperparameters.js';
import { Optimizer, type UpdateContext } from './optimizer.js';

/** Hyperparameters of `Adam` and `AdamW` (PyTorch's, camelCased). */
export interface AdamOptions extends BaseHyperparameters {
  /** Learning rate γ. Default 1e-3. */
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment estimates. Default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to the denominator. Default 1e-8. */
  eps: number;
  /** λ: an L2 penalty added to the gradient (Adam, default 0), or decoupled decay (AdamW, default 1e-2). */
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad, Reddi et al., 2018). Default false. */
  amsgrad: boolean;
}

interface Variant {
  name: string;
  decoupled: boolean;
  defaults: AdamOptions;
}

/** The update shared by Adam and AdamW; they differ only in where weight decay enters. */
abstract class AdamFamily extends Optimizer<AdamOptions> {
  readonly #decoupled: boolean;

  constructor(params: Iterable<Tensor>, options: Partial<AdamOptions>, variant: Variant) {
    super(params, withDefaults(variant.defaults, options), variant.name);
    this.#decoupled = variant.decoupled;
  }

  protected validate(options: AdamOptions): void {
    const name = this.name;
    checkHyperparameter(name, 'learning rate', options.lr, (lr) => lr >= 0, '≥ 0');
    checkHyperparameter(name, 'epsilon value', options.eps, (eps) => eps >= 0, '≥ 0');
    if (!Array.isArray(options.betas) || options.betas.length !== 2) {
      throw new Error(
        `${name}: betas must be a pair [beta1, beta2], e.g. [0.9, 0.999]; got ${JSON.stringify(options.betas)}`,
      );
    }
    options.betas.forEach((beta, index) => {
      checkHyperparameter(name, `beta parameter at index ${index}`, beta, (b) => b >= 0 && b < 1, '0 ≤ beta < 1');
    });
    checkHyperparameter(name, 'weight decay', options.weightDecay, (decay) => decay >= 0, '≥ 0');
    checkFlag(name, 'amsgrad', options.amsgrad);
  }

  protected stateKeys(options: AdamOptions): string[] {
    return options.amsgrad ? ['step', 'expAvg', 'expAvgSq', 'maxExpAvgSq'] : ['step', 'expAvg', 'expAvgSq'];
  }

  updateValues(values: Float32Array, gradient: Float32Array, buffers: Float32Array[], { step }: UpdateContext): void {
    const [expAvg, expAvgSq, maxExpAvgSq] = buffers as [Float32Array, Float32Array, Float32Array | undefined];
    const range = { values, gradient, expAvg, expAvgSq, maxExpAvgSq: maxExpAvgSq ?? null, step };
    (this.#decoupled ? adamwUpdate : adamUpdate)(range, this.hyperparameters);
  }
}

/**
 * Adam (Kingma & Ba, 2015), PyTorch's rule. For each parameter θ with gradient g, at step t:
 *
 * ```
 * g ← g + λ·θ                                   (weightDecay λ, an L2 penalty)
 * m ← β₁·m + (1 − β₁)·g                          v ← β₂·v + (1 − β₂)·g²
 * v̂ ← max(v̂, v) with amsgrad, else v̂ ← v
 * θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * ```
 *
 * State per parameter: `step`, `expAvg` (m), `expAvgSq` (v), and `maxExpAvgSq` with amsgrad.
 *
 * @example
 * ```ts
 * const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
 * optimizer.zeroGrad();
 * crossEntropy(model.forward(x), labels).backward();
 * optimizer.step();
 * ```
 */
export class Adam extends AdamFamily {
  constructor(params: Iterable<Tensor>, options: Partial<AdamOptions> = {}) {
    super(params, options, {
      name: 'Adam',
      decoupled: false,
      defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false },
    });
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with weight decay decoupled from the gradient, PyTorch's
 * rule. At step t:
 *
 * ```
 * θ ← θ·(1 − γ·λ)                                (weightDecay λ, default 1e-2)
 * m ← β₁·m + (1 − β₁)·g                          v ← β₂·v + (1 − β₂)·g²
 * v̂ ← max(v̂, v) with amsgrad, else v̂ ← v
 * θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * ```
 *
 * @example
 * ```ts
 * const optimizer = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * optimizer.zeroGrad();
 * crossEntropy(model.forward(x), labels).backward();
 * optimizer.step();
 * ```
 */
export class AdamW extends AdamFamily {
  constructor(params: Iterable<Tensor>, options: Partial<AdamOptions> = {}) {
    super(params, options, {
      name: 'AdamW',
      decoupled: true,
      defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false },
    });
  }
}

/** What one Adam or AdamW update reads and writes: a range of one parameter and of its state. */
export interface AdamRange extends AdamArrays {
  /** The parameter's update count including this one (1 on its first update): the bias corrections use it. */
  step: number;
}

/**
 * Adam's update of a range of one parameter, in place — the pure function behind `Adam.step()`
 * (PyTorch's functional `adam`): any split of a parameter into ranges gives the bits of one whole
 * update. `maxExpAvgSq` is used (and required) when `options.amsgrad` is true.
 *
 * @example
 * ```ts
 * // the first update of values [0, 100) of a parameter, state zeroed
 * adamUpdate({ values: w.subarray(0, 100), gradient: g.subarray(0, 100), expAvg, expAvgSq, maxExpAvgSq: null, step: 1 },
 *   { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
 * ```
 */
export function adamUpdate(range: AdamRange, options: AdamOptions): void {
  adamFamilyUpdate(range, options, false);
}

/**
 * AdamW's update (decoupled weight decay) of a range of one parameter, in place — the pure function
 * behind `AdamW.step()`; as `adamUpdate` otherwise.
 *
 * @example
 * ```ts
 * adamwUpdate({ values, gradient, expAvg, expAvgSq, maxExpAvgSq: null, step: 3 }, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false });
 * ```
 */
export function adamwUpdate(range: AdamRange, options: AdamOptions): void {
  adamFamilyUpdate(range, options, true);
}

function adamFamilyUpdate(range: AdamRange, options: AdamOptions, decoupled: boolean): void {
  const { lr, betas, eps, weightDecay, amsgrad } = options;
  const [beta1, beta2] = betas;
  const { values, gradient, expAvg, expAvgSq, maxExpAvgSq, step } = range;
  if (amsgrad && maxExpAvgSq === null) throw new Error('adamUpdate: amsgrad needs a maxExpAvgSq buffer');
  const arrays = { values, gradient, expAvg, expAvgSq, maxExpAvgSq: amsgrad ? maxExpAvgSq : null };
  const scalars = {
    beta1,
    beta2,
    stepSize: lr / (1 - beta1 ** step),
    correction2Sqrt: Math.sqrt(1 - beta2 ** step),
    eps,
    decay: decoupled ? 1 - lr * weightDecay : 1,
    weightDecay: decoupled ? 0 : weightDecay,
  };
  adamKernel(arrays, scalars);
}
