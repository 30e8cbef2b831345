// The WebAssembly kernels beside the TypeScript ones they replace, in one process: each kernel at
// LeNet-5's shapes (batch 64), then CNN training samples/s, one thread. The two backends take turns
// in short blocks (the machine is shared), and each figure is the median of the blocks' CPU time.
// Then the serial tail of a data-parallel step: the chunk-gradient reduction and Adam's update.
// Run: pnpm exec tsx bench/kernels.bench.ts   (ROUNDS=15 for more blocks; ONLY='sumChunks|update' for
// the rows whose kernel name matches). Imports src/ only.
import os from 'node:os';
import { median } from '@backprop/bench-utils';
import {
  Adam,
  Conv2d,
  crossEntropy,
  Flatten,
  Generator,
  Linear,
  manualSeed,
  MaxPool2d,
  randint,
  randn,
  ReLU,
  Sequential,
  setKernelBackend,
  type KernelBackend,
} from '../src/index.js';
import { conv2dGeometry, type Conv2dGeometry } from '../src/kernels/conv.js';
import { maxPool2dForward } from '../src/kernels/pool.js';
import { sumChunksInto } from '../src/kernels/reduce-chunks.js';
import { reluBackward, reluForward } from '../src/kernels/relu.js';
import { conv2d } from '../src/tensor/primitives/convolution.js';

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const ONLY = new RegExp(process.env.ONLY ?? '');
const BACKENDS: KernelBackend[] = ['js', 'wasm'];

/** CPU milliseconds per call of `run`, median over ROUNDS blocks of `calls` calls, per backend (alternating). */
function measure(calls: number, run: (backend: KernelBackend) => void): Record<KernelBackend, number> {
  const samples: Record<KernelBackend, number[]> = { js: [], wasm: [] };
  for (let round = 0; round <= ROUNDS; round++) {
    for (const backend of round % 2 === 0 ? BACKENDS : [...BACKENDS].reverse()) {
      setKernelBackend(backend);
      const start = process.cpuUsage();
      for (let i = 0; i < calls; i++) run(backend);
      const { user, system } = process.cpuUsage(start);
      if (round > 0) samples[backend].push((user + system) / 1000 / calls); // round 0 warms up
    }
  }
  return { js: median(samples.js), wasm: median(samples.wasm) };
}

function values(length: number, seed: number, relu = false): Float32Array {
  const generator = new Generator(seed);
  return Float32Array.from({ length }, () => (relu ? Math.max(0, generator.normal(0, 1)) : generator.normal(0, 1)));
}

const geometry = (channels: number, side: number, kernel: number, stride: number, pad: number): Conv2dGeometry =>
  conv2dGeometry({
    batch: 64,
    channels,
    height: side,
    width: side,
    kernelHeight: kernel,
    kernelWidth: kernel,
    strideHeight: stride,
    strideWidth: stride,
    padHeight: pad,
    padWidth: pad,
  });

const rows: string[][] = [];
function row(kernel: string, shape: string, calls: number, run: () => void): void {
  if (!ONLY.test(kernel)) return;
  const { js, wasm } = measure(calls, run);
  rows.push([kernel, shape, js.toFixed(3), wasm.toFixed(3), `${(js / wasm).toFixed(2)}×`]);
}

