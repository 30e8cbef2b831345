// Scaling benchmark: samples/s of one training step for the MNIST-sized MLP (784-128-10, Adam),
// plain single-process @backprop/core versus DataParallelTrainer with W = 1 … cores. Prints a table.
import { availableParallelism, cpus } from 'node:os';
import { Adam, buildModel, crossEntropy, Generator, randint, randn, type ModelSpec, type Tensor } from '@backprop/core';
import { DataParallelTrainer } from '../src/node.js';

const spec: ModelSpec = {
  type: 'sequential',
  layers: [{ type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 }],
};
const batchSizes = (process.env.BATCHES ?? '256').split(',').map(Number);
const steps = Number(process.env.STEPS ?? 20);
const cores = availableParallelism();
const chunkSize = Number(process.env.CHUNK ?? 64);

function data(batchSize: number): { inputs: Tensor; targets: Tensor } {
  const generator = new Generator(batchSize);
  return { inputs: randn([batchSize, 784], { generator }).mul(0.3), targets: randint(0, 10, [batchSize], { generator }) };
}

async function time(run: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await run(); // warm-up: JIT, replicas, buffers
  const start = performance.now();
  for (let i = 0; i < steps; i++) await run();
  return (performance.now() - start) / steps;
}

console.log(`# @backprop/parallel scaling — ${cpus()[0]?.model ?? 'cpu'}, ${cores} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(`MLP 784-128-10, Adam, chunkSize ${chunkSize}, ${steps} timed steps after 3 warm-up steps (median-free mean; noisy shared machine)\n`);
console.log('| batch | runner | ms/step | samples/s | vs plain |');
console.log('| ---: | --- | ---: | ---: | ---: |');
for (const batchSize of batchSizes) {
  const { inputs, targets } = data(batchSize);
  const model = buildModel(spec, { generator: new Generator(0) });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const plain = await time(() => {
    optimizer.zeroGrad();
    crossEntropy(model.forward(inputs), targets).backward();
    optimizer.step();
  });
  const row = (runner: string, ms: number) =>
    console.log(`| ${batchSize} | ${runner} | ${ms.toFixed(1)} | ${Math.round((batchSize * 1000) / ms).toLocaleString('en-US')} | ${(plain / ms).toFixed(2)}× |`);
  row('plain core (1 thread)', plain);
  for (let workers = 1; workers <= cores; workers++) {
    const trainer = new DataParallelTrainer({ model: spec, loss: 'crossEntropy', optimizer: { type: 'adam', lr: 1e-3 }, workers, seed: 0, chunkSize });
    try {
      row(`parallel W=${workers}`, await time(() => trainer.step(inputs, targets)));
    } finally {
      await trainer.close();
    }
  }
}
