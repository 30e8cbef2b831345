// Benchmark: single-threaded float32 matmul — Backprop's WebAssembly SIMD and TypeScript kernels
// against TensorFlow.js's wasm (XNNPACK) and cpu backends, side by side in one run. Prints a markdown
// table of GFLOP/s. Run: pnpm --filter @backprop/core bench
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// Importing a backend registers it with tfjs-core.
import { version_cpu as tfBackendCpuVersion } from '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths, version_wasm as tfBackendWasmVersion } from '@tensorflow/tfjs-backend-wasm';
import { matmulInto, setMatmulBackend } from '../src/kernels/matmul-backend.js';
import { wasmSgemmMemoryIsShared } from '../src/kernels/wasm/sgemm.js';
import { seededValues } from '../test/seeded-values.js';

interface Shape {
  m: number;
  k: number;
  n: number;
}

const SHAPES: Shape[] = [
  { m: 128, k: 784, n: 128 },
  { m: 256, k: 256, n: 256 },
  { m: 512, k: 512, n: 512 },
  { m: 1024, k: 1024, n: 1024 },
];

/** A sample repeats its call for at least MIN_SAMPLE_MS; each contender gets 5–15 samples per shape. */
const WARMUP_MS = 300;
const MIN_SAMPLE_MS = 50;
const MIN_SAMPLES = 5;
const MAX_SAMPLES = 15;
/** Per shape, past this, a contender with MIN_SAMPLES stops (TF.js cpu at 1024³ takes ~2 s a call). */
const BUDGET_MS = 8000;

interface Contender {
  /** Selects the contender's backend before its samples (untimed): TF.js has one current backend. */
  select: () => Promise<void>;
  run: () => void;
  callsPerSample: number;
  /** GFLOP/s of each sample by wall-clock time and by this process's CPU time. */
  rates: number[];
  cpuRates: number[];
}

/** Runs `run` for WARMUP_MS (at least once) so the JIT has compiled it, and sizes its samples. */
async function warmUp(select: () => Promise<void>, run: () => void): Promise<Contender> {
  await select();
  let calls = 0;
  const start = performance.now();
  do {
    run();
    calls++;
  } while (performance.now() - start < WARMUP_MS);
  const callMs = (performance.now() - start) / calls;
  return { select, run, callsPerSample: Math.max(1, Math.ceil(MIN_SAMPLE_MS / callMs)), rates: [], cpuRates: [] };
}

/**
 * Median GFLOP/s of each contender, by wall clock and by CPU time. Samples are taken round-robin, so
 * a machine that slows down mid-run (shared cores) slows every contender alike instead of skewing
 * one column. Every contender runs on this one thread, so CPU time leaves out the time other
 * processes held the core (not the cache and SMT contention they cause).
 */
async function medianRates(contenders: Contender[], flops: number): Promise<{ wall: number[]; cpu: number[] }> {
  const start = performance.now();
  const wantsMore = (c: Contender): boolean =>
    c.rates.length < MAX_SAMPLES && (c.rates.length < MIN_SAMPLES || performance.now() - start < BUDGET_MS);
  while (contenders.some(wantsMore)) {
    for (const c of contenders) {
      if (!wantsMore(c)) continue;
      await c.select();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let call = 0; call < c.callsPerSample; call++) c.run();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      c.rates.push((flops * c.callsPerSample) / seconds / 1e9);
      c.cpuRates.push((flops * c.callsPerSample) / ((cpu.user + cpu.system) / 1e6) / 1e9);
    }
  }
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1]!;
  return { wall: contenders.map((c) => median(c.rates)), cpu: contenders.map((c) => median(c.cpuRates)) };
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

/** A TF.js contender: operands created on `backend`, product read back, as a user would. */
async function tfContender(backend: string, a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const select = async () => {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  };
  await select();
  const ta = tf.tensor2d(a, [m, k]);
  const tb = tf.tensor2d(b, [k, n]);
  const contender = await warmUp(select, () => {
    const product = tf.matMul(ta, tb);
    product.dataSync();
    product.dispose();
  });
  return { contender, dispose: () => tf.dispose([ta, tb]) };
}

const backpropBackend = (backend: 'wasm' | 'js') => async () => setMatmulBackend(backend);

async function main(): Promise<void> {
  // TF.js wasm loads its .wasm files from node_modules; one thread (Node gets the non-threaded build).
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
  // The first cpu tensor prints TF.js's "install tfjs-node" notice (to stderr); get it out of the
  // way before the table.
  tf.tensor1d([0]).dispose();
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores (each run uses one)`);
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`node: ${process.version}`);
  console.log(
    `tfjs: tfjs-core ${tf.version_core}, tfjs-backend-wasm ${tfBackendWasmVersion} ` +
      `(SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')}), ` +
      `tfjs-backend-cpu ${tfBackendCpuVersion}`,
  );
  setMatmulBackend('wasm');
  console.log(`Backprop wasm: 128-bit SIMD, 4×8 micro-kernel, shared memory ${wasmSgemmMemoryIsShared()}`);
  const samples = `${MIN_SAMPLES}–${MAX_SAMPLES}`;
  console.log(`GFLOP/s = 2·m·k·n / time, median of ${samples} interleaved samples after warm-up; higher is better.`);
  console.log('On a shared machine the absolute numbers move with its load; the ratio between columns moves less.');
  console.log('');
  const header = '| m×k×n | Backprop wasm | Backprop js | TF.js wasm | TF.js cpu | wasm / TF.js wasm | wasm / js | wasm / TF.js cpu |';
  const rule = '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const tables = { wall: [header, rule], cpu: [header, rule] };

  for (const [index, { m, k, n }] of SHAPES.entries()) {
    const a = seededValues(m * k, 2 * index + 1);
    const b = seededValues(k * n, 2 * index + 2);
    const wasmOut = new Float32Array(m * n);
    const jsOut = new Float32Array(m * n);
    const tfWasm = await tfContender('wasm', a, b, m, k, n);
    const tfCpu = await tfContender('cpu', a, b, m, k, n);
    const contenders = [
      await warmUp(backpropBackend('wasm'), () => matmulInto(a, b, wasmOut, m, k, n)),
      await warmUp(backpropBackend('js'), () => matmulInto(a, b, jsOut, m, k, n)),
      tfWasm.contender,
      tfCpu.contender,
    ];
    // The TypeScript kernel sums in float64: the reference the float32 sums are held to.
    const error = relativeError(wasmOut, jsOut);
    if (!(error < 1e-5)) throw new Error(`matmul bench: ${m}×${k}×${n}: wasm differs from js (${error})`);

    const rates = await medianRates(contenders, 2 * m * k * n);
    tfWasm.dispose();
    tfCpu.dispose();
    for (const clock of ['wall', 'cpu'] as const) {
      const [wasmRate, jsRate, tfWasmRate, tfCpuRate] = rates[clock] as [number, number, number, number];
      const cells = rates[clock].map((rate) => rate.toFixed(2)).join(' | ');
      const ratio = (x: number, y: number) => `${(x / y).toFixed(2)}×`;
      tables[clock].push(`| ${m}×${k}×${n} | ${cells} | ${ratio(wasmRate, tfWasmRate)} | ${ratio(wasmRate, jsRate)} | ${ratio(wasmRate, tfCpuRate)} |`);
    }
    console.error(`(${m}×${k}×${n} done)`);
  }
  console.log('By wall-clock time:\n');
  console.log(tables.wall.join('\n'));
  console.log('\nBy this process\'s CPU time (leaves out time slices other processes took):\n');
  console.log(tables.cpu.join('\n'));
  setMatmulBackend('wasm');
}

await main();