for (const [name, channels, side, outChannels, pad] of [
  ['conv1', 1, 28, 6, 2],
  ['conv2', 6, 14, 16, 0],
] as const) {
  const g = geometry(channels, side, 5, 1, pad);
  const x = { data: values(64 * channels * side * side, 1), shape: [64, channels, side, side] };
  const weight = { data: values(outChannels * channels * 25, 2), shape: [outChannels, channels, 5, 5] };
  const bias = { data: values(outChannels, 3), shape: [outChannels] };
  const gradient = {
    data: values(64 * outChannels * g.outHeight * g.outWidth, 4),
    shape: [64, outChannels, g.outHeight, g.outWidth],
  };
  const shape = `[64, ${channels}, ${side}, ${side}] ⋆ [${outChannels}, ${channels}, 5, 5]`;
  row(`${name} forward (+ bias)`, shape, 3, () => conv2d(x, weight, g, bias));
  const { backward } = conv2d(x, weight, g, bias);
  const needs = [name === 'conv2', true, true]; // conv1's input (the images) needs no gradient
  row(`${name} backward (${name === 'conv2' ? 'dx, ' : ''}dW, db)`, shape, 3, () => backward(gradient, needs));
}
for (const [shape, length] of [
  ['[64, 6, 28, 28]', 64 * 6 * 28 * 28],
  ['[64, 16, 10, 10]', 64 * 16 * 10 * 10],
] as const) {
  const x = values(length, 5);
  const g = values(length, 6);
  row('relu forward', shape, 20, () => reluForward(x));
  row('relu backward', shape, 20, () => reluBackward(x, g));
}
for (const [channels, side] of [
  [6, 28],
  [16, 10],
] as const) {
  const g = geometry(channels, side, 2, 2, 0);
  const input = values(64 * channels * side * side, 7, true);
  const out = new Float32Array(64 * channels * g.outHeight * g.outWidth);
  const argmax = new Int32Array(out.length);
  row('maxPool2d 2×2 forward', `[64, ${channels}, ${side}, ${side}]`, 20, () =>
    maxPool2dForward(input, g, out, argmax),
  );
}

for (const size of [50_000, 100_000]) {
  // As in the data-parallel trainer: 4 chunks' gradients in a SharedArrayBuffer, a batch of 64.
  const gradients = new Float32Array(new SharedArrayBuffer(4 * 4 * size));
  gradients.set(values(4 * size, 8));
  const reduced = new Float32Array(new SharedArrayBuffer(4 * size));
  row('sumChunksInto (4 chunks)', `${size.toLocaleString('en')} values`, 20, () =>
    sumChunksInto(gradients, reduced, { chunks: 4, stride: size, divisor: 64, start: 0, end: size }),
  );
}
for (const amsgrad of [false, true]) {
  for (const size of [50_000, 100_000]) {
    // Adam.updateValues on the arrays of one parameter, at a step far from the first
    const optimizer = new Adam([randn([size])], { amsgrad });
    const [weights, gradient] = [values(size, 9), values(size, 10)];
    const buffers = [values(size, 11), values(size, 12).map(Math.abs), ...(amsgrad ? [new Float32Array(size)] : [])];
    row(`Adam.updateValues${amsgrad ? ' (amsgrad)' : ''}`, `${size.toLocaleString('en')} values`, 20, () =>
      optimizer.updateValues(weights, gradient, buffers, { step: 100, fresh: false }),
    );
  }
}

/** One training step function per backend for a LeNet-style CNN, the same weights for both. */
function trainingRow(name: string, channels: readonly [number, number], batch: number): void {
  if (!ONLY.test(name)) return;
  const steps = {} as Record<KernelBackend, () => void>;
  for (const backend of BACKENDS) {
    setKernelBackend(backend);
    manualSeed(0);
    const model = new Sequential(
      new Conv2d(1, channels[0], 5, { padding: 2 }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(channels[0], channels[1], 5),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(channels[1] * 25, 120),
      new ReLU(),
      new Linear(120, 84),
      new ReLU(),
      new Linear(84, 10),
    );
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    const generator = new Generator(1);
    const images = randn([batch, 1, 28, 28], { generator });
    const labels = randint(0, 10, [batch], { generator });
    steps[backend] = () => {
      const loss = crossEntropy(model.forward(images), labels);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    };
  }
  const { js, wasm } = measure(4, (backend) => steps[backend]());
  rows.push([
    name,
    `batch ${batch}, samples/s`,
    (batch / (js / 1000)).toFixed(0),
    (batch / (wasm / 1000)).toFixed(0),
    `${(js / wasm).toFixed(2)}×`,
  ]);
}
trainingRow('LeNet-5 training step (Adam)', [6, 16], 64);
trainingRow('CLI cnn (4, 12 channels) step (Adam)', [4, 12], 32);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `\n${new Date().toISOString()}, ${cpu}, ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}, Node ${process.version}, one thread`,
);
console.log(`medians of ${ROUNDS} alternating blocks, CPU time; ms per call (training: samples/s)\n`);
console.log('| kernel | shape | TypeScript | WebAssembly | speed-up |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
