// Files on disk: atomic writes that leave an existing file intact on failure and no temp files
// behind, overwrite refusal, and the load/save pairs. Failures are real (EISDIR) or injected.
import * as fs from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Generator } from '../random/generator.js';
import { Tensor } from '../tensor/tensor.js';
import {
  loadCheckpointFile,
  loadSafetensorsFile,
  saveCheckpointFile,
  saveSafetensorsFile,
  writeFileAtomic,
} from './file-node.js';
import { saveSafetensors } from './safetensors-write.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open), rename: vi.fn(actual.rename), link: vi.fn(actual.link) };
});

const f32 = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape);
const OLD = new TextEncoder().encode('the previous checkpoint');
let folder = '';

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'backprop-io-'));
});

afterEach(async () => {
  vi.mocked(fs.rename).mockClear();
  await rm(folder, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes new files and replaces existing ones, leaving only the target behind', async () => {
    const path = join(folder, 'model.safetensors');
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    expect(Array.from(await readFile(path))).toEqual([1, 2, 3]);
    await writeFileAtomic(path, Uint8Array.of(4));
    expect(Array.from(await readFile(path))).toEqual([4]);
    expect(await readdir(folder)).toEqual(['model.safetensors']);
  });

  it('keeps the existing file and removes the temp file when the rename fails', async () => {
    const path = join(folder, 'ckpt.safetensors');
    await writeFile(path, OLD);
    vi.mocked(fs.rename).mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' }));
    await expect(writeFileAtomic(path, Uint8Array.of(9, 9))).rejects.toThrow(
      `writeFileAtomic: could not write ${path} (EIO: i/o error, rename); any existing file there is unchanged`,
    );
    expect(await readFile(path)).toEqual(Buffer.from(OLD));
    expect(await readdir(folder)).toEqual(['ckpt.safetensors']);
  });

  it('keeps the existing file and removes the temp file when fsync fails after the write', async () => {
    const path = join(folder, 'ckpt.safetensors');
    await writeFile(path, OLD);
    const actualOpen = (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises')).open;
    vi.mocked(fs.open).mockImplementationOnce(async (...args: Parameters<typeof actualOpen>) => {
      const handle = await actualOpen(...args);
      handle.sync = () => Promise.reject(new Error('ENOSPC: no space left on device'));
      return handle;
    });
    await expect(writeFileAtomic(path, new Uint8Array(1000))).rejects.toThrow(
      '(ENOSPC: no space left on device); any existing file there is unchanged',
    );
    expect(await readFile(path)).toEqual(Buffer.from(OLD));
    expect(await readdir(folder)).toEqual(['ckpt.safetensors']);
  });

  it('fails cleanly, for real, when a directory stands at the path', async () => {
    const path = join(folder, 'taken');
    await fs.mkdir(path);
    await writeFile(join(path, 'inside'), OLD);
    await expect(writeFileAtomic(path, Uint8Array.of(1))).rejects.toThrow(`writeFileAtomic: could not write ${path}`);
    expect(await readdir(folder)).toEqual(['taken']);
    expect(await readFile(join(path, 'inside'))).toEqual(Buffer.from(OLD));
  });

  it('refuses a missing directory, and a path under a file, with the fix', async () => {
    const missing = join(folder, 'no', 'such');
    await expect(writeFileAtomic(join(missing, 'a.safetensors'), Uint8Array.of(1))).rejects.toThrow(
      `writeFileAtomic: directory ${missing} does not exist; create it first (mkdir -p ${missing}`,
    );
    await writeFile(join(folder, 'file'), OLD);
    await expect(writeFileAtomic(join(folder, 'file', 'a'), Uint8Array.of(1))).rejects.toThrow(
      `${join(folder, 'file')} is not a directory`,
    );
    expect(await readdir(folder)).toEqual(['file']);
  });

  it('with overwrite: false publishes by hard link, refusing atomically if the file appeared', async () => {
    const path = join(folder, 'race.safetensors');
    await writeFileAtomic(path, Uint8Array.of(5), { overwrite: false });
    expect(Array.from(await readFile(path))).toEqual([5]);
    await expect(writeFileAtomic(path, Uint8Array.of(6), { overwrite: false })).rejects.toThrow(
      `writeFileAtomic: ${path} already exists; pass { overwrite: true } to replace it (atomically), or choose another path`,
    );
    expect(Array.from(await readFile(path))).toEqual([5]);
    expect(await readdir(folder)).toEqual(['race.safetensors']);
    expect(fs.rename).not.toHaveBeenCalled();
  });

  it('falls back to check-then-rename on file systems without hard links', async () => {
    const path = join(folder, 'fat.safetensors');
    vi.mocked(fs.link).mockRejectedValueOnce(
      Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' }),
    );
    await writeFileAtomic(path, Uint8Array.of(7), { overwrite: false });
    expect(Array.from(await readFile(path))).toEqual([7]);
    expect(await readdir(folder)).toEqual(['fat.safetensors']);
  });
});

