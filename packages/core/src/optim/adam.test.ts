// Adam's and AdamW's first three steps against PyTorch's rule evaluated by hand in float64.
import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor/tensor.js';
import { Adam, AdamW, type AdamOptions } from './adam.js';
import { expectRelative } from '../../test/helpers.js';

const START = [1, -2, 0.5];
const GRADIENTS = [
  [0.5, -1, 2],
  [0.3, 0.2, -1.5],
  [-0.4, 1, 0.1],
];

type Variant = typeof Adam | typeof AdamW;

/** Parameter values after each of three steps with the fixed gradients above. */
function runSteps(Optimizer: Variant, options: Partial<AdamOptions>): number[][] {
  const param = new Tensor(Float32Array.from(START), [3], true);
  const optimizer = new Optimizer([param], options);
  return GRADIENTS.map((gradient) => {
    param.grad = new Tensor(Float32Array.from(gradient), [3]);
    optimizer.step();
    return Array.from(param.data);
  });
}

/** PyTorch's Adam / AdamW rule in float64, written out from its documentation. */
function reference(options: Partial<AdamOptions> & { decoupled: boolean }): number[][] {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, amsgrad = false, decoupled } = options;
  const weightDecay = options.weightDecay ?? (decoupled ? 1e-2 : 0);
  const [beta1, beta2] = betas;
  const p = [...START];
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  const vMax = [0, 0, 0];
  return GRADIENTS.map((gradient, index) => {
    const t = index + 1;
    for (let i = 0; i < p.length; i++) {
      let g = gradient[i]!;
      if (decoupled) p[i] = p[i]! * (1 - lr * weightDecay);
      else g += weightDecay * p[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      vMax[i] = Math.max(vMax[i]!, v[i]!);
      const mHat = m[i]! / (1 - beta1 ** t);
      const vHat = (amsgrad ? vMax[i]! : v[i]!) / (1 - beta2 ** t);
      p[i] = p[i]! - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    return [...p];
  });
}

describe('Adam update rule', () => {
  it('the first step moves each parameter by lr against the sign of its gradient (m̂ = g, v̂ = g²)', () => {
    const steps = runSteps(Adam, { lr: 0.1 });
    expectRelative([steps[0]!], [[0.9, -1.9, 0.4]]);
  });

  it('three steps with bias correction', () => {
    expectRelative(runSteps(Adam, { lr: 0.1 }), reference({ lr: 0.1, decoupled: false }));
    expectRelative(
      runSteps(Adam, { lr: 0.01, betas: [0.8, 0.9], eps: 1e-3 }),
      reference({ lr: 0.01, betas: [0.8, 0.9], eps: 1e-3, decoupled: false }),
    );
  });

  it('weight decay is an L2 term added to the gradient', () => {
    const options = { lr: 0.1, weightDecay: 0.5 };
    const steps = runSteps(Adam, options);
    expectRelative(steps, reference({ ...options, decoupled: false }));
    // step 1, element 0: g = 0.5 + 0.5·1 = 1 > 0 → 1 − 0.1
    expectRelative([[steps[0]![0]!]], [[0.9]]);
  });

  it('amsgrad divides by the largest second moment seen so far', () => {
    // β₂ = 0.5 makes v shrink (element 1 at step 2, element 2 at step 3), where amsgrad differs.
    const options = { lr: 0.1, betas: [0.9, 0.5] as [number, number], amsgrad: true };
    const steps = runSteps(Adam, options);
    expectRelative(steps, reference({ ...options, decoupled: false }));
    const plain = runSteps(Adam, { ...options, amsgrad: false });
    expect(steps[1]![1]).not.toBeCloseTo(plain[1]![1]!, 5);
    expect(steps[2]![2]).not.toBeCloseTo(plain[2]![2]!, 5);
  });

  it('uses PyTorch defaults', () => {
    const param = new Tensor(new Float32Array(1), [1], true);
    expect(new Adam([param]).hyperparameters).toEqual({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
    });
    expect(new AdamW([param]).hyperparameters).toEqual({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
    });
    expectRelative(runSteps(Adam, {}), reference({ decoupled: false }));
  });
});

describe('AdamW update rule', () => {
  it('decays the weights directly, θ ← θ·(1 − γλ), before the Adam step', () => {
    const options = { lr: 0.1, weightDecay: 0.5 };
    const steps = runSteps(AdamW, options);
    expectRelative(steps, reference({ ...options, decoupled: true }));
    // step 1, element 0: 1·(1 − 0.05) − 0.1
    expectRelative([[steps[0]![0]!]], [[0.85]]);
    expect(steps[2]![0]).not.toBeCloseTo(runSteps(Adam, options)[2]![0]!, 4);
  });

  it('default decay 1e-2, and amsgrad', () => {
    expectRelative(runSteps(AdamW, { lr: 0.1 }), reference({ lr: 0.1, decoupled: true }));
    const options = { lr: 0.1, betas: [0.9, 0.5] as [number, number], amsgrad: true, weightDecay: 0.1 };
    expectRelative(runSteps(AdamW, options), reference({ ...options, decoupled: true }));
  });

  it('equals Adam when weight decay is 0', () => {
    expect(runSteps(AdamW, { lr: 0.1, weightDecay: 0 })).toEqual(runSteps(Adam, { lr: 0.1 }));
  });
});

describe('Adam options', () => {
  const params = () => [new Tensor(new Float32Array(2), [2], true)];

  it('rejects invalid values with actionable messages', () => {
    expect(() => new Adam(params(), { lr: -1 })).toThrow('Adam: invalid learning rate: -1 (expected ≥ 0)');
    expect(() => new Adam(params(), { eps: -1e-8 })).toThrow('Adam: invalid epsilon value: -1e-8 (expected ≥ 0)');
    expect(() => new Adam(params(), { betas: [1, 0.999] })).toThrow(
      'Adam: invalid beta parameter at index 0: 1 (expected 0 ≤ beta < 1)',
    );
    expect(() => new AdamW(params(), { betas: [0.9, -0.1] })).toThrow(
      'AdamW: invalid beta parameter at index 1: -0.1 (expected 0 ≤ beta < 1)',
    );
    expect(() => new Adam(params(), { betas: [0.9] as never })).toThrow(
      'Adam: betas must be a pair [beta1, beta2], e.g. [0.9, 0.999]; got [0.9]',
    );
    expect(() => new AdamW(params(), { weightDecay: -0.01 })).toThrow(
      'AdamW: invalid weight decay: -0.01 (expected ≥ 0)',
    );
  });

  it('the options object given is not kept (betas are copied)', () => {
    const betas: [number, number] = [0.9, 0.999];
    const optimizer = new Adam(params(), { betas });
    betas[0] = 0.5;
    expect(optimizer.hyperparameters.betas).toEqual([0.9, 0.999]);
  });
});
