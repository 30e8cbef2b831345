// Example 4 — a LeNet-style CNN on the embedded MNIST digits in one process.
// Target: ≥ 97.5% on Backprop's fixed 2,000-digit test split. Run: pnpm exec tsx examples/04-mnist-cnn.ts
import { Adam, Conv2d, crossEntropy, DataLoader, Flatten, Linear, manualSeed, MaxPool2d, ReLU, Sequential } from '@backprop/core';
import { isMain } from './is-main.js';
import { loadMnistDatasets, testAccuracy } from './mnist-data.js';

export function run({ epochs = 8, limit = Infinity, log = console.log } = {}) {
  manualSeed(0);
  const { train, test } = loadMnistDatasets(limit);
  const model = new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2), //  [N, 6, 14, 14]
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2), //                 [N, 16, 5, 5]
    new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10),
  );
  const optimizer = new Adam(model.parameters(), { lr: 2e-3 });
  const started = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let total = 0;
    let batches = 0;
    for (const [images, labels] of new DataLoader(train, { batchSize: 32, shuffle: true, seed: 1, epoch })) {
      const loss = crossEntropy(model.forward(images), labels);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      total += loss.item();
      batches++;
    }
    const seconds = (performance.now() - started) / 1000;
    log(`epoch ${epoch}  loss ${(total / batches).toFixed(4)}  test accuracy ${(100 * testAccuracy(model, test)).toFixed(2)}%  (${seconds.toFixed(1)} s)`);
  }
  return { accuracy: testAccuracy(model, test) };
}

if (isMain(import.meta.url)) run();
