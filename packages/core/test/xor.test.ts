// A two-layer network written with raw tensors learns XOR.
import { describe, expect, it } from 'vitest';
import { Generator, noGrad, randn, tensor, zeros } from '../src/index.js';

describe('XOR', () => {
  it('a 2-8-1 tanh/sigmoid network trained by gradient descent classifies all four points', () => {
    const generator = new Generator(1);
    const inputs = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const targets = tensor([[0], [1], [1], [0]]);
    const w1 = randn([2, 8], { generator }).mul(0.8).detach();
    const b1 = zeros([8]);
    const w2 = randn([8, 1], { generator }).mul(0.8).detach();
    const b2 = zeros([1]);
    const parameters = [w1, b1, w2, b2];
    parameters.forEach((p) => (p.requiresGrad = true));
    const forward = () => inputs.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sigmoid();
    const lossOf = (p: ReturnType<typeof forward>) =>
      // binary cross-entropy, written out
      targets
        .mul(p.log())
        .add(targets.neg().add(1).mul(p.neg().add(1).log()))
        .mean()
        .neg();
    const initialLoss = lossOf(forward()).item();
    for (let step = 0; step < 2000; step++) {
      const loss = lossOf(forward());
      parameters.forEach((p) => (p.grad = null));
      loss.backward();
      noGrad(() => parameters.forEach((p) => p.data.set(p.sub(p.grad!.mul(0.5)).data)));
    }
    const predictions = forward();
    expect(lossOf(predictions).item()).toBeLessThan(0.05 * initialLoss);
    expect(Array.from(predictions.gt(0.5).data)).toEqual([0, 1, 1, 0]);
  });
});
