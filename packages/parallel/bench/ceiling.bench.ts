// What two cores allow on this machine before any trainer runs: the scaling.bench.ts workloads' chunks
// run by one thread, and by two threads at once that never wait for each other, and two threads in a
// bare spin barrier — the ceilings under the speed targets. Prints markdown tables.
// Run: pnpm --filter @backprop/parallel bench:ceiling   (SECONDS=3 per measurement)
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { median } from '@backprop/bench-utils';
import { Adam, buildModel, crossEntropy, Generator, randint, randn } from '@backprop/core';
// @ts-expect-error: a plain JavaScript module without types
import { arithmetic } from './ceiling-thread.mjs';
import { workloads, type Workload } from './workloads.js';

const SECONDS = Number(process.env.SECONDS ?? 3);

/** Median ms of plain core's whole step (forward, backward, Adam) on `batch`, and of its Adam step alone. */
function plainMilliseconds(workload: Workload, batch: number): { step: number; adam: number } {
  const model = buildModel(workload.spec, { generator: new Generator(0) });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const generator = new Generator(1);
  const inputs = randn([batch, ...workload.sample], { generator }).mul(0.3);
  const targets = randint(0, 10, [batch], { generator });
  const [steps, adams]: number[][] = [[], []];
  for (const end = performance.now() + SECONDS * 1000; performance.now() < end; ) {
    const started = performance.now();
    optimizer.zeroGrad();
    crossEntropy(model.forward(inputs), targets).backward();
    const updating = performance.now();
    optimizer.step();
    steps.push(performance.now() - started);
    adams.push(performance.now() - updating);
  }
  return { step: median(steps), adam: median(adams) };
}

/**
 * Step times of two threads doing the same fixed work per step and meeting at a spin barrier (no
 * allocation, no messages, no sleeping): what lockstep alone costs here, at p50 / p90 / p99.
 */
async function lockstep(iterations: number, steps: number): Promise<{ alone: number; quantiles: number[] }> {
  const control = new SharedArrayBuffer(8);
  const words = new Int32Array(control);
  const peer = thread({ kind: 'lockstep', control, iterations });
  const alone: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    arithmetic(iterations);
    alone.push(performance.now() - started);
  }
  const times: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const started = performance.now();
    Atomics.store(words, 0, step);
    arithmetic(iterations);
    while (Atomics.load(words, 1) !== step);
    times.push(performance.now() - started);
  }
  Atomics.store(words, 0, -1);
  await peer;
  times.sort((a, b) => a - b);
  return { alone: median(alone), quantiles: [0.5, 0.9, 0.99].map((q) => times[Math.floor(q * (times.length - 1))]!) };
}

/** Runs `job` in a new thread (ceiling-thread.mjs) and resolves with the number it posts. */
function thread(job: object): Promise<number> {
  const worker = new Worker(new URL('./ceiling-thread.mjs', import.meta.url), { workerData: job });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const stolen = () => Number(readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/)[8]);
const stealBefore = stolen();
console.log(
  `# @backprop/parallel ceilings — ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 16)} UTC\n`,
);
console.log(
  'Each chunk time is the median over SECONDS of repetitions. "two threads": both run their half at the same time, never waiting for each other. The ceilings add the Adam step (whole, or half per thread) and assume no other cost — no staging, messages, barrier or reduction.\n',
);
console.log(
  '| model | batch | chunkSize | plain step ms | Adam ms | one thread, all chunks ms | two threads, half each ms | ceiling W=2 / W=1 | ceiling W=2 / plain core |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const cases: Array<[string, number, number]> = [
  ['mlp', 256, 64],
  ['mlp', 256, 128],
  ['cnn', 256, 64],
  ['cnn', 256, 32],
  ['recipe', 32, 16],
];
for (const [name, batch, chunkSize] of cases) {
  const workload = workloads.find((w) => w.name === name)!;
  const chunks = batch / chunkSize;
  const plain = plainMilliseconds(workload, batch);
  const job = { kind: 'chunks', spec: workload.spec, sample: workload.sample, chunkSize, seconds: SECONDS };
  const one = await thread({ ...job, chunks });
  const two = Math.max(...(await Promise.all([0, 1].map(() => thread({ ...job, chunks: chunks / 2 })))));
  const w1 = one + plain.adam;
  const w2 = two + plain.adam / 2;
  console.log(
    `| ${name} | ${batch} | ${chunkSize} | ${plain.step.toFixed(2)} | ${plain.adam.toFixed(2)} | ${one.toFixed(2)} | ${two.toFixed(2)} | ${(w1 / w2).toFixed(2)}× | ${(plain.step / w2).toFixed(2)}× |`,
  );
}
const { alone, quantiles } = await lockstep(Number(process.env.LOCKSTEP_ITERATIONS ?? 500_000), 2000);
console.log('\n| two threads in a spin barrier, 2,000 steps | work alone ms | step p50 ms | p90 | p99 |');
console.log('| --- | ---: | ---: | ---: | ---: |');
console.log(
  `| fixed arithmetic, no allocation | ${alone.toFixed(2)} | ${quantiles.map((q) => q.toFixed(2)).join(' | ')} |`,
);
console.log(`\nsteal during the run: ${stolen() - stealBefore} ticks of 10 ms (/proc/stat)`);
