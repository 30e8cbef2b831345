// A thread of ceiling.bench.ts (plain JavaScript: worker threads do not get tsx's hooks, NOTE(tsx-worker)
// in src/step-loop-source.mjs): times forward + backward of a workload's chunks, or serves the main
// thread's spin barrier; posts one number.
import { parentPort, workerData } from 'node:worker_threads';
import { buildModel, crossEntropy, Generator, randint, randn } from '@backprop/core';

/** Fixed arithmetic (no allocation): the barrier test's work. */
export function arithmetic(iterations) {
  let sum = 0;
  for (let i = 0; i < iterations; i++) sum += Math.sqrt(i);
  return sum;
}

/** Median ms of forward + backward (summed loss, as a trainer's chunk) of `chunks` chunks, repeated for `seconds`. */
function chunkMilliseconds({ spec, sample, chunkSize, chunks, seconds }) {
  const model = buildModel(spec, { generator: new Generator(0) });
  const generator = new Generator(1);
  const inputs = randn([chunkSize, ...sample], { generator }).mul(0.3);
  const targets = randint(0, 10, [chunkSize], { generator });
  const parameters = model.parameters();
  const times = [];
  for (const end = performance.now() + seconds * 1000; performance.now() < end; ) {
    const started = performance.now();
    for (let chunk = 0; chunk < chunks; chunk++) {
      for (const parameter of parameters) parameter.grad = null;
      crossEntropy(model.forward(inputs), targets, { reduction: 'sum' }).backward();
    }
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

if (parentPort !== null) {
  if (workerData.kind === 'chunks') parentPort.postMessage(chunkMilliseconds(workerData));
  else {
    const words = new Int32Array(workerData.control);
    for (let seen = 0; ; ) {
      while (Atomics.load(words, 0) === seen);
      seen = Atomics.load(words, 0);
      if (seen < 0) break;
      arithmetic(workerData.iterations);
      Atomics.store(words, 1, seen);
    }
    parentPort.postMessage(0);
  }
}
