// The seed example: y = a·x + b, loss (y − t)², gradients by hand and by autograd, then descent.
import { describe, expect, it } from 'vitest';
import { Generator, noGrad, randn, tensor, type Tensor } from '../src/index.js';

describe('the line y = a·x + b', () => {
  it("autograd's ∂loss/∂a and ∂loss/∂b equal the hand derivation", () => {
    // loss = (a·x + b − t)²  ⇒  ∂loss/∂a = 2(a·x + b − t)·x,  ∂loss/∂b = 2(a·x + b − t).
    const a = tensor(1.5, { requiresGrad: true });
    const b = tensor(-0.5, { requiresGrad: true });
    const x = 2;
    const t = 4;
    const loss = a.mul(x).add(b).sub(t).square();
    loss.backward();
    const residual = 1.5 * x - 0.5 - t; // -1.5
    expect(loss.item()).toBe(residual ** 2);
    expect(a.grad!.item()).toBe(2 * residual * x);
    expect(b.grad!.item()).toBe(2 * residual);
  });

  it('plain gradient descent on noisy points recovers a and b to 1e-2', () => {
    const generator = new Generator(2026);
    const trueA = 3;
    const trueB = -2;
    const x = randn([200], { generator });
    const noise = randn([200], { generator }).mul(0.01);
    const targets = x.mul(trueA).add(trueB).add(noise);
    const a = tensor(0, { requiresGrad: true });
    const b = tensor(0, { requiresGrad: true });
    const step = (parameter: Tensor, learningRate: number) =>
      noGrad(() => parameter.data.set(parameter.sub(parameter.grad!.mul(learningRate)).data));
    for (let epoch = 0; epoch < 300; epoch++) {
      const loss = a.mul(x).add(b).sub(targets).square().mean();
      a.grad = null;
      b.grad = null;
      loss.backward();
      step(a, 0.1);
      step(b, 0.1);
    }
    expect(Math.abs(a.item() - trueA)).toBeLessThan(1e-2);
    expect(Math.abs(b.item() - trueB)).toBeLessThan(1e-2);
  });
});
