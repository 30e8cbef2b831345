// SGD's first three steps against PyTorch's rule evaluated by hand in float64, for each variant.
import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor/tensor.js';
import { SGD, type SGDOptions } from './sgd.js';
import { expectRelative } from '../../test/helpers.js';

const START = [1, -2, 0.5];
const GRADIENTS = [
  [0.5, -1, 2],
  [0.3, 0.2, -1.5],
  [-0.4, 1, 0.1],
];

/** Parameter values after each of three steps with the fixed gradients above. */
function runSteps(options: Partial<SGDOptions>): number[][] {
  const param = new Tensor(Float32Array.from(START), [3], true);
  const optimizer = new SGD([param], options);
  return GRADIENTS.map((gradient) => {
    param.grad = new Tensor(Float32Array.from(gradient), [3]);
    optimizer.step();
    return Array.from(param.data);
  });
}

/** PyTorch's SGD rule in float64, written out from its documentation. */
function reference({
  lr = 1e-3,
  momentum = 0,
  dampening = 0,
  nesterov = false,
  weightDecay = 0,
}: Partial<SGDOptions>): number[][] {
  const p = [...START];
  let buffer: number[] | null = null;
  return GRADIENTS.map((gradient) => {
    const g = gradient.map((gi, i) => gi + weightDecay * p[i]!);
    let direction = g;
    if (momentum !== 0) {
      const previous: number[] | null = buffer;
      buffer = previous === null ? [...g] : previous.map((b, i) => momentum * b + (1 - dampening) * g[i]!);
      direction = nesterov ? g.map((gi, i) => gi + momentum * buffer![i]!) : buffer;
    }
    p.forEach((_, i) => (p[i] = p[i]! - lr * direction[i]!));
    return [...p];
  });
}

describe('SGD update rule', () => {
  it('plain: θ ← θ − γ·g', () => {
    const steps = runSteps({ lr: 0.1 });
    expectRelative(steps, [
      [0.95, -1.9, 0.3],
      [0.92, -1.92, 0.45],
      [0.96, -2.02, 0.44],
    ]);
  });

  it('momentum: the first buffer is the gradient itself', () => {
    const steps = runSteps({ lr: 0.1, momentum: 0.9 });
    // element 0: b = 0.5, 0.9·0.5 + 0.3 = 0.75, 0.9·0.75 − 0.4 = 0.275
    expectRelative(
      steps.map((row) => [row[0]!]),
      [[0.95], [0.875], [0.8475]],
    );
    expectRelative(steps, reference({ lr: 0.1, momentum: 0.9 }));
  });

  it('dampening scales new gradients after the first step', () => {
    const steps = runSteps({ lr: 0.1, momentum: 0.9, dampening: 0.5 });
    // element 0: b = 0.5, 0.45 + 0.5·0.3 = 0.6, 0.54 − 0.5·0.4 = 0.34
    expectRelative(
      steps.map((row) => [row[0]!]),
      [[0.95], [0.89], [0.856]],
    );
    expectRelative(steps, reference({ lr: 0.1, momentum: 0.9, dampening: 0.5 }));
  });

  it('nesterov: steps along g + μ·b', () => {
    const steps = runSteps({ lr: 0.1, momentum: 0.9, nesterov: true });
    // element 0: directions 0.5 + 0.45, 0.3 + 0.675, −0.4 + 0.2475
    expectRelative(
      steps.map((row) => [row[0]!]),
      [[0.905], [0.8075], [0.82275]],
    );
    expectRelative(steps, reference({ lr: 0.1, momentum: 0.9, nesterov: true }));
  });

  it('weight decay adds λ·θ to the gradient, with and without momentum', () => {
    const steps = runSteps({ lr: 0.1, weightDecay: 0.1 });
    // element 0: g = 0.5 + 0.1, 0.3 + 0.094, −0.4 + 0.09006
    expectRelative(
      steps.map((row) => [row[0]!]),
      [[0.94], [0.9006], [0.931594]],
    );
    expectRelative(steps, reference({ lr: 0.1, weightDecay: 0.1 }));
    expectRelative(
      runSteps({ lr: 0.05, momentum: 0.8, weightDecay: 0.2 }),
      reference({ lr: 0.05, momentum: 0.8, weightDecay: 0.2 }),
    );
  });

  it('uses PyTorch defaults: lr 1e-3, no momentum', () => {
    const optimizer = new SGD([new Tensor(new Float32Array(1), [1], true)]);
    expect(optimizer.hyperparameters).toEqual({ lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
    expectRelative(runSteps({}), reference({}));
  });
});

describe('SGD options', () => {
  const params = () => [new Tensor(new Float32Array(2), [2], true)];

  it('rejects invalid values with actionable messages', () => {
    expect(() => new SGD(params(), { lr: -1 })).toThrow('SGD: invalid learning rate: -1 (expected ≥ 0)');
    expect(() => new SGD(params(), { lr: Number.NaN })).toThrow('SGD: invalid learning rate: NaN (expected ≥ 0)');
    expect(() => new SGD(params(), { momentum: -0.5 })).toThrow('SGD: invalid momentum value: -0.5 (expected ≥ 0)');
    expect(() => new SGD(params(), { weightDecay: -1 })).toThrow('SGD: invalid weight decay: -1 (expected ≥ 0)');
    expect(() => new SGD(params(), { nesterov: true })).toThrow(
      'SGD: Nesterov momentum requires a momentum and zero dampening (got momentum 0, dampening 0)',
    );
    expect(() => new SGD(params(), { nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(
      'Nesterov momentum requires a momentum and zero dampening',
    );
  });

  it('an explicit undefined keeps the default', () => {
    expect(new SGD(params(), { lr: undefined }).learningRate).toBe(1e-3);
  });
});
