// A small real training run through the built binary: it learns, and its run directory holds
// what the README promises. Also eval and export on that run, and --force protection.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, runCli, scratchDirectory, type CliResult } from './run-cli.js';

describe('backprop train --data circles', () => {
  const cwd = scratchDirectory();
  const out = join(cwd, 'runs', 'circles');
  let result: CliResult;

  beforeAll(async () => {
    result = await runCli(['train', '--data', 'circles', '--epochs', '6', '--workers', '2', '--out', out, '--json'], {
      cwd,
    });
  });

  it('learns: test accuracy ≥ 95% and the loss falls', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const all = events(result.stdout);
    const epochs = all.filter((e) => e.event === 'epoch');
    expect(epochs).toHaveLength(6);
    expect(epochs.at(-1)!.trainLoss as number).toBeLessThan((epochs[0]!.trainLoss as number) / 3);
    const done = all.find((e) => e.event === 'done')!;
    expect(done.testAccuracy as number).toBeGreaterThanOrEqual(0.95);
    expect(done.out).toBe(out);
  });

  it('writes config.json, metrics.jsonl, model.safetensors, checkpoint.safetensors and curves.svg', () => {
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      data: 'circles',
      model: 'mlp',
      epochs: 6,
      optimizer: 'adam',
      schedule: 'cosine',
      seed: 1,
      augment: 'none',
    });
    expect(config.workers).toBeUndefined(); // not part of the result

    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const m of metrics)
      expect(Object.keys(m).sort()).toEqual([
        'epoch',
        'lr',
        'samplesPerSecond',
        'testAccuracy',
        'testLoss',
        'trainLoss',
      ]);

    const model = decodeCheckpoint(readFileSync(join(out, 'model.safetensors')));
    expect(model.spec).toMatchObject({ type: 'sequential' });
    expect(Object.keys(model.model).sort()).toEqual([
      'layers.1.bias',
      'layers.1.weight',
      'layers.3.bias',
      'layers.3.weight',
      'layers.5.bias',
      'layers.5.weight',
    ]);
    expect(model.model['layers.1.weight']!.shape).toEqual([32, 2]); // nn.Linear layout [out, in]
    expect(model.metadata?.format).toBe('pt');
    expect(model.optimizer).toBeUndefined();

    const checkpoint = decodeCheckpoint(readFileSync(join(out, 'checkpoint.safetensors')), {
      require: ['optimizer', 'training', 'spec'],
    });
    expect(checkpoint.training!.step).toBe(6 * 25); // 800 points / batch 32
    expect(checkpoint.training!.rng!.algorithm).toBe('pcg32');
    expect(checkpoint.training!.hyperparameters).toMatchObject({ position: { epoch: 6, batch: 0 } });
    expect(Object.keys(checkpoint.optimizer!.state[0]!)).toEqual(expect.arrayContaining(['expAvg', 'expAvgSq']));

    const svg = readFileSync(join(out, 'curves.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(3); // train loss, test loss, test accuracy
    expect(svg.match(/<circle/g)).toHaveLength(3 * 6);
  });

  it('eval prints loss, accuracy, per-class accuracy and the confusion matrix', async () => {
    const text = await runCli(['eval', out], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/test loss \d\.\d{4} {3}accuracy \d+\.\d\d%/);
    expect(text.stdout).toContain('confusion matrix');
    const json = await runCli(['eval', out, '--json'], { cwd });
    const report = JSON.parse(json.stdout);
    expect(report.samples).toBe(200);
    expect(report.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(200);
    expect(report.perClass).toHaveLength(2);
    expect(report.perClass.map((c: { samples: number }) => c.samples).reduce((a: number, b: number) => a + b)).toBe(
      200,
    );
    for (const c of report.perClass) expect(c.accuracy).toBeCloseTo(report.confusion[c.class][c.class] / c.samples, 12);
    const done = events(result.stdout).find((e) => e.event === 'done')!;
    expect(report.accuracy).toBeCloseTo(done.testAccuracy as number, 10);
  });

  it('export writes PyTorch-ready safetensors and the torch.nn twin', async () => {
    const exported = await runCli(['export', out], { cwd });
    expect(exported.code).toBe(0);
    const code = readFileSync(join(out, 'pytorch', 'model.py'), 'utf8');
    expect(code).toContain('self.layers = nn.Sequential(*layers)');
    expect(code).toContain('nn.Linear(2, 32, bias=True)');
    expect(code).toContain('nn.Linear(32, 2, bias=True)');
    expect(exported.stdout).toContain(
      `check it:           (cd ${join(out, 'pytorch')} && python3 model.py)   # needs only PyTorch`,
    );
    for (const file of [
      'train.py',
      'training.json',
      'optimizer.safetensors',
      'README.md',
      'data/train.safetensors',
      'data/test.safetensors',
    ])
      expect(existsSync(join(out, 'pytorch', file)), file).toBe(true);
    const python = spawnSync('python3', ['-m', 'py_compile', join(out, 'pytorch', 'model.py')]);
    if (python.error === undefined) expect(python.status, String(python.stderr)).toBe(0); // valid Python where python3 exists
    const weights = decodeCheckpoint(readFileSync(join(out, 'pytorch', 'model.safetensors')));
    expect(weights.metadata).toEqual({ format: 'pt' });
    expect(Object.keys(weights.model)).toHaveLength(6);
    const again = await runCli(['export', out], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; add --force/);
  });

  it('never overwrites an existing run without --force', async () => {
    const before = readFileSync(join(out, 'model.safetensors'));
    const refused = await runCli(['train', '--data', 'circles', '--epochs', '1', '--workers', '1', '--out', out], {
      cwd,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/already exists and is not empty; choose another --out, add --force/);
    expect(readFileSync(join(out, 'model.safetensors')).equals(before)).toBe(true);

    const other = join(cwd, 'runs', 'forced');
    await runCli(['train', '--data', 'xor', '--epochs', '1', '--workers', '1', '--out', other, '--quiet'], { cwd });
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const forced = await runCli(
      ['train', '--data', 'circles', '--epochs', '2', '--workers', '1', '--out', other, '--quiet', '--force'],
      { cwd },
    );
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(other, 'config.json'), 'utf8')).data).toBe('circles');
    expect(readFileSync(join(other, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('mine'); // only run files are replaced
  });

  it('names a fresh directory under runs/ when --out is not given, and prints it', async () => {
    const first = await runCli(['train', '--data', 'xor', '--epochs', '1', '--workers', '1'], { cwd });
    const second = await runCli(['train', '--data', 'xor', '--epochs', '1', '--workers', '1'], { cwd });
    expect(first.stdout).toContain('run runs/xor-mlp-1');
    expect(second.stdout).toContain('run runs/xor-mlp-2');
    expect(existsSync(join(cwd, 'runs', 'xor-mlp-2', 'model.safetensors'))).toBe(true);
  });

  it('takes options from a --config file, flags winning, and records the result in config.json', async () => {
    writeFileSync(
      join(cwd, 'experiment.json'),
      JSON.stringify({ data: 'xor', epochs: 1, batchSize: 16, hidden: [8], schedule: 'constant' }),
    );
    const result = await runCli(
      ['train', '--config', 'experiment.json', '--epochs', '2', '--workers', '1', '--out', 'from-config', '--quiet'],
      { cwd },
    );
    expect(result.code).toBe(0);
    const config = JSON.parse(readFileSync(join(cwd, 'from-config', 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      data: 'xor',
      epochs: 2,
      batchSize: 16,
      hidden: [8],
      schedule: 'constant',
      lr: 0.01,
    });
    const metrics = readFileSync(join(cwd, 'from-config', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(metrics.map((m) => m.lr)).toEqual([0.01, 0.01]); // constant schedule
  });
});
