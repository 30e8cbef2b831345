// Example 1 — the tutorial's line: fit y = a·x + b by plain gradient descent with raw tensors.
// Run: pnpm exec tsx examples/01-line.ts
import { noGrad, synthetic, tensor } from '@backprop/core';
import { isMain } from './is-main.js';

export function run({ steps = 100, log = console.log } = {}) {
  // 200 noisy points on the line y = 3x − 2 (seeded, so every run is the same).
  const { x, y } = synthetic.line({ a: 3, b: -2, samples: 200, noise: 0.1, seed: 1 });
  const a = tensor(0, { requiresGrad: true });
  const b = tensor(0, { requiresGrad: true });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const prediction = a.mul(x).add(b); //              1. forward propagation
    const loss = prediction.sub(y).square().mean(); //  2. the loss
    a.grad = b.grad = null;
    loss.backward(); //                                 3. backward propagation: ∂loss/∂a, ∂loss/∂b
    noGrad(() => {
      a.data[0]! -= 0.1 * a.grad!.item(); //            4. gradient descent
      b.data[0]! -= 0.1 * b.grad!.item();
    });
    losses.push(loss.item());
    if (step % 10 === 0)
      log(
        `step ${String(step).padStart(3)}  loss ${loss.item().toFixed(5)}  a ${a.item().toFixed(4)}  b ${b.item().toFixed(4)}`,
      );
  }
  log(`fitted y = ${a.item().toFixed(3)}·x + ${b.item().toFixed(3)} (true: 3·x − 2)`);
  return { a: a.item(), b: b.item(), losses };
}

if (isMain(import.meta.url)) run();
