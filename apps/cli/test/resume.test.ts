// Ctrl-C and --resume through the built binary: SIGINT stops after the current step with exit 130
// and a resumable checkpoint; the resumed run ends bit-identical to an uninterrupted one.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, runCli, scratchDirectory } from './run-cli.js';

// Small batches make many steps, so the signal lands in the middle of an epoch.
const RUN = ['train', '--data', 'spiral', '--epochs', '4', '--batch-size', '4', '--chunk-size', '2', '--json'];

describe('Ctrl-C and --resume', () => {
  const cwd = scratchDirectory();
  /** Runs the CLI and sends SIGINT `signals` times after the first epoch's line: the stop lands during epoch 2. */
  const runInterrupted = (args: string[], signals = 1) => {
    let sent = false;
    return runCli(args, {
      cwd,
      onStdout: (text, child) => {
        if (!sent && text.includes('"event":"epoch"')) {
          sent = true;
          for (let i = 0; i < signals; i++) child.kill('SIGINT');
        }
      },
    });
  };

  // The uninterrupted run both resume tests compare against.
  beforeAll(async () => {
    const straight = await runCli([...RUN, '--workers', '1', '--out', 'straight'], { cwd });
    expect(straight.code).toBe(0);
  });

  it('SIGINT → exit 130 and a checkpoint; --resume (with other workers) → the same model bytes as a straight run', async () => {
    const stopped = await runInterrupted([...RUN, '--workers', '1', '--out', 'stopped']);
    expect(stopped.code).toBe(130);
    const interrupted = events(stopped.stdout).find((e) => e.event === 'interrupted')!;
    expect(interrupted.out).toBe('stopped');
    expect(interrupted.resumeCommand).toMatch(/^node \S*dist\/main\.js train --resume stopped$/); // the checkout's binary, relative to cwd
    expect(interrupted.epoch as number).toBeGreaterThanOrEqual(2);
    expect(events(stopped.stdout).some((e) => e.event === 'done')).toBe(false);

    const checkpoint = decodeCheckpoint(readFileSync(join(cwd, 'stopped', 'checkpoint.safetensors')), {
      require: ['optimizer', 'training'],
    });
    const position = (checkpoint.training!.hyperparameters as { position: { epoch: number; batch: number } }).position;
    expect(position.epoch + 1).toBe(interrupted.epoch);
    expect(position.batch).toBe(interrupted.batch);
    // 200 batches per epoch: epoch-relative position × steps match the step count.
    expect(checkpoint.training!.step).toBe(position.epoch * 200 + position.batch);

    const resumed = await runCli(['train', '--resume', 'stopped', '--workers', '2', '--json'], { cwd });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const start = events(resumed.stdout).find((e) => e.event === 'start')!;
    expect(start.resumed).toBe(true);

    const a = readFileSync(join(cwd, 'straight', 'model.safetensors'));
    const b = readFileSync(join(cwd, 'stopped', 'model.safetensors'));
    expect(b.equals(a)).toBe(true);
    const metricsA = readFileSync(join(cwd, 'straight', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const metricsB = readFileSync(join(cwd, 'stopped', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const results = (ms: Array<Record<string, number>>) =>
      ms.map(({ epoch, trainLoss, testLoss, testAccuracy, lr }) => ({ epoch, trainLoss, testLoss, testAccuracy, lr }));
    expect(results(metricsB)).toEqual(results(metricsA)); // the interrupted epoch's train loss too

    const again = await runCli(['train', '--resume', 'stopped'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already finished all 4 epochs');
  });

  it('with --augment shift (the transform draws from a generator the checkpoint keeps): stopped mid-epoch, resumed → the same model bytes', async () => {
    const AUGMENTED = [
      'train',
      '--data',
      'mnist',
      '--model',
      'mlp',
      '--hidden',
      '16',
      '--limit',
      '2000',
      '--epochs',
      '2',
      '--batch-size',
      '8',
      '--augment',
      'shift',
      '--json',
    ];
    const straight = await runCli([...AUGMENTED, '--workers', '1', '--out', 'shift-straight'], { cwd });
    expect(straight.code).toBe(0);
    const stopped = await runInterrupted([...AUGMENTED, '--workers', '1', '--out', 'shift-stopped']);
    expect(stopped.code).toBe(130);
    const checkpoint = decodeCheckpoint(readFileSync(join(cwd, 'shift-stopped', 'checkpoint.safetensors')), {
      require: ['optimizer', 'training'],
    });
    const position = (checkpoint.training!.hyperparameters as { position: { epoch: number; batch: number } }).position;
    expect(position.epoch).toBe(1);
    expect(position.batch).toBeGreaterThan(0); // in the middle of the second epoch
    const resumed = await runCli(['train', '--resume', 'shift-stopped', '--workers', '2', '--quiet'], { cwd });
    expect(resumed.code).toBe(0);
    expect(
      readFileSync(join(cwd, 'shift-stopped', 'model.safetensors')).equals(
        readFileSync(join(cwd, 'shift-straight', 'model.safetensors')),
      ),
    ).toBe(true);
  });

  it('a second SIGINT exits at once (130) and leaves whole files: the run can still be resumed', async () => {
    const stopped = await runInterrupted([...RUN, '--workers', '1', '--out', 'twice'], 2);
    expect(stopped.code).toBe(130);
    expect(events(stopped.stdout).some((e) => e.event === 'done')).toBe(false);
    const checkpoint = decodeCheckpoint(readFileSync(join(cwd, 'twice', 'checkpoint.safetensors')), {
      require: ['optimizer', 'training'],
    });
    expect(checkpoint.training!.step).toBeGreaterThanOrEqual(200); // at least the first epoch's
    const resumed = await runCli(['train', '--resume', 'twice', '--workers', '1', '--quiet'], { cwd });
    expect(resumed.code).toBe(0);
    expect(
      readFileSync(join(cwd, 'twice', 'model.safetensors')).equals(
        readFileSync(join(cwd, 'straight', 'model.safetensors')),
      ),
    ).toBe(true);
  });

  it('--resume refuses options that would change the result, a missing run and a corrupt checkpoint', async () => {
    const out = 'small';
    const run = await runCli(['train', '--data', 'xor', '--epochs', '2', '--workers', '1', '--out', out, '--quiet'], {
      cwd,
    });
    expect(run.code).toBe(0);

    const changed = await runCli(['train', '--resume', out, '--lr', '0.1'], { cwd });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/--resume continues a run with its own config.json; drop --lr/);

    const missing = await runCli(['train', '--resume', 'nowhere'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--resume nowhere: no such directory/);

    const checkpoint = join(cwd, out, 'checkpoint.safetensors');
    const bytes = readFileSync(checkpoint);
    writeFileSync(checkpoint, bytes.subarray(0, bytes.length - 100)); // truncated
    const corrupt = await runCli(['train', '--resume', out], { cwd });
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr.trim().split('\n')).toHaveLength(1);
    expect(corrupt.stderr).toMatch(
      /checkpoint.safetensors is damaged or not a backprop training checkpoint .*start a new run/,
    );
    expect(existsSync(join(cwd, out, 'model.safetensors'))).toBe(true);
  });
});
