// The life of a run directory through the built binary (issue 19: 7, 9, 10, 15, 22): locked by
// one run at a time, never half made, never lost to a NaN loss or a closed stdout.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { notices, runCli, scratchDirectory, type CliResult } from './run-cli.js';

const cwd = scratchDirectory();
// Many small steps: a run lasts a few seconds, long enough to meet it while it trains.
const SLOW = ['train', '--data', 'spiral', '--epochs', '2', '--batch-size', '4', '--chunk-size', '2', '--workers', '1'];

/** Runs the CLI, killing it (and failing) if it is still running after `seconds`: a hang must not outlive its test. */
async function runWithin(
  seconds: number,
  args: string[],
  options: { onStdout?: (text: string, child: ChildProcess) => void } = {},
): Promise<CliResult & { pid: number }> {
  let child: ChildProcess | null = null;
  const timer = setTimeout(() => child?.kill('SIGKILL'), seconds * 1000);
  try {
    const result = await runCli(args, { cwd, ...options, onSpawn: (spawned) => (child = spawned) });
    expect(result.signal, `backprop ${args.join(' ')} did not end within ${seconds} s`).toBe(null);
    return { ...result, pid: child!.pid! };
  } finally {
    clearTimeout(timer);
  }
}

/** The position and step saved in a run's checkpoint. */
function savedPosition(directory: string): { epoch: number; batch: number; step: number; weights: Float32Array[] } {
  const checkpoint = decodeCheckpoint(readFileSync(join(cwd, directory, 'checkpoint.safetensors')), {
    require: ['optimizer', 'training'],
  });
  const { position } = checkpoint.training!.hyperparameters as { position: { epoch: number; batch: number } };
  return {
    ...position,
    step: checkpoint.training!.step!,
    weights: Object.values(checkpoint.model).map((tensor) => tensor.data),
  };
}

