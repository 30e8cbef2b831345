// Benchmark: single-threaded float32 matmul — Backprop's matmulInto against a naive triple loop and
// the TensorFlow.js cpu backend, side by side in one run. Prints a markdown table of GFLOP/s.
// Run: pnpm --filter @backprop/core bench
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
// Importing the cpu backend registers it with tfjs-core.
import { version_cpu as tfBackendCpuVersion } from '@tensorflow/tfjs-backend-cpu';
import { matmulInto } from '../src/kernels/matmul.js';

interface Shape {
  m: number;
  k: number;
  n: number;
}

const SHAPES: Shape[] = [
  { m: 256, k: 256, n: 256 },
  { m: 512, k: 512, n: 512 },
  { m: 1024, k: 1024, n: 1024 },
  { m: 128, k: 784, n: 128 },
];

/** A sample repeats its call for at least MIN_SAMPLE_MS; each contender gets 3–11 samples per shape. */
const WARMUP_MS = 300;
const MIN_SAMPLE_MS = 50;
const MIN_SAMPLES = 3;
const MAX_SAMPLES = 11;
/** Per shape, past this, a contender with MIN_SAMPLES stops (one naive 1024³ call takes seconds). */
const BUDGET_MS = 5000;

interface Contender {
  run: () => void;
  callsPerSample: number;
  rates: number[];
}

/** The textbook loop: one float64 dot product per output element. */
function naiveMatmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
      out[i * n + j] = sum;
    }
  }
}

/** Runs `run` for WARMUP_MS (at least once) so the JIT has compiled it, and sizes its samples. */
function warmUp(run: () => void): Contender {
  let calls = 0;
  const start = performance.now();
  do {
    run();
    calls++;
  } while (performance.now() - start < WARMUP_MS);
  const callMs = (performance.now() - start) / calls;
  return { run, callsPerSample: Math.max(1, Math.ceil(MIN_SAMPLE_MS / callMs)), rates: [] };
}

/**
 * Median GFLOP/s of each contender. Samples are taken round-robin, so a machine that slows down
 * mid-run (shared cores) slows every contender alike instead of skewing one column.
 */
function medianRates(contenders: Contender[], flops: number): number[] {
  const start = performance.now();
  const wantsMore = (c: Contender): boolean =>
    c.rates.length < MAX_SAMPLES && (c.rates.length < MIN_SAMPLES || performance.now() - start < BUDGET_MS);
  while (contenders.some(wantsMore)) {
    for (const c of contenders) {
      if (!wantsMore(c)) continue;
      const t0 = performance.now();
      for (let call = 0; call < c.callsPerSample; call++) c.run();
      const seconds = (performance.now() - t0) / 1000;
      c.rates.push((flops * c.callsPerSample) / seconds / 1e9);
    }
  }
  return contenders.map(({ rates }) => {
    const sorted = [...rates].sort((x, y) => x - y);
    return sorted[sorted.length >> 1];
  });
}

/** Deterministic values in [-1, 1) (mulberry32), so every run multiplies the same matrices. */
function randomMatrix(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return values;
}

/** Largest |x − y| relative to the largest |y|; the bench refuses to time a wrong answer. */
function relativeError(x: Float32Array, y: Float32Array): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    worst = Math.max(worst, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return worst / (scale || 1);
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  // The first tensor prints TF.js's "install tfjs-node" notice (to stderr); get it out of the way
  // before the table.
  tf.tensor1d([0]).dispose();
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores (each run uses one)`);
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`node: ${process.version}`);
  const backend = tf.getBackend();
  console.log(`tfjs: tfjs-core ${tf.version_core}, tfjs-backend-cpu ${tfBackendCpuVersion}, backend '${backend}'`);
  const samples = `${MIN_SAMPLES}–${MAX_SAMPLES}`;
  console.log(`GFLOP/s = 2·m·k·n / time, median of ${samples} interleaved samples after warm-up; higher is better.`);
  console.log('On a shared machine the absolute numbers move with its load; the ratio between columns moves less.');
  console.log('');
  console.log('| m×k×n | Backprop matmulInto | naive triple loop | TF.js cpu | Backprop / TF.js |');
  console.log('| --- | ---: | ---: | ---: | ---: |');

  for (const [index, { m, k, n }] of SHAPES.entries()) {
    const a = randomMatrix(m * k, 2 * index + 1);
    const b = randomMatrix(k * n, 2 * index + 2);
    const ours = new Float32Array(m * n);
    const naive = new Float32Array(m * n);
    const ta = tf.tensor2d(a, [m, k]);
    const tb = tf.tensor2d(b, [k, n]);

    const contenders = [
      warmUp(() => matmulInto(a, b, ours, m, k, n)),
      warmUp(() => naiveMatmul(a, b, naive, m, k, n)),
      warmUp(() => {
        const product = tf.matMul(ta, tb);
        product.dataSync();
        product.dispose();
      }),
    ];
    const error = relativeError(ours, naive);
    if (!(error < 1e-5)) throw new Error(`matmul bench: ${m}×${k}×${n} differs from the naive loop (${error})`);

    const rates = medianRates(contenders, 2 * m * k * n);
    ta.dispose();
    tb.dispose();
    const [oursRate, , tfRate] = rates;
    const cells = rates.map((rate) => rate.toFixed(2)).join(' | ');
    console.log(`| ${m}×${k}×${n} | ${cells} | ${(oursRate / tfRate).toFixed(1)}× |`);
  }
}

await main();
