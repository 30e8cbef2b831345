// Memory benchmark: resident memory per epoch while training the MNIST MLP (784-128-10, Adam) —
// it must stay flat (epoch 10 within 10% of epoch 2). Run: node --expose-gc --import tsx bench/memory.bench.ts
import os from 'node:os';
import { Adam, crossEntropy, DataLoader, Flatten, Linear, manualSeed, ReLU, Sequential } from '../src/index.js';
import { loadMnistDatasets } from '../examples/mnist-data.js';

const EPOCHS = 10;
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined)
  throw new Error('memory.bench: run with node --expose-gc so that each reading follows a full collection');

manualSeed(0);
const { train } = loadMnistDatasets();
const model = new Sequential(new Flatten(), new Linear(784, 128), new ReLU(), new Linear(128, 10));
const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 1 });
const rows: Array<{ epoch: number; rss: number; heap: number; loss: number }> = [];
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  let total = 0;
  for (const [images, labels] of loader) {
    const loss = crossEntropy(model.forward(images), labels);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    total += loss.item();
  }
  collect();
  const usage = process.memoryUsage();
  rows.push({ epoch, rss: usage.rss / 2 ** 20, heap: usage.heapUsed / 2 ** 20, loss: total / loader.length });
}

const second = rows[1]!;
const last = rows.at(-1)!;
console.log(`# Memory while training (MNIST MLP 784-128-10, Adam, batch 64, 8,000 digits per epoch)`);
console.log(
  `- machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
);
console.log(`- date: ${new Date().toISOString()}, node ${process.version}\n`);
console.log('| epoch | mean loss | RSS (MiB) | JS heap used (MiB) |');
console.log('| ---: | ---: | ---: | ---: |');
for (const row of rows)
  console.log(`| ${row.epoch} | ${row.loss.toFixed(4)} | ${row.rss.toFixed(1)} | ${row.heap.toFixed(1)} |`);
const ratio = last.rss / second.rss;
console.log(
  `\nRSS epoch ${EPOCHS} / epoch 2 = ${ratio.toFixed(3)} (target ≤ 1.10): ${ratio <= 1.1 ? 'flat' : 'GROWING'}`,
);
if (ratio > 1.1) process.exitCode = 1;
