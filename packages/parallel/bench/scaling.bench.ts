// Scaling benchmark: training samples/s for the MNIST MLP (784-128-10) and a LeNet-5 CNN at batch
// 64, 256 and 1024 — plain single-process @backprop/core beside DataParallelTrainer with W = 1 …
// cores — and the per-step orchestration overhead (step time minus the busiest worker's time).
// Prints a markdown table. Medians over the timed steps; the machine is shared, so rerun and compare.
// Run: pnpm --filter @backprop/parallel bench   (BATCHES=64,256 MODELS=mlp STEPS_SCALE=0.5 to shorten)
// The worker threads run the built dist/worker.js (what users run: no TypeScript loader in them);
// the bench script builds it first.
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Adam, buildModel, crossEntropy, Generator, randint, randn, type ModelSpec, type Tensor } from '@backprop/core';
import { PiscinaTransport } from '../src/node.js';
import { ParallelTrainer } from '../src/trainer.js';

const builtWorker = fileURLToPath(new URL('../dist/worker.js', import.meta.url));

interface Workload {
  name: string;
  spec: ModelSpec;
  sample: number[];
  /** Timed steps per batch size (fewer for the slow ones). */
  steps: (batch: number) => number;
}

const workloads: Workload[] = [
  {
    name: 'mlp',
    spec: { type: 'sequential', layers: [{ type: 'linear', in: 784, out: 128 }, { type: 'relu' }, { type: 'linear', in: 128, out: 10 }] },
    sample: [784],
    steps: (batch) => Math.max(8, Math.round(5120 / batch)),
  },
  {
    name: 'cnn',
    spec: {
      type: 'sequential',
      layers: [
        { type: 'conv2d', in: 1, out: 6, kernel: 5, padding: 2 }, { type: 'relu' }, { type: 'maxPool2d', kernel: 2 },
        { type: 'conv2d', in: 6, out: 16, kernel: 5 }, { type: 'relu' }, { type: 'maxPool2d', kernel: 2 },
        { type: 'flatten' }, { type: 'linear', in: 400, out: 120 }, { type: 'relu' },
        { type: 'linear', in: 120, out: 84 }, { type: 'relu' }, { type: 'linear', in: 84, out: 10 },
      ],
    },
    sample: [1, 28, 28],
    steps: (batch) => Math.max(3, Math.round(1024 / batch)),
  },
];

const cores = availableParallelism();
const batchSizes = (process.env.BATCHES ?? '64,256,1024').split(',').map(Number);
const chosen = (process.env.MODELS ?? 'mlp,cnn').split(',');
const scale = Number(process.env.STEPS_SCALE ?? 1);
const WARM_UP = 2;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function data(sample: number[], batch: number): { inputs: Tensor; targets: Tensor } {
  const generator = new Generator(batch);
  return { inputs: randn([batch, ...sample], { generator }).mul(0.3), targets: randint(0, 10, [batch], { generator }) };
}

/** Median ms per plain core step (forward, backward, Adam) on the whole batch. */
function plainStep(spec: ModelSpec, inputs: Tensor, targets: Tensor, steps: number): number {
  const model = buildModel(spec, { generator: new Generator(0) });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + steps; i++) {
    const start = performance.now();
    optimizer.zeroGrad();
    crossEntropy(model.forward(inputs), targets).backward();
    optimizer.step();
    if (i >= WARM_UP) times.push(performance.now() - start);
  }
  return median(times);
}

/** Median ms per parallel step and median orchestration overhead (ms). */
async function parallelStep(spec: ModelSpec, workers: number, inputs: Tensor, targets: Tensor, steps: number): Promise<{ ms: number; overhead: number }> {
  const transport = (threads: number) => new PiscinaTransport(threads, { filename: builtWorker });
  const trainer = new ParallelTrainer({ model: spec, loss: 'crossEntropy', optimizer: { type: 'adam', lr: 1e-3 }, workers, seed: 0, transport });
  try {
    const times: number[] = [];
    const overheads: number[] = [];
    for (let i = 0; i < WARM_UP + steps; i++) {
      await trainer.step(inputs, targets);
      if (i < WARM_UP) continue;
      times.push(trainer.lastStep!.milliseconds);
      overheads.push(trainer.lastStep!.overheadMilliseconds);
    }
    return { ms: median(times), overhead: median(overheads) };
  } finally {
    await trainer.close();
  }
}

console.log(`# @backprop/parallel scaling — ${cpus()[0]?.model ?? 'cpu'}, ${cores} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)} UTC`);
console.log(`Adam, chunkSize 64 (the default), medians over the timed steps after ${WARM_UP} warm-up steps. Overhead: step time minus the busiest worker's time`);
console.log('(staging the batch, messages, gradient reduction, optimizer step). "vs W=1": samples/s relative to the trainer with one worker.\n');
console.log('| model | batch | runner | ms/step | samples/s | vs W=1 | overhead ms | overhead share |');
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
for (const workload of workloads.filter((w) => chosen.includes(w.name))) {
  for (const batch of batchSizes) {
    const steps = Math.max(2, Math.round(workload.steps(batch) * scale));
    const { inputs, targets } = data(workload.sample, batch);
    const rate = (ms: number) => Math.round((batch * 1000) / ms).toLocaleString('en-US');
    const plain = plainStep(workload.spec, inputs, targets, steps);
    console.log(`| ${workload.name} | ${batch} | plain core, 1 thread | ${plain.toFixed(1)} | ${rate(plain)} | | | |`);
    let single = 0;
    for (let workers = 1; workers <= cores; workers++) {
      const { ms, overhead } = await parallelStep(workload.spec, workers, inputs, targets, steps);
      if (workers === 1) single = ms;
      const share = `${((100 * overhead) / ms).toFixed(1)}%`;
      console.log(`| ${workload.name} | ${batch} | parallel W=${workers} | ${ms.toFixed(1)} | ${rate(ms)} | ${(single / ms).toFixed(2)}× | ${overhead.toFixed(2)} | ${share} |`);
    }
  }
}
