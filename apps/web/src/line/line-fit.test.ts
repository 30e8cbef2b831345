import { describe, expect, it } from 'vitest';
import { LineFit } from './line-fit';
import { lossSurface } from './loss-surface';

describe('LineFit', () => {
  it('computes the MSE and its exact gradient at the start point', () => {
    const fit = new LineFit({ seed: 3, start: [0.5, -1] });
    const s = fit.snapshot();
    let [loss, gradA, gradB] = [0, 0, 0];
    for (let i = 0; i < fit.x.length; i++) {
      const residual = 0.5 * fit.x[i]! - 1 - fit.y[i]!;
      loss += residual ** 2 / fit.x.length;
      gradA += (2 * residual * fit.x[i]!) / fit.x.length;
      gradB += (2 * residual) / fit.x.length;
    }
    expect(s.loss).toBeCloseTo(loss, 5);
    expect(s.gradA).toBeCloseTo(gradA, 5);
    expect(s.gradB).toBeCloseTo(gradB, 5);
    expect(s.forward.prediction).toBeCloseTo(0.5 * fit.x[0]! - 1, 6);
  });

  it('steps against the gradient, the loss falls, and it converges near the true line', () => {
    const fit = new LineFit({ seed: 1, noise: 0.1 });
    const before = fit.snapshot();
    const after = fit.step(0.1);
    expect(after.a).toBeCloseTo(before.a - 0.1 * before.gradA, 6);
    expect(after.b).toBeCloseTo(before.b - 0.1 * before.gradB, 6);
    expect(after.loss).toBeLessThan(before.loss);
    let last = after;
    for (let i = 0; i < 300; i++) last = fit.step(0.5);
    expect(last.a).toBeCloseTo(2, 0);
    expect(last.b).toBeCloseTo(1, 1);
    expect(last.path).toHaveLength(302);
    expect(fit.reset()).toMatchObject({ step: 0, a: -1.5, b: -2.5, path: [[-1.5, -2.5]] });
  });

  it('diverges with too large a learning rate (the slider lets you see it) and refuses a non-positive one', () => {
    const fit = new LineFit({ seed: 1 });
    const start = fit.snapshot().loss;
    let last = fit.snapshot();
    for (let i = 0; i < 20; i++) last = fit.step(1.6);
    expect(last.loss).toBeGreaterThan(start);
    expect(() => fit.step(0)).toThrow(/learning rate must be a positive number, got 0/);
  });

  it('agrees with the loss surface at the current point', () => {
    const fit = new LineFit({ seed: 2, start: [1, 0] });
    // a 1×1 grid's only cell centre is the window's centre: (1, 0)
    const surface = lossSurface(fit.x, fit.y, { a: [0, 2], b: [-1, 1] }, 1, 1);
    expect(surface.values[0]).toBeCloseTo(fit.snapshot().loss, 4);
  });
});
