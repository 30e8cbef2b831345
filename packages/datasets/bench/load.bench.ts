// Load-time benchmark of the shipped MNIST file: each stage, the public loaders, and the JSON it replaces.
// Run: pnpm --filter @backprop/datasets bench. Prints a table; never part of the tests.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { median } from '@backprop/bench-utils';
import { MNIST_FILE, decodeMnist, decodeMnistGzip, mnistSplit } from '../src/index.js';
import { MNIST_DATA_PATH, loadMnist, loadMnistSync } from '../src/node.js';

interface Row {
  readonly stage: string;
  readonly first: number;
  readonly median: number;
}

async function measure(stage: string, runs: number, body: () => unknown): Promise<Row> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await body();
    times.push(performance.now() - started);
  }
  return { stage, first: times[0]!, median: median(times) };
}

// The very first loadMnist of the process, before anything is warm: what a user's script pays.
const coldStarted = performance.now();
const cold = await loadMnist();
const coldMs = performance.now() - coldStarted;

const compressed = readFileSync(MNIST_DATA_PATH);
const raw = gunzipSync(compressed);
const rows: Row[] = [
  { stage: 'loadMnist(), first call in the process', first: coldMs, median: Number.NaN },
  await measure('  read file (fs.readFile)', 10, () => readFile(MNIST_DATA_PATH)),
  await measure('  gunzip (zlib.gunzipSync)', 10, () => gunzipSync(compressed)),
  await measure('  decodeMnist (checks + CRC-32 + copy)', 10, () => decodeMnist(raw)),
  await measure('loadMnist()', 10, () => loadMnist()),
  await measure('loadMnistSync()', 10, () => loadMnistSync()),
  await measure('decodeMnistGzip (DecompressionStream)', 10, () => decodeMnistGzip(compressed)),
  await measure('mnistSplit (permutation + copies)', 10, () => mnistSplit(cold)),
];

// What the binary replaces: JSON.parse of the `mnist` package's ten per-digit files.
const require = createRequire(import.meta.url);
const jsonDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
rows.push(
  await measure('for comparison: JSON.parse of mnist/src/digits/*.json', 3, () => {
    for (let digit = 0; digit < 10; digit++) JSON.parse(readFileSync(join(jsonDir, `${digit}.json`), 'utf8'));
  }),
);

const format = (ms: number): string => (Number.isNaN(ms) ? '—' : `${ms.toFixed(1)} ms`);
console.log(
  `@backprop/datasets load benchmark — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`,
);
console.log(
  `file data/${MNIST_FILE.name}: ${(MNIST_FILE.bytes / 1e6).toFixed(2)} MB gzip'd, ${(MNIST_FILE.rawBytes / 1e6).toFixed(2)} MB raw, ${cold.count} digits`,
);
console.log('');
const width = Math.max(...rows.map((row) => row.stage.length));
console.log(`| ${'stage'.padEnd(width)} | first      | median     |`);
console.log(`| ${'-'.repeat(width)} | ---------- | ---------- |`);
for (const row of rows)
  console.log(
    `| ${row.stage.padEnd(width)} | ${format(row.first).padStart(10)} | ${format(row.median).padStart(10)} |`,
  );
