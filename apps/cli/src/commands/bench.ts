// `backprop bench`: training throughput (samples/s) of the MNIST MLP and CNN and of photo-cnn on
// 32×32 RGB for 1 … N workers,
// and single-thread matmul GFLOP/s, printed as tables with the machine and versions.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { Generator, matmul, type ModelSpec, photoCnnSpec, randn, Tensor } from '@backprop/core';
import { DataParallelTrainer } from '@backprop/parallel/node';
import { MNIST_RECIPE, PICTURE_RECIPE } from '../config/recipes.js';
import { parseInteger } from '../config/values.js';
import { loadEmbeddedMnist } from '../data/mnist-source.js';
import { ExitCode, usageError } from '../errors.js';
import { cnnSpec, mlpSpec } from '../model/model-spec.js';

interface ThroughputRow {
  model: string;
  batchSize: number;
  workers: number;
  samplesPerSecond: number;
}

interface MatmulRow {
  shape: string;
  gflops: number;
}

const WARMUP_STEPS = 3;

async function throughput(
  spec: ModelSpec,
  images: Tensor,
  labels: Tensor,
  workers: number,
  batchSize: number,
  steps: number,
  chunkSize: number,
): Promise<number> {
  // maxWorkers: the bench measures the count it is asked for, beyond the cores too.
  const trainer = new DataParallelTrainer({
    model: spec,
    loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 1e-3 },
    seed: 0,
    workers,
    maxWorkers: workers,
    chunkSize,
    shareMainThread: true, // as `backprop train` runs (NOTE(cli-main-share) in train/training-session.ts)
  });
  try {
    const batches = Math.floor(images.shape[0]! / batchSize);
    const batch = (i: number) => {
      const start = (i % batches) * batchSize;
      const rows = Int32Array.from({ length: batchSize }, (_, k) => start + k);
      const take = (t: Tensor) => {
        const row = t.size / t.shape[0]!;
        const out = new Float32Array(batchSize * row);
        rows.forEach((r, k) => out.set(t.data.subarray(r * row, (r + 1) * row), k * row));
        return new Tensor(out, [batchSize, ...t.shape.slice(1)]);
      };
      return [take(images), take(labels)] as const;
    };
    for (let i = 0; i < WARMUP_STEPS; i++) await trainer.step(...batch(i));
    const started = performance.now();
    for (let i = 0; i < steps; i++) await trainer.step(...batch(WARMUP_STEPS + i));
    return (steps * batchSize) / ((performance.now() - started) / 1000);
  } finally {
    await trainer.close();
  }
}

function matmulGflops(m: number, k: number, n: number): number {
  const generator = new Generator(0);
  const a = randn([m, k], { generator });
  const b = randn([k, n], { generator });
  matmul(a, b);
  const times: number[] = [];
  for (let rep = 0; rep < 7; rep++) {
    const started = performance.now();
    matmul(a, b);
    times.push(performance.now() - started);
  }
  times.sort((x, y) => x - y);
  return (2 * m * k * n) / (times[3]! / 1000) / 1e9;
}

/**
 * Runs `backprop bench`; resolves with the exit code.
 *
 * @example
 * ```ts
 * await benchCommand({ workers: '2', steps: '10' });
 * ```
 */
export async function benchCommand(flags: Record<string, unknown>): Promise<number> {
  const maxWorkers =
    flags.workers !== undefined
      ? parseInteger(flags.workers, { flag: '--workers' }, { min: 1, example: '2' })
      : availableParallelism();
  const steps =
    flags.steps !== undefined ? parseInteger(flags.steps, { flag: '--steps' }, { min: 1, example: '20' }) : 20;
  const batchSize =
    flags.batchSize !== undefined
      ? parseInteger(flags.batchSize, { flag: '--batch-size' }, { min: 1, example: '256' })
      : 256;
  const json = flags.json === true;
  const say = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load ${loadavg()[0]!.toFixed(1)}`;
  say(`backprop bench — ${machine}`);
  const { train } = loadEmbeddedMnist();
  const [images, labels] = train.tensors;
  if (batchSize > images.shape[0]!)
    throw usageError(
      `--batch-size ${batchSize} is larger than the ${images.shape[0]} training digits; use at most ${images.shape[0]}`,
    );
  const chunks = Math.ceil(batchSize / MNIST_RECIPE.chunkSize);
  if (maxWorkers > chunks) {
    throw usageError(
      `--workers ${maxWorkers}: a step of --batch-size ${batchSize} has ${chunks} chunks of ${MNIST_RECIPE.chunkSize} samples, so workers beyond ${chunks} would idle; give at most ${chunks} or a larger --batch-size`,
    );
  }
  // photo-cnn on 32×32 RGB pictures (the picture recipe's model): seeded noise stands in for photos,
  // as the time of a step does not depend on the pixel values.
  const generator = new Generator(0);
  const photos = randn([batchSize * 4, 3, 32, 32], { generator })
    .mul(0.25)
    .add(0.5);
  const photoLabels = new Tensor(
    Float32Array.from({ length: batchSize * 4 }, (_, i) => i % 2),
    [batchSize * 4],
  );
  const models: Array<[string, ModelSpec, Tensor, Tensor]> = [
    ['MLP 784-128-10', mlpSpec([1, 28, 28], [128], 10), images, labels],
    [
      `CNN ${MNIST_RECIPE.channels.join('-')} (default model)`,
      cnnSpec([1, 28, 28], MNIST_RECIPE.channels, 10),
      images,
      labels,
    ],
    [
      `photo-cnn ${PICTURE_RECIPE.channels.join('-')}, 32×32 RGB`,
      photoCnnSpec([3, 32, 32], PICTURE_RECIPE.channels, 2),
      photos,
      photoLabels,
    ],
  ];
  const rows: ThroughputRow[] = [];
  say('');
  say(`${'model'.padEnd(30)}  batch  workers  samples/s  vs 1 worker`);
  for (const [name, spec, inputs, targets] of models) {
    let single = 0;
    for (let workers = 1; workers <= maxWorkers; workers++) {
      const samplesPerSecond = await throughput(
        spec,
        inputs,
        targets,
        workers,
        batchSize,
        steps,
        MNIST_RECIPE.chunkSize,
      );
      if (workers === 1) single = samplesPerSecond;
      rows.push({ model: name, batchSize, workers, samplesPerSecond });
      say(
        `${name.padEnd(30)}  ${String(batchSize).padStart(5)}  ${String(workers).padStart(7)}  ${Math.round(samplesPerSecond).toLocaleString('en-US').padStart(9)}  ${(samplesPerSecond / single).toFixed(2).padStart(10)}×`,
      );
    }
  }
  const shapes: Array<[number, number, number]> = [
    [256, 256, 256],
    [512, 512, 512],
    [128, 784, 128],
  ];
  const matmuls: MatmulRow[] = shapes.map(([m, k, n]) => ({ shape: `${m}×${k}×${n}`, gflops: matmulGflops(m, k, n) }));
  say('');
  say(`${'matmul (one thread)'.padEnd(20)}  GFLOP/s`);
  for (const row of matmuls) say(`${row.shape.padEnd(20)}  ${row.gflops.toFixed(2).padStart(7)}`);
  say('');
  say(
    `chunk size ${MNIST_RECIPE.chunkSize}, Adam, ${steps} timed steps after ${WARMUP_STEPS} warm-up steps; a shared machine moves these figures by ±15%.`,
  );
  if (json) process.stdout.write(`${JSON.stringify({ machine, throughput: rows, matmul: matmuls })}\n`);
  return ExitCode.ok;
}
