// Tests for the Node loader's errors on missing and corrupt files (the real file: test/mnist-data.test.ts).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeMnist } from './mnist-format.js';
import { loadMnist, loadMnistSync } from './node.js';

const directory = mkdtempSync(join(tmpdir(), 'backprop-datasets-'));

describe('loadMnist / loadMnistSync errors', () => {
  it('name a missing file and how to get it back', async () => {
    const path = join(directory, 'missing.bin.gz');
    await expect(loadMnist({ path })).rejects.toThrow(
      /^loadMnist: cannot read .*missing\.bin\.gz: ENOENT.*reinstall @backprop\/datasets/,
    );
    expect(() => loadMnistSync({ path })).toThrow(/^loadMnistSync: cannot read .*missing\.bin\.gz: ENOENT/);
  });

  it('name a file that is not gzip', async () => {
    const path = join(directory, 'plain.bin.gz');
    writeFileSync(path, 'hello');
    await expect(loadMnist({ path })).rejects.toThrow(/^loadMnist: .*plain\.bin\.gz is not valid gzip data: /);
    expect(() => loadMnistSync({ path })).toThrow(/^loadMnistSync: .*plain\.bin\.gz is not valid gzip data: /);
  });

  it('name a truncated gzip file', async () => {
    const path = join(directory, 'cut.bin.gz');
    const whole = gzipSync(
      encodeMnist({ images: new Uint8Array(784), labels: Uint8Array.of(3), count: 1, rows: 28, cols: 28 }),
    );
    writeFileSync(path, whole.subarray(0, whole.length - 10));
    await expect(loadMnist({ path })).rejects.toThrow(/is not valid gzip data: unexpected end of file/);
  });

  it('bound the file and what it inflates to (maxBytes), and refuse what is not a regular file', async () => {
    const path = join(directory, 'zeros.bin.gz');
    writeFileSync(path, gzipSync(new Uint8Array(1_000_000))); // about 1 KB that inflates to 1 MB
    await expect(loadMnist({ path, maxBytes: 100_000 })).rejects.toThrow(
      /^loadMnist: .*zeros\.bin\.gz inflates to more than the 100,000-byte limit \(maxBytes\); raise maxBytes if the file is trusted$/,
    );
    expect(() => loadMnistSync({ path, maxBytes: 100_000 })).toThrow(
      /^loadMnistSync: .*zeros\.bin\.gz inflates to more than the 100,000-byte limit \(maxBytes\)/,
    );
    expect(() => loadMnistSync({ path, maxBytes: 100 })).toThrow(
      /^loadMnistSync: cannot read .*zeros\.bin\.gz: [\d,]+ bytes, over the 100-byte limit for a gzip'd MNIST file \(maxBytes\); raise maxBytes if the file is trusted$/,
    );
    await expect(loadMnist({ path: '/dev/zero' })).rejects.toThrow(
      /^loadMnist: cannot read \/dev\/zero: not a regular file \(a directory, FIFO, socket or device\); give the path of a gzip'd MNIST file$/,
    );
  });

  it('load a valid file at a given path, as a string or a URL', async () => {
    const path = join(directory, 'one.bin.gz');
    const data = { images: new Uint8Array(784).fill(9), labels: Uint8Array.of(4), count: 1, rows: 28, cols: 28 };
    writeFileSync(path, gzipSync(encodeMnist(data)));
    await expect(loadMnist({ path })).resolves.toEqual(data);
    expect(loadMnistSync({ path: new URL(`file://${path}`) })).toEqual(data);
  });
});
