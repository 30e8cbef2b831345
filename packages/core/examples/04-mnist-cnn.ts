// Example 4 — a LeNet-style CNN on the embedded MNIST digits in one process, Adam with a cosine
// schedule, digits shifted by up to a pixel. Target: ≥ 97.5% on Backprop's fixed 2,000-digit
// test split. Run: pnpm exec tsx examples/04-mnist-cnn.ts
import {
  Adam,
  Conv2d,
  CosineAnnealingLR,
  crossEntropy,
  DataLoader,
  Flatten,
  Generator,
  Linear,
  manualSeed,
  MaxPool2d,
  randomShift,
  ReLU,
  Sequential,
} from '@backprop/core';
import { isMain } from './is-main.js';
import { loadMnistDatasets, testAccuracy } from './mnist-data.js';

export function run({ epochs = 10, limit = Infinity, log = console.log } = {}) {
  manualSeed(0);
  const augment = new Generator(5);
  const { train, test } = loadMnistDatasets(limit);
  const model = new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2), //  [N, 6, 14, 14]
    new Conv2d(6, 16, 5),
    new ReLU(),
    new MaxPool2d(2), //                 [N, 16, 5, 5]
    new Flatten(),
    new Linear(400, 120),
    new ReLU(),
    new Linear(120, 84),
    new ReLU(),
    new Linear(84, 10),
  );
  const optimizer = new Adam(model.parameters(), { lr: 2e-3 });
  const loader = new DataLoader(train, { batchSize: 32, shuffle: true, seed: 1 });
  const schedule = new CosineAnnealingLR(optimizer, { tMax: epochs * loader.length });
  const started = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let total = 0;
    for (const [images, labels] of loader) {
      const loss = crossEntropy(model.forward(randomShift(images, 1, augment)), labels);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      schedule.step();
      total += loss.item();
    }
    const seconds = (performance.now() - started) / 1000;
    log(
      `epoch ${epoch}  loss ${(total / loader.length).toFixed(4)}  test accuracy ${(100 * testAccuracy(model, test)).toFixed(2)}%  (${seconds.toFixed(1)} s)`,
    );
  }
  return { accuracy: testAccuracy(model, test) };
}

if (isMain(import.meta.url)) run();
