// buildOptimizer: each type builds its core class with the spec's hyperparameters; mistakes are named.
import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor/tensor.js';
import { Adam, AdamW } from './adam.js';
import { buildOptimizer, OPTIMIZER_TYPES } from './optimizer-spec.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

const parameter = () => new Tensor(Float32Array.of(1, 2), [2], true);

describe('buildOptimizer', () => {
  it('builds the class each type names, with the given hyperparameters over the defaults', () => {
    const classes = { sgd: SGD, adam: Adam, adamw: AdamW, rmsprop: RMSprop };
    for (const type of OPTIMIZER_TYPES) {
      const optimizer = buildOptimizer({ type, lr: 0.25 }, [parameter()]);
      expect(optimizer.constructor).toBe(classes[type]);
      expect(optimizer.learningRate).toBe(0.25);
    }
    const sgd = buildOptimizer({ type: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 1e-4 }, [parameter()]);
    expect(sgd.hyperparameters).toMatchObject({ lr: 0.1, momentum: 0.9, weightDecay: 1e-4, nesterov: false });
  });

  it('steps exactly like the class built by hand', () => {
    const [a, b] = [parameter(), parameter()];
    const built = buildOptimizer({ type: 'adam', lr: 0.1, betas: [0.8, 0.99] }, [a]);
    const byHand = new Adam([b], { lr: 0.1, betas: [0.8, 0.99] });
    for (let i = 0; i < 3; i++) {
      a.grad = new Tensor(Float32Array.of(0.5, -1 - i), [2]);
      b.grad = new Tensor(Float32Array.of(0.5, -1 - i), [2]);
      built.step();
      byHand.step();
    }
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  it('names an unknown type, the known ones, and passes on the class messages', () => {
    expect(() => buildOptimizer({ type: 'adagrad' } as never, [parameter()])).toThrow(
      `buildOptimizer: optimizer type must be 'sgd', 'adam', 'adamw' or 'rmsprop' (SGD, Adam, AdamW, RMSprop), got "adagrad"`,
    );
    expect(() => buildOptimizer({ type: 'x'.repeat(500) } as never, [parameter()])).toThrow(/got "x{76}\.\.\.$/);
    expect(() => buildOptimizer(null as never, [parameter()])).toThrow(/expected \{ type, \.\.\.hyperparameters \}/);
    expect(() => buildOptimizer({ type: 'sgd', lr: -1 }, [parameter()])).toThrow(/SGD: .*learning rate/i);
  });
});
