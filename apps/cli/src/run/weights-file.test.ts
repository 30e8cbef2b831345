// loadWeightsFile: a PyTorch state_dict into a run's model — every mismatch named, files bounded.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, saveSafetensors, Tensor, zeros, type ModelSpec } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { loadWeightsFile } from './weights-file.js';

const spec: ModelSpec = {
  type: 'sequential',
  layers: [{ type: 'linear', in: 3, out: 2 }, { type: 'relu' }, { type: 'linear', in: 2, out: 2 }],
};
const dir = mkdtempSync(join(tmpdir(), 'backprop-weights-'));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('loadWeightsFile', () => {
  it("loads a state_dict with the model's names into the model", () => {
    const model = buildModel(spec);
    const weights = Object.fromEntries(
      Object.entries(model.stateDict()).map(([name, t]) => [
        name,
        new Tensor(
          t.data.map((_, i) => i + 0.5),
          t.shape,
        ),
      ]),
    );
    const loaded = loadWeightsFile(
      file('good.safetensors', saveSafetensors(weights, { format: 'pt' })),
      model,
      '--weights',
    );
    expect(Object.keys(loaded).sort()).toEqual([
      'layers.0.bias',
      'layers.0.weight',
      'layers.2.bias',
      'layers.2.weight',
    ]);
    expect([...model.stateDict()['layers.2.weight']!.data]).toEqual([0.5, 1.5, 2.5, 3.5]);
  });

  it('names every missing, unexpected and mis-shaped tensor and leaves the model as it was (exit 2)', () => {
    const model = buildModel(spec);
    const before = [...model.stateDict()['layers.0.weight']!.data];
    const bad = {
      'layers.0.weight': zeros([2, 4]),
      'layers.0.bias': zeros([2]),
      'layers.2.weight': zeros([2, 2]),
      extra: zeros([1]),
    };
    const error = (() => {
      try {
        loadWeightsFile(file('bad.safetensors', saveSafetensors(bad)), model, '--weights');
      } catch (caught) {
        return caught as Error & { exitCode: number };
      }
      throw new Error('no error');
    })();
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(
      /bad\.safetensors does not fit the run's model \(the state does not fit this model — missing keys: layers\.2\.bias; unexpected keys: extra; wrong shapes: layers\.0\.weight: expected \[2,3\], got \[2,4\]\)/,
    );
    expect([...model.stateDict()['layers.0.weight']!.data]).toEqual(before);
  });

  it("explains DDP's module. prefix", () => {
    const model = buildModel(spec);
    const prefixed = Object.fromEntries(Object.entries(model.stateDict()).map(([name, t]) => [`module.${name}`, t]));
    expect(() => loadWeightsFile(file('ddp.safetensors', saveSafetensors(prefixed)), model, '--init-from')).toThrow(
      /names start with "module\.": save model\.module\.state_dict\(\)/,
    );
  });

  it('refuses a missing file (usage), a directory, a FIFO, a file larger than the model can need, and garbage (runtime)', () => {
    const model = buildModel(spec);
    expect(() => loadWeightsFile(join(dir, 'nope.safetensors'), model, '--weights')).toThrow(
      /--weights .*nope\.safetensors: no such file/,
    );
    mkdirSync(join(dir, 'a-dir'));
    expect(() => loadWeightsFile(join(dir, 'a-dir'), model, '--weights')).toThrow(
      /a-dir is not a regular file; give a .safetensors file/,
    );
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(() => loadWeightsFile(join(dir, 'fifo'), model, '--weights')).toThrow(
      /fifo is not a regular file; give a .safetensors file/,
    );
    // 14 values: 14 × 8 bytes + 16 MiB of header at most.
    const huge = file('huge.safetensors', new Uint8Array(16 * 1024 * 1024 + 14 * 8 + 1));
    expect(() => loadWeightsFile(huge, model, '--weights')).toThrow(
      /is 16777329 bytes, over the 16777328 bytes a state_dict of this model \(14 values\) can take/,
    );
    expect(() => loadWeightsFile(file('garbage.safetensors', 'not a safetensors file'), model, '--weights')).toThrow(
      /is not a readable safetensors file \(loadSafetensors: /,
    );
  });
});
