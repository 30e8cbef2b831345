// Example 2 — "cat or not cat", with digits: is this MNIST digit a 3? A sigmoid output and
// binary cross-entropy. Run: pnpm exec tsx examples/02-three-or-not.ts
import {
  binaryCrossEntropy,
  DataLoader,
  Linear,
  manualSeed,
  noGrad,
  ReLU,
  Sequential,
  SGD,
  Sigmoid,
} from '@backprop/core';
import { isMain } from './is-main.js';
import { loadMnistDatasets } from './mnist-data.js';

export function run({ epochs = 3, limit = Infinity, log = console.log } = {}) {
  manualSeed(0);
  const { train, test } = loadMnistDatasets(limit);
  const model = new Sequential(new Linear(784, 32), new ReLU(), new Linear(32, 1), new Sigmoid());
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const isThree = (labels: import('@backprop/core').Tensor) => labels.eq(3).reshape([-1, 1]);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let total = 0;
    let batches = 0;
    for (const [images, labels] of new DataLoader(train, { batchSize: 64, shuffle: true, seed: 1, epoch })) {
      const probability = model.forward(images.flatten(1)); // P(digit is a 3)
      const loss = binaryCrossEntropy(probability, isThree(labels));
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      total += loss.item();
      batches++;
    }
    log(`epoch ${epoch}  mean loss ${(total / batches).toFixed(4)}`);
  }
  model.eval();
  const [images, labels] = test.getBatch(Array.from({ length: test.length }, (_, i) => i));
  const predicted = noGrad(() => model.forward(images.flatten(1))).gt(0.5);
  const accuracy = predicted.eq(isThree(labels)).mean().item();
  log(`test accuracy on "is it a 3?": ${(100 * accuracy).toFixed(2)}% (always answering "no" scores ~90%)`);
  return { accuracy };
}

if (isMain(import.meta.url)) run();
