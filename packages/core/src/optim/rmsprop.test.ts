// RMSprop's first three steps against PyTorch's rule evaluated by hand in float64, for each variant.
import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor/tensor.js';
import { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { expectRelative } from '../../test/helpers.js';

const START = [1, -2, 0.5];
const GRADIENTS = [
  [0.5, -1, 2],
  [0.3, 0.2, -1.5],
  [-0.4, 1, 0.1],
];

/** Parameter values after each of three steps with the fixed gradients above. */
function runSteps(options: Partial<RMSpropOptions>): number[][] {
  const param = new Tensor(Float32Array.from(START), [3], true);
  const optimizer = new RMSprop([param], options);
  return GRADIENTS.map((gradient) => {
    param.grad = new Tensor(Float32Array.from(gradient), [3]);
    optimizer.step();
    return Array.from(param.data);
  });
}

/** PyTorch's RMSprop rule in float64, written out from its documentation. */
function reference(options: Partial<RMSpropOptions>): number[][] {
  const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false } = options;
  const p = [...START];
  const squareAvg = [0, 0, 0];
  const gradAvg = [0, 0, 0];
  const buffer = [0, 0, 0];
  return GRADIENTS.map((gradient) => {
    for (let i = 0; i < p.length; i++) {
      const g = gradient[i]! + weightDecay * p[i]!;
      squareAvg[i] = alpha * squareAvg[i]! + (1 - alpha) * g * g;
      gradAvg[i] = alpha * gradAvg[i]! + (1 - alpha) * g;
      const average = centered ? Math.sqrt(squareAvg[i]! - gradAvg[i]! ** 2) + eps : Math.sqrt(squareAvg[i]!) + eps;
      if (momentum > 0) {
        buffer[i] = momentum * buffer[i]! + g / average;
        p[i] = p[i]! - lr * buffer[i]!;
      } else {
        p[i] = p[i]! - (lr * g) / average;
      }
    }
    return [...p];
  });
}

describe('RMSprop update rule', () => {
  it('plain: the first step divides g by √((1 − α)·g²) = |g|·√(1 − α)', () => {
    const steps = runSteps({ lr: 0.01 });
    // element 0: 1 − 0.01 / √0.01 = 0.9
    expectRelative([[steps[0]![0]!]], [[0.9]]);
    expectRelative(steps, reference({ lr: 0.01 }));
  });

  it('centered: divides by √(v − ḡ²)', () => {
    const steps = runSteps({ lr: 0.01, centered: true });
    // element 0, step 1: v − ḡ² = 0.01·0.25 − 0.0001·0.25 → 1 − 0.01·0.5/√0.002475
    expectRelative([[steps[0]![0]!]], [[1 - (0.01 * 0.5) / Math.sqrt(0.002475)]]);
    expectRelative(steps, reference({ lr: 0.01, centered: true }));
  });

  it('momentum, weight decay, and all together', () => {
    expectRelative(runSteps({ lr: 0.01, momentum: 0.9 }), reference({ lr: 0.01, momentum: 0.9 }));
    expectRelative(runSteps({ lr: 0.01, weightDecay: 0.1 }), reference({ lr: 0.01, weightDecay: 0.1 }));
    const all = { lr: 0.005, alpha: 0.9, eps: 1e-6, weightDecay: 0.05, momentum: 0.5, centered: true };
    expectRelative(runSteps(all), reference(all));
  });

  it('uses PyTorch defaults', () => {
    const optimizer = new RMSprop([new Tensor(new Float32Array(1), [1], true)]);
    expect(optimizer.hyperparameters).toEqual({
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
    });
  });
});

describe('RMSprop options', () => {
  const params = () => [new Tensor(new Float32Array(2), [2], true)];

  it('rejects invalid values with actionable messages', () => {
    expect(() => new RMSprop(params(), { lr: -0.1 })).toThrow('RMSprop: invalid learning rate: -0.1 (expected ≥ 0)');
    expect(() => new RMSprop(params(), { alpha: 1.5 })).toThrow(
      'RMSprop: invalid alpha value: 1.5 (expected 0 ≤ alpha ≤ 1)',
    );
    expect(() => new RMSprop(params(), { eps: -1 })).toThrow('RMSprop: invalid epsilon value: -1 (expected ≥ 0)');
    expect(() => new RMSprop(params(), { momentum: -1 })).toThrow('RMSprop: invalid momentum value: -1 (expected ≥ 0)');
    expect(() => new RMSprop(params(), { weightDecay: -1 })).toThrow(
      'RMSprop: invalid weight decay: -1 (expected ≥ 0)',
    );
    expect(() => new RMSprop(params(), { centered: 1 as never })).toThrow(
      'RMSprop: centered must be true or false, got 1',
    );
  });
});
