// `backprop predict` on PNG fixtures made here from real test digits (fast-png's encoder): light on
// dark at 28×28, and dark on light at 84×84 RGBA with --invert. The answer must be the digit's
// label and match the model's own forward pass on the digit.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, decodeCheckpoint, noGrad, Tensor } from '@backprop/core';
import { mnistSplit } from '@backprop/datasets';
import { loadMnistSync } from '@backprop/datasets/node';
import { encode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, scratchDirectory } from './run-cli.js';

const cwd = scratchDirectory();
const run = join(cwd, 'mnist-mlp');

interface Digit {
  label: number;
  bytes: Uint8Array; // 28×28 uint8, ink bright
  probability: number; // the model's probability of the label, computed directly
}

/** Nearest-neighbour enlargement by an integer factor, inverted (dark ink on white), as RGBA. */
function darkOnLightRgba(bytes: Uint8Array, factor: number): Uint8Array {
  const side = 28 * factor;
  const out = new Uint8Array(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const value = 255 - bytes[Math.floor(y / factor) * 28 + Math.floor(x / factor)]!;
      out.set([value, value, value, 255], (y * side + x) * 4);
    }
  }
  return out;
}

describe('backprop predict', () => {
  const digits: Digit[] = [];

  beforeAll(async () => {
    const trained = await runCli(['train', '--data', 'mnist', '--model', 'mlp', '--hidden', '64', '--limit', '2000', '--epochs', '3', '--augment', 'none', '--workers', '1', '--out', run, '--quiet'], { cwd });
    expect(trained.code).toBe(0);
    const saved = decodeCheckpoint(readFileSync(join(run, 'model.safetensors')));
    const model = buildModel(saved.spec);
    model.loadStateDict(saved.model);
    model.eval();
    const { test } = mnistSplit(loadMnistSync());
    // The first two test digits of different classes that the model gets right.
    for (let i = 0; i < test.count && digits.length < 2; i++) {
      const bytes = test.images.slice(i * 784, (i + 1) * 784);
      const input = new Tensor(Float32Array.from(bytes, (b) => b / 255), [1, 1, 28, 28]);
      const probabilities = noGrad(() => model.forward(input).softmax(1)).data;
      const label = test.labels[i]!;
      const best = probabilities.indexOf(Math.max(...probabilities));
      if (best === label && digits.every((d) => d.label !== label)) digits.push({ label, bytes, probability: probabilities[label]! });
    }
    expect(digits).toHaveLength(2);
    writeFileSync(join(cwd, 'light-on-dark.png'), encode({ width: 28, height: 28, data: digits[0]!.bytes, channels: 1, depth: 8 }));
    writeFileSync(join(cwd, 'dark-on-light.png'), encode({ width: 84, height: 84, data: darkOnLightRgba(digits[1]!.bytes, 3), channels: 4, depth: 8 }));
  });

  it('gives the digit of a 28×28 light-on-dark PNG, with the model\'s own probability', async () => {
    const result = await runCli(['predict', run, 'light-on-dark.png', '--json'], { cwd });
    expect(result.code).toBe(0);
    const prediction = JSON.parse(result.stdout);
    expect(prediction.top).toHaveLength(3);
    expect(prediction.top[0].class).toBe(digits[0]!.label);
    expect(prediction.top[0].probability).toBeCloseTo(digits[0]!.probability, 5);
    expect(prediction.top[0].probability).toBeGreaterThanOrEqual(prediction.top[1].probability);
  });

  it('resizes and inverts an 84×84 dark-on-light RGBA PNG with --invert', async () => {
    const result = await runCli(['predict', run, 'dark-on-light.png', 'light-on-dark.png', '--invert'], { cwd });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^dark-on-light\\.png  ${digits[1]!.label} \\(\\d+\\.\\d%\\)  \\d \\(\\d+\\.\\d%\\)  \\d \\(\\d+\\.\\d%\\)$`));
    const shown = Number(/\((\d+\.\d)%\)/.exec(lines[0]!)![1]);
    expect(shown).toBeCloseTo(100 * digits[1]!.probability, 0);
    // Without --invert the inverted drawing is a different picture: the answer must change or lose confidence.
    const plain = await runCli(['predict', run, 'dark-on-light.png', '--json'], { cwd });
    const top = JSON.parse(plain.stdout).top[0];
    expect(top.class !== digits[1]!.label || top.probability < digits[1]!.probability - 0.05).toBe(true);
  });

  it('refuses a file that is not a PNG (exit 1) and a missing one (exit 2)', async () => {
    writeFileSync(join(cwd, 'fake.png'), 'GIF89a');
    const fake = await runCli(['predict', run, 'fake.png'], { cwd });
    expect(fake.code).toBe(1);
    expect(fake.stderr).toMatch(/^backprop: error: fake\.png: cannot decode it as a PNG image .*; convert it to PNG\n$/);
    const missing = await runCli(['predict', run, 'nope.png'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.png: no such file/);
  });
});
