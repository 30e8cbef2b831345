// Readers open regular files only and read with a bound (issue 19: 12): FIFOs, devices and
// directories refused without blocking, files over maxBytes refused before they are read.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readIdxFile } from '../data/idx-node.js';
import { Tensor } from '../tensor/tensor.js';
import { DEFAULT_MAX_FILE_BYTES, loadCheckpointFile, loadSafetensorsFile } from './file-node.js';
import { readRegularFile, readRegularFileSync } from './read-file-node.js';
import { saveSafetensors } from './safetensors-write.js';

const folder = mkdtempSync(join(tmpdir(), 'backprop-read-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('regular files only (12)', () => {
  it('refuses a FIFO named model.safetensors at once instead of hanging', async () => {
    const fifo = join(folder, 'model.safetensors');
    execFileSync('mkfifo', [fifo]);
    await expect(loadSafetensorsFile(fifo)).rejects.toThrow(
      `loadSafetensorsFile: ${fifo} is a FIFO (named pipe); only regular files are read`,
    );
    await expect(loadCheckpointFile(fifo)).rejects.toThrow('is a FIFO (named pipe)');
    expect(() => readIdxFile(fifo)).toThrow(
      `readIdxBytes: ${fifo} is a FIFO (named pipe); only regular files are read`,
    );
  });

  it('refuses /dev/zero and directories instead of reading without end', async () => {
    await expect(loadSafetensorsFile('/dev/zero')).rejects.toThrow(
      'loadSafetensorsFile: /dev/zero is a character device; only regular files are read',
    );
    expect(() => readIdxFile('/dev/zero')).toThrow('readIdxBytes: /dev/zero is a character device');
    await expect(loadSafetensorsFile(folder)).rejects.toThrow(
      `loadSafetensorsFile: ${folder} is a directory; only regular files are read`,
    );
  });

  it('refuses a file over maxBytes before reading it, naming the size, the limit and the option', async () => {
    expect(DEFAULT_MAX_FILE_BYTES).toBe(2 ** 31);
    const path = join(folder, 'small.safetensors');
    const bytes = saveSafetensors({ w: new Tensor(Float32Array.of(1, 2, 3), [3]) });
    writeFileSync(path, bytes);
    await expect(loadSafetensorsFile(path, { maxBytes: bytes.length - 1 })).rejects.toThrow(
      `loadSafetensorsFile: ${path} is ${bytes.length} bytes, over the ${bytes.length - 1}-byte limit (maxBytes); raise maxBytes if the file is trusted`,
    );
    expect(Array.from((await loadSafetensorsFile(path, { maxBytes: bytes.length })).tensors.w!.data)).toEqual([
      1, 2, 3,
    ]);
    await expect(loadCheckpointFile(path, { maxBytes: 10 })).rejects.toThrow('over the 10-byte limit (maxBytes)');
    await expect(loadCheckpointFile(path, { maxBytes: -1 })).rejects.toThrow(
      'loadCheckpointFile: maxBytes must be a non-negative integer, got -1',
    );
  });

  it('reads exactly the bytes of a regular file, sync and async, and names a missing one', async () => {
    const path = join(folder, 'bytes.bin');
    writeFileSync(path, Uint8Array.of(1, 2, 3, 4));
    expect(Array.from(await readRegularFile('t', path, 4))).toEqual([1, 2, 3, 4]);
    expect(Array.from(readRegularFileSync('t', path, 4))).toEqual([1, 2, 3, 4]);
    expect(() => readRegularFileSync('t', join(folder, 'none'), 4)).toThrow(`t: no file at ${join(folder, 'none')}`);
    await expect(readRegularFile('t', join(folder, 'none'), 4)).rejects.toThrow('t: no file at');
  });
});
