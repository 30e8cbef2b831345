// Initialisers: PyTorch's bounds and standard deviations, seeded.
import { describe, expect, it } from 'vitest';
import { Generator, tensor, zeros } from '../index.js';
import { calculateFans, calculateGain, kaimingNormal, kaimingUniform, xavierNormal, xavierUniform } from './init.js';

describe('init', () => {
  it('computes fans and gains like torch.nn.init', () => {
    expect(calculateFans(zeros([16, 6, 5, 5]))).toEqual({ fanIn: 150, fanOut: 400 });
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2);
    expect(calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3));
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(() => calculateFans(zeros([3]))).toThrow('init: fan in and fan out need at least 2 dimensions, got [3]');
  });

  it('draws within the uniform bounds and with the normal standard deviations', () => {
    const generator = new Generator(4);
    const w = kaimingUniform(zeros([200, 300]), { nonlinearity: 'relu', generator });
    const bound = Math.SQRT2 * Math.sqrt(3 / 300);
    expect(w.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(w.abs().max().item()).toBeGreaterThan(0.99 * bound);
    expect(
      kaimingNormal(zeros([200, 300]), { generator })
        .std()
        .item(),
    ).toBeCloseTo(Math.SQRT2 / Math.sqrt(300), 2);
    expect(
      xavierUniform(zeros([200, 300]), { generator })
        .abs()
        .max()
        .item(),
    ).toBeLessThanOrEqual(Math.sqrt(6 / 500));
    expect(
      xavierNormal(zeros([200, 300]), { gain: 2, generator })
        .std()
        .item(),
    ).toBeCloseTo(2 * Math.sqrt(2 / 500), 2);
  });

  it('is reproducible from the generator and works in place', () => {
    const t = zeros([3, 3]);
    expect(kaimingUniform(t, { generator: new Generator(1) })).toBe(t);
    expect(t.toArray()).toEqual(kaimingUniform(zeros([3, 3]), { generator: new Generator(1) }).toArray());
    expect(t.toArray()).not.toEqual(
      tensor([
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]).toArray(),
    );
  });
});