const IN_USE =
  /is in use by another backprop run \(pid (\d+), `train[^`]*` since [^)]+\); wait for it to finish or stop it \(kill -INT \1\), or choose another directory; if no such run is going on, delete \S+\.backprop\.lock\n$/;

describe('a run owns its directory (issue 19: 9)', () => {
  it('two runs started together with the same --out: one trains, the other stops at once naming it (3 pairs)', async () => {
    for (const pair of ['pair-1', 'pair-2', 'pair-3']) {
      const results = await Promise.all([
        runWithin(60, [...SLOW, '--out', pair, '--quiet']),
        runWithin(60, [...SLOW, '--out', pair, '--quiet']),
      ]);
      const winner = results.find((result) => result.code === 0);
      const loser = results.find((result) => result !== winner);
      expect(winner, `${pair}: one run trains`).toBeDefined();
      expect(loser!.code).toBe(2);
      // Usually the lock stops the second run; one that starts after the first finished meets a full directory.
      const locked = IN_USE.exec(loser!.stderr);
      if (locked !== null) expect(Number(locked[1])).toBe(winner!.pid);
      else expect(loser!.stderr).toMatch(new RegExp(`--out ${pair} already exists and is not empty`));
      // The directory is the winner's alone: whole, finished, lock released.
      expect(readdirSync(join(cwd, pair)).sort()).toEqual([
        'checkpoint.safetensors',
        'config.json',
        'curves.svg',
        'metrics.jsonl',
        'model.safetensors',
      ]);
      expect(
        readFileSync(join(cwd, pair, 'metrics.jsonl'), 'utf8')
          .trim()
          .split('\n'),
      ).toHaveLength(2);
      expect(savedPosition(pair)).toMatchObject({ epoch: 2, batch: 0, step: 400 });
    }
  }, 240_000);

  it('a second run with --force on a directory being trained fails at once naming the first; the first finishes whole', async () => {
    // The race of two runs started together is rare to meet (2–3 tries in 6 before); --force on a
    // live run meets it every time: before the lock it removed the first run's files and trained beside it.
    let second: Promise<CliResult & { pid: number }> | null = null;
    const first = await runWithin(60, [...SLOW, '--out', 'taken', '--json'], {
      onStdout: (text) => {
        if (second === null && text.includes('"event":"epochStart"'))
          second = runWithin(60, [...SLOW, '--out', 'taken', '--force', '--quiet']);
      },
    });
    const refused = await second!;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^backprop: error: --out taken is in use by another backprop run/);
    expect(Number(IN_USE.exec(refused.stderr)![1])).toBe(first.pid);
    expect(first.code).toBe(0);
    expect(readdirSync(join(cwd, 'taken')).sort()).toEqual([
      'checkpoint.safetensors',
      'config.json',
      'curves.svg',
      'metrics.jsonl',
      'model.safetensors',
    ]);
    expect(savedPosition('taken')).toMatchObject({ epoch: 2, batch: 0, step: 400 });
  }, 120_000);

  it('--resume takes the lock too; a lock whose process is gone is taken over; a foreign or broken lock is named', async () => {
    let resumeAttempt: Promise<CliResult> | null = null;
    const first = await runWithin(60, [...SLOW, '--out', 'held', '--json'], {
      onStdout: (text, child) => {
        if (resumeAttempt === null && text.includes('"event":"epochStart"')) {
          resumeAttempt = runWithin(60, ['train', '--resume', 'held']).then((result) => {
            child.kill('SIGINT'); // done with it: stop after the current step
            return result;
          });
        }
      },
    });
    const refused = await resumeAttempt!;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^backprop: error: --resume held is in use by another backprop run/);
    expect(Number(IN_USE.exec(refused.stderr)![1])).toBe(first.pid);
    expect(first.code).toBe(130);
    expect(existsSync(join(cwd, 'held', '.backprop.lock'))).toBe(false); // released on Ctrl-C

    // A run killed with SIGKILL leaves its lock: a pid that no longer runs.
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const lock = (pid: number) =>
      JSON.stringify({ pid, hostname: hostname(), started: '2026-12-07T20:00:00.000Z', command: 'train' });
    writeFileSync(join(cwd, 'held', '.backprop.lock'), lock(gone));
    const resumed = await runWithin(60, ['train', '--resume', 'held', '--json']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(notices(resumed.stdout)).toContain(`note: removed the lock of pid ${gone}, which is no longer running`);
    expect(existsSync(join(cwd, 'held', '.backprop.lock'))).toBe(false);

    writeFileSync(join(cwd, 'held', '.backprop.lock'), lock(process.pid)); // a live process: this test's
    const live = await runWithin(30, ['train', '--data', 'xor', '--out', 'held', '--force']);
    expect(live.code).toBe(2);
    expect(Number(IN_USE.exec(live.stderr)![1])).toBe(process.pid);
    expect(existsSync(join(cwd, 'held', 'model.safetensors'))).toBe(true); // --force did not get to remove anything

    writeFileSync(join(cwd, 'held', '.backprop.lock'), 'x'.repeat(10_000));
    const broken = await runWithin(30, ['train', '--resume', 'held']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /^backprop: error: --resume held: held\/\.backprop\.lock is not a backprop lock \(not a regular file of at most 4096 bytes\); if no backprop run uses this directory, delete it and start again\n$/,
    );

    // A lock swapped for a link to an endless device is refused from the open descriptor, not read.
    unlinkSync(join(cwd, 'held', '.backprop.lock'));
    symlinkSync('/dev/zero', join(cwd, 'held', '.backprop.lock'));
    const endless = await runWithin(30, ['train', '--resume', 'held']);
    expect(endless.code).toBe(2);
    expect(endless.stderr).toMatch(
      /held\/\.backprop\.lock is not a backprop lock \(not a regular file of at most 4096 bytes\)/,
    );
  }, 120_000);
});

describe('--out where no directory can be made (issue 19: 22)', () => {
  it.each(['/proc/self/x', '/proc/self/x/y/z'])(
    "--out %s fails at once (it looped at full CPU in Node's recursive mkdir)",
    async (out) => {
      const result = await runWithin(20, ['train', '--data', 'xor', '--epochs', '1', '--out', out]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `backprop: error: cannot create the run directory (/proc/self/x cannot be created although /proc/self exists (ENOENT: a virtual file system such as /proc or /sys takes no new directories)); check --out and its permissions\n`,
      );
    },
    30_000,
  );
});

describe('a closed stdout ends the run as Ctrl-C does (issue 19: 10)', () => {
  it('`train --json | head -1`: stops after the current step, checkpoint, exit 141, how to resume on stderr; the run resumes', async () => {
    const closed = await runWithin(60, [...SLOW, '--out', 'piped', '--json'], {
      onStdout: (_text, child) => child.stdout!.destroy(), // the reader leaves after the first output
    });
    expect(closed.code).toBe(141);
    const stopped =
      /^stdout was closed \(the reader of the output left\); stopping after the current step…\nstopped at epoch 1, batch (\d+); checkpoint saved in piped\/checkpoint\.safetensors; resume with: node \S+ train --resume piped\n$/.exec(
        closed.stderr,
      );
    expect(stopped, closed.stderr).not.toBeNull();
    expect(savedPosition('piped')).toMatchObject({ epoch: 0, batch: Number(stopped![1]), step: Number(stopped![1]) });
    expect(existsSync(join(cwd, 'piped', '.backprop.lock'))).toBe(false);

    const resumed = await runWithin(60, ['train', '--resume', 'piped', '--quiet']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(savedPosition('piped')).toMatchObject({ epoch: 2, batch: 0, step: 400 });
  }, 120_000);
});

describe('a run that fails before its first checkpoint leaves nothing behind (issue 19: 15)', () => {
  // Batch norm needs two samples per chunk in training; 33 samples in batches of 32 end with one.
  const spec = {
    type: 'sequential',
    layers: [
      { type: 'linear', in: 2, out: 8 },
      { type: 'batchNorm1d', features: 8 },
      { type: 'relu' },
      { type: 'linear', in: 8, out: 2 },
    ],
  };
  const args = [
    'train',
    '--data',
    'xor',
    '--model',
    'batch-norm.json',
    '--limit',
    '33',
    '--batch-size',
    '32',
    '--chunk-size',
    '32',
    '--epochs',
    '2',
    '--workers',
    '1',
  ];

  it('a step failing in a worker removes the run files and the directory the run made; the same command works again once fixed', async () => {
    writeFileSync(join(cwd, 'batch-norm.json'), JSON.stringify(spec));
    const failed = await runWithin(60, [...args, '--out', 'unstarted/run']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^backprop: error: training failed: DataParallelTrainer: step 2 failed in a worker: batchNorm1d: batch statistics need more than one value per channel, got input \[1,8\]/,
    ); // parallel adds its own advice after it
    expect(existsSync(join(cwd, 'unstarted', 'run'))).toBe(false);
    expect(readdirSync(join(cwd, 'unstarted'))).toEqual([]); // the parent it made for --out stays, empty

    // 800 samples: 25 whole batches.
    const fixed = await runWithin(60, [
      'train',
      '--data',
      'xor',
      '--model',
      'batch-norm.json',
      '--batch-size',
      '32',
      '--epochs',
      '1',
      '--workers',
      '1',
      '--out',
      'unstarted/run',
      '--quiet',
    ]);
    expect(fixed.code).toBe(0);
  }, 120_000);

  it('in a directory it did not make (--force), only its own files go', async () => {
    mkdirSync(join(cwd, 'mine'));
    writeFileSync(join(cwd, 'mine', 'notes.txt'), 'keep me');
    const failed = await runWithin(60, [...args, '--out', 'mine', '--force']);
    expect(failed.code).toBe(1);
    expect(readdirSync(join(cwd, 'mine'))).toEqual(['notes.txt']);
  }, 60_000);
});

describe('a NaN or infinite loss stops the run with the last good state saved (issue 19: 7)', () => {
  it('a learning rate far too high: exit 1, where and why, a checkpoint of finite weights before the bad step; --resume says the same', async () => {
    const run = await runWithin(60, [
      'train',
      '--data',
      'xor',
      '--optimizer',
      'sgd',
      '--lr',
      '1000000',
      '--epochs',
      '2',
      '--workers',
      '1',
      '--out',
      'exploded',
    ]);
    expect(run.code).toBe(1);
    const message =
      /^backprop: error: training stopped at epoch 1, batch (\d+) \(step \1\): the training loss is (NaN|Infinity); likely causes: a learning rate too high for this model \(--lr 1000000; try --lr 100000\), or a huge, infinite or missing value in --data xor\. The last good state, after step (\d+) \(epoch 1, batch \3\), is saved in exploded\/checkpoint\.safetensors; resuming it repeats the same steps, so start a new run with other options\n$/;
    const stopped = message.exec(run.stderr);
    expect(stopped, run.stderr).not.toBeNull();
    const saved = savedPosition('exploded');
    expect(saved.step).toBe(Number(stopped![3]));
    expect(saved.step).toBeLessThan(Number(stopped![1]));
    expect(saved.weights.every((values) => values.every(Number.isFinite))).toBe(true);
    expect(readdirSync(join(cwd, 'exploded')).sort()).toEqual(['checkpoint.safetensors', 'config.json']); // no epoch finished

    const resumed = await runWithin(60, ['train', '--resume', 'exploded', '--quiet']);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toBe(run.stderr); // the same steps, the same value, the same advice
  }, 120_000);

  it('a huge value in a test row: the test loss is NaN, the sample is named, the epoch of training is kept', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `${i % 2},${(i % 10) / 10},0.5`);
    rows[48] = '1,3e38,-3e38'; // the seeded 80 / 20 split puts it in the test part
    writeFileSync(join(cwd, 'huge.csv'), `label,a,b\n${rows.join('\n')}\n`);
    const run = await runWithin(60, [
      'train',
      '--data',
      'huge.csv',
      '--epochs',
      '2',
      '--workers',
      '1',
      '--out',
      'huge-run',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^backprop: error: training stopped at the end of epoch 1 \(step 3\): the test loss is NaN; the data holds a bad value: test sample #\d+ \(0-based\) holds the value 3e\+38; fix or remove that sample of --data huge\.csv\. The last good state, after step 3 \(epoch 1, batch 3\), is saved in huge-run\/checkpoint\.safetensors/,
    );
    expect(savedPosition('huge-run')).toMatchObject({ epoch: 0, batch: 3, step: 3 });
    expect(existsSync(join(cwd, 'huge-run', 'metrics.jsonl'))).toBe(false);
  }, 60_000);
});