describe('checkpoint and safetensors files', () => {
  it('saves and loads a checkpoint, refusing to overwrite unless asked', async () => {
    const path = join(folder, 'step-10.safetensors');
    const rng = new Generator(1).getState();
    const checkpoint = {
      model: { 'layers.0.weight': f32([1, 2, 3, 4], [2, 2]) },
      optimizer: {
        state: { 0: { step: 10, exp_avg: f32([0.5, 0.5, 0.5, 0.5], [2, 2]) } },
        paramGroups: [{ lr: 0.1, params: [0] }],
      },
      training: { step: 10, epoch: 1, rng },
    };
    await saveCheckpointFile(path, checkpoint);
    expect(await loadCheckpointFile(path, { require: ['optimizer', 'training'] })).toEqual(checkpoint);

    await expect(saveCheckpointFile(path, { model: {} })).rejects.toThrow(
      `saveCheckpointFile: ${path} already exists; pass { overwrite: true } to replace it (atomically), or choose another path`,
    );
    expect(Object.keys((await loadCheckpointFile(path)).model)).toEqual(['layers.0.weight']);
    await saveCheckpointFile(path, { model: { b: f32([1], [1]) } }, { overwrite: true });
    expect(Object.keys((await loadCheckpointFile(path)).model)).toEqual(['b']);
    expect(await readdir(folder)).toEqual(['step-10.safetensors']);
  });

  it('saves and loads safetensors files, byte-identical to saveSafetensors', async () => {
    const path = join(folder, 'model.safetensors');
    const tensors = { w: f32([1, -2], [1, 2]) };
    await saveSafetensorsFile(path, tensors, { metadata: { format: 'pt' } });
    expect(new Uint8Array(await readFile(path))).toEqual(saveSafetensors(tensors, { format: 'pt' }));
    const loaded = await loadSafetensorsFile(path);
    expect(loaded.metadata).toEqual({ format: 'pt' });
    expect(Array.from(loaded.tensors.w!.data)).toEqual([1, -2]);
    await expect(saveSafetensorsFile(path, tensors)).rejects.toThrow(`saveSafetensorsFile: ${path} already exists`);
  });

  it('names the path when a file is missing or damaged', async () => {
    const missing = join(folder, 'missing.safetensors');
    await expect(loadCheckpointFile(missing)).rejects.toThrow(`loadCheckpointFile: no file at ${missing}`);
    await expect(loadSafetensorsFile(missing)).rejects.toThrow(`loadSafetensorsFile: no file at ${missing}`);
    const damaged = join(folder, 'damaged.safetensors');
    await writeFile(damaged, saveSafetensors({ w: f32([1, 2], [2]) }).subarray(0, 70));
    await expect(loadSafetensorsFile(damaged)).rejects.toThrow(
      `loadSafetensorsFile: ${damaged}: loadSafetensors: tensor 'w': data_offsets [0,8] reach past the end of the 6-byte data section (truncated file?)`,
    );
    await expect(loadCheckpointFile(damaged)).rejects.toThrow(`loadCheckpointFile: ${damaged}: loadSafetensors:`);
  });
});
