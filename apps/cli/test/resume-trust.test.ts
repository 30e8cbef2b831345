// --resume checks the training state it reads back (issue 19: 16): a checkpoint whose position,
// step count or history is wrong is refused with the field named, before anything is written.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, scratchDirectory } from './run-cli.js';

const cwd = scratchDirectory();
// xor: 800 training samples in batches of 32 → 25 batches (steps) per epoch.
const RUN = ['train', '--data', 'xor', '--epochs', '2', '--workers', '1', '--quiet'];
let finished: Checkpoint;

type Training = { position: Record<string, unknown>; history: unknown[]; scheduler: unknown; config: unknown };

/** A copy of the finished run's checkpoint, turned back to the end of epoch 1, then `edit`ed; written into a copy of the run. */
function resumable(name: string, edit: (training: Training, checkpoint: Checkpoint) => void): string {
  const saved = structuredClone(finished.training!.hyperparameters) as Training;
  saved.position = { epoch: 1, batch: 0, lossSum: 0, samples: 0 };
  saved.history = saved.history.slice(0, 1);
  (saved.scheduler as { lastStep: number }).lastStep = 25;
  const checkpoint: Checkpoint = {
    ...finished,
    training: { ...finished.training!, step: 25, epoch: 1, hyperparameters: saved },
  };
  edit(saved, checkpoint);
  writeFileSync(join(cwd, name, 'checkpoint.safetensors'), encodeCheckpoint(checkpoint));
  return name;
}

describe('--resume checks every field of the training state', () => {
  beforeAll(async () => {
    const run = await runCli([...RUN, '--out', 'base'], { cwd });
    expect(run.code).toBe(0);
    finished = decodeCheckpoint(readFileSync(join(cwd, 'base', 'checkpoint.safetensors')), {
      require: ['optimizer', 'training', 'spec'],
    });
  }, 60_000);

  it('a checkpoint turned back to the end of epoch 1 resumes (the edits below are the only defects)', async () => {
    const directory = resumable('base', () => undefined);
    const resumed = await runCli(['train', '--resume', directory, '--quiet'], { cwd });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(
      readFileSync(join(cwd, directory, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(2);
  }, 60_000);

  it.each([
    [
      'history is an object (was: history.push is not a function)',
      (t: Training) => (t.history = {} as never),
      /history must be an array of epoch records, got an object/,
    ],
    [
      'history longer than the epochs done',
      (t: Training) => (t.history = Array.from({ length: 5000 }, () => t.history[0])),
      /history holds 5000 records, but position\.epoch says 1 epochs are finished/,
    ],
    [
      'a record with a string loss',
      (t: Training) => ((t.history[0] as Record<string, unknown>).trainLoss = 'NaN'),
      /history\[0\]\.trainLoss must be a finite number ≥ 0, got "NaN"/,
    ],
    [
      'a record with a null test loss (NaN in JSON)',
      (t: Training) => ((t.history[0] as Record<string, unknown>).testLoss = null),
      /history\[0\]\.testLoss must be a finite number ≥ 0, got null/,
    ],
    [
      'a record of another epoch',
      (t: Training) => ((t.history[0] as Record<string, unknown>).epoch = 7),
      /history\[0\]\.epoch is 7, expected 1/,
    ],
    [
      'an accuracy above 1',
      (t: Training) => ((t.history[0] as Record<string, unknown>).testAccuracy = 42),
      /history\[0\]\.testAccuracy is 42, above 1/,
    ],
    [
      'no position',
      (t: Training) => delete (t as Partial<Training>).position,
      /position must be an object \{ epoch, batch, lossSum, samples \}, got undefined/,
    ],
    [
      'a fractional epoch',
      (t: Training) => (t.position.epoch = 1.5),
      /position\.epoch must be an integer ≥ 0, got 1\.5/,
    ],
    [
      'an epoch beyond the run',
      (t: Training) => (t.position.epoch = 9),
      /position\.epoch is 9, beyond the run's 2 epochs/,
    ],
    [
      'a batch beyond the epoch',
      (t: Training, c: Checkpoint) => (
        (t.position.batch = 9999), (t.position.samples = 800), (c.training!.step = 25 + 9999)
      ),
      /position\.batch is 9999, outside 0…25 \(an epoch of 800 samples in batches of 32 has 25\)/,
    ],
    [
      'samples that the batches do not hold',
      (t: Training, c: Checkpoint) => (
        (t.position.batch = 3), (t.position.samples = 5), (t.position.lossSum = 1), (c.training!.step = 28)
      ),
      /position\.samples is 5, but 3 batches of 32 hold 96 samples/,
    ],
    [
      'a negative loss sum',
      (t: Training) => (t.position.lossSum = -1),
      /position\.lossSum must be a finite number ≥ 0, got -1/,
    ],
    [
      'a step count that disagrees with the position',
      (_t: Training, c: Checkpoint) => (c.training!.step = 3),
      /step is 3, but epoch 1 and batch 0 at 25 batches per epoch make 25 steps/,
    ],
    [
      'a scheduler at another step',
      (t: Training) => ((t.scheduler as { lastStep: number }).lastStep = 24),
      /scheduler\.lastStep is 24, but the run is at step 25/,
    ],
    [
      'a scheduler of another kind',
      (t: Training) => (t.scheduler = { type: 'StepLR', lastStep: 25 }),
      /the state belongs to a StepLR/,
    ],
  ])(
    'refuses %s: exit 1, one line naming the field, nothing written',
    async (name, edit, message) => {
      const directory = `edited-${name.replace(/\W+/g, '-')}`;
      mkdirSync(join(cwd, directory));
      for (const file of ['config.json', 'model.safetensors'])
        copyFileSync(join(cwd, 'base', file), join(cwd, directory, file));
      resumable(directory, edit);
      const model = readFileSync(join(cwd, directory, 'model.safetensors'));
      const resumed = await runCli(['train', '--resume', directory], { cwd });
      expect(resumed.code).toBe(1);
      expect(resumed.stdout).not.toMatch(/^epoch /m); // not one step trained
      expect(resumed.stderr).toMatch(
        new RegExp(
          `^backprop: error: ${directory}/checkpoint\\.safetensors is damaged or not a backprop training checkpoint \\(.+\\); the run cannot be resumed from it — restore the file, or start a new run\\n$`,
        ),
      );
      expect(resumed.stderr).toMatch(message);
      expect(readFileSync(join(cwd, directory, 'model.safetensors')).equals(model)).toBe(true);
    },
    60_000,
  );
});
