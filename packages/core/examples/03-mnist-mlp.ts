// Example 3 — an MLP on the embedded MNIST digits in one process: 784-512-10 with dropout,
// Adam with a cosine schedule, digits shifted by up to a pixel. Target: ≥ 95% on Backprop's
// fixed 2,000-digit test split. Run: pnpm exec tsx examples/03-mnist-mlp.ts
import {
  Adam,
  CosineAnnealingLR,
  crossEntropy,
  DataLoader,
  Dropout,
  Flatten,
  Generator,
  Linear,
  manualSeed,
  randomShift,
  ReLU,
  Sequential,
} from '@backprop/core';
import { isMain } from './is-main.js';
import { loadMnistDatasets, testAccuracy } from './mnist-data.js';

export function run({ epochs = 15, limit = Infinity, log = console.log } = {}) {
  manualSeed(0);
  const augment = new Generator(5);
  const { train, test } = loadMnistDatasets(limit);
  const model = new Sequential(new Flatten(), new Linear(784, 512), new ReLU(), new Dropout(0.3), new Linear(512, 10));
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 1 });
  const schedule = new CosineAnnealingLR(optimizer, { tMax: epochs * loader.length });
  const started = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let total = 0;
    for (const [images, labels] of loader) {
      const loss = crossEntropy(model.forward(randomShift(images, 1, augment)), labels); // forward + loss
      optimizer.zeroGrad();
      loss.backward(); //                                                                    backward
      optimizer.step(); //                                                                   descent
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
