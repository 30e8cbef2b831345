// The user's own data through the built binary: a CSV file and a directory of IDX files (one of
// them gzip'd) — both are read, split when they have no test part, and learned from.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { synthetic } from '@backprop/core';
import { mnistSplit } from '@backprop/datasets';
import { loadMnistSync } from '@backprop/datasets/node';
import { describe, expect, it } from 'vitest';
import { events, runCli, scratchDirectory } from './run-cli.js';

const cwd = scratchDirectory();

/** An IDX file: magic (0x0000080N), big-endian dimensions, then uint8 data. */
function idx(dimensions: number[], data: Uint8Array): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dimensions.length));
  header.setUint32(0, 0x800 + dimensions.length);
  dimensions.forEach((size, i) => header.setUint32(4 + 4 * i, size));
  const bytes = new Uint8Array(header.byteLength + data.length);
  bytes.set(new Uint8Array(header.buffer), 0);
  bytes.set(data, header.byteLength);
  return bytes;
}

describe('data sources', () => {
  it('trains on a CSV file (header detected, seeded 80 / 20 split)', async () => {
    const { inputs, labels } = synthetic.circles({ samples: 600, noise: 0.05, seed: 3 });
    const rows = Array.from(
      { length: 600 },
      (_, i) => `${labels.data[i]},${inputs.data[2 * i]},${inputs.data[2 * i + 1]}`,
    );
    writeFileSync(join(cwd, 'points.csv'), `label,x,y\n${rows.join('\n')}\n`);
    const result = await runCli(
      ['train', '--data', 'points.csv', '--epochs', '15', '--workers', '1', '--out', 'csv-run', '--json'],
      { cwd },
    );
    expect(result.stderr).toBe('');
    const all = events(result.stdout);
    const start = all.find((e) => e.event === 'start')!;
    expect(start).toMatchObject({ trainSamples: 480, testSamples: 120 });
    expect(start.data).toContain('CSV points.csv');
    expect(all.find((e) => e.event === 'done')!.testAccuracy as number).toBeGreaterThanOrEqual(0.9);
  });

  it('trains on an IDX directory with train-* and t10k-* files', async () => {
    const { train, test } = mnistSplit(loadMnistSync());
    const directory = join(cwd, 'idx');
    mkdirSync(directory);
    const [trainCount, testCount] = [1500, 300];
    writeFileSync(
      join(directory, 'train-images-idx3-ubyte.gz'),
      gzipSync(idx([trainCount, 28, 28], train.images.subarray(0, trainCount * 784))),
    );
    writeFileSync(join(directory, 'train-labels-idx1-ubyte'), idx([trainCount], train.labels.subarray(0, trainCount)));
    writeFileSync(
      join(directory, 't10k-images-idx3-ubyte'),
      idx([testCount, 28, 28], test.images.subarray(0, testCount * 784)),
    );
    writeFileSync(join(directory, 't10k-labels-idx1-ubyte'), idx([testCount], test.labels.subarray(0, testCount)));
    const result = await runCli(
      [
        'train',
        '--data',
        'idx',
        '--model',
        'mlp',
        '--hidden',
        '64',
        '--epochs',
        '3',
        '--workers',
        '2',
        '--out',
        'idx-run',
        '--json',
      ],
      { cwd },
    );
    expect(result.stderr).toBe('');
    const all = events(result.stdout);
    expect(all.find((e) => e.event === 'start')).toMatchObject({
      trainSamples: trainCount,
      testSamples: testCount,
      data: 'IDX directory idx (train-* / t10k-*)',
    });
    expect((all.find((e) => e.event === 'start')!.config as { augment: string }).augment).toBe('shift');
    expect(all.find((e) => e.event === 'done')!.testAccuracy as number).toBeGreaterThanOrEqual(0.8);

    const mismatched = join(cwd, 'pair');
    mkdirSync(mismatched);
    writeFileSync(join(mismatched, 'images'), idx([10, 28, 28], train.images.subarray(0, 7840)));
    writeFileSync(join(mismatched, 'labels'), idx([9], train.labels.subarray(0, 9)));
    const bad = await runCli(['train', '--data', 'pair/images,pair/labels'], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^backprop: error: --data: cannot read IDX files: .*10 images but .*9 labels.*\n$/);
  });
});
