// Example 3 — an MLP on the embedded MNIST digits in one process: 784-128-10, Adam, cross-entropy.
// Target: ≥ 95% on Backprop's fixed 2,000-digit test split. Run: pnpm exec tsx examples/03-mnist-mlp.ts
import { Adam, crossEntropy, DataLoader, Flatten, Linear, manualSeed, ReLU, Sequential } from '@backprop/core';
import { isMain } from './is-main.js';
import { loadMnistDatasets, testAccuracy } from './mnist-data.js';

export function run({ epochs = 10, limit = Infinity, log = console.log } = {}) {
  manualSeed(0);
  const { train, test } = loadMnistDatasets(limit);
  const model = new Sequential(new Flatten(), new Linear(784, 128), new ReLU(), new Linear(128, 10));
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const started = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let total = 0;
    let batches = 0;
    for (const [images, labels] of new DataLoader(train, { batchSize: 64, shuffle: true, seed: 1, epoch })) {
      const loss = crossEntropy(model.forward(images), labels); // forward + loss
      optimizer.zeroGrad();
      loss.backward(); //                                         backward
      optimizer.step(); //                                        descent
      total += loss.item();
      batches++;
    }
    const seconds = (performance.now() - started) / 1000;
    log(`epoch ${epoch}  loss ${(total / batches).toFixed(4)}  test accuracy ${(100 * testAccuracy(model, test)).toFixed(2)}%  (${seconds.toFixed(1)} s)`);
  }
  return { accuracy: testAccuracy(model, test) };
}

if (isMain(import.meta.url)) run();
