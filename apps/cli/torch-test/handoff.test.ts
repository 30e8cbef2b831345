// The PyTorch hand-off against real PyTorch (`pnpm test:torch`; /usr/bin/python3 with torch, or
// BACKPROP_TORCH_PYTHON): export; model.py's logits; train.py's optimizer state and schedules;
// the printed hints pasted as is, torchrun on 2 CPU processes; the way back (--weights, --init-from).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Adam,
  AdamW,
  buildModel,
  CosineAnnealingLR,
  crossEntropy,
  ExponentialLR,
  LinearWarmup,
  loadSafetensors,
  OneCycleLR,
  RMSprop,
  SGD,
  StepLR,
  Tensor,
  type LearningRateScheduler,
  type Optimizer,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSession } from '../src/run/training-checkpoint.js';
import { events, runCli, scratchDirectory } from '../test/run-cli.js';

const PYTHON = process.env.BACKPROP_TORCH_PYTHON ?? '/usr/bin/python3';
const CHECK = fileURLToPath(new URL('./handoff-check.py', import.meta.url));
const cwd = scratchDirectory();
/** PATH with `python3` and `torchrun` of PYTHON first, as on a machine where PyTorch is installed. */
let path = '';

function python(args: string[]): string {
  const result = spawnSync(PYTHON, [CHECK, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`python ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

function tensors(file: string): Record<string, Tensor> {
  return loadSafetensors(readFileSync(file)).tensors;
}

function maxDifference(a: Tensor, b: Tensor): number {
  expect(b.shape).toEqual(a.shape);
  return a.data.reduce((most, value, i) => Math.max(most, Math.abs(value - b.data[i]!)), 0);
}

/** One Backprop step from a run's checkpoint (weights + optimizer state) on the exported first batch: what train.py's first step must equal. */
function backpropStep(run: string, folder: string): Record<string, Tensor> {
  const { state, spec, config } = decodeSession(readFileSync(join(cwd, run, 'checkpoint.safetensors')), run);
  const model = buildModel(spec);
  model.loadStateDict(state.trainer.model);
  const { params: _, ...hyperparameters } = state.trainer.optimizer.paramGroups[0]! as unknown as Record<
    string,
    unknown
  >;
  const kinds = { adam: Adam, adamw: AdamW, sgd: SGD, rmsprop: RMSprop } as const;
  const optimizer: Optimizer = new kinds[config.optimizer](model.parameters(), hyperparameters);
  optimizer.loadStateDict(state.trainer.optimizer);
  const { inputs, labels } = tensors(join(cwd, folder, 'data', 'train.safetensors'));
  const rows = config.batchSize;
  const batch = new Tensor(inputs!.data.slice(0, rows * (inputs!.size / inputs!.shape[0]!)), [
    rows,
    ...inputs!.shape.slice(1),
  ]);
  const targets = new Tensor(labels!.data.slice(0, rows), [rows]);
  model.train();
  optimizer.zeroGrad();
  crossEntropy(model.forward(batch), targets).backward();
  optimizer.step();
  return model.stateDict();
}

beforeAll(async () => {
  const probe = spawnSync(
    PYTHON,
    ['-c', 'import sys, torch; print(torch.__version__, "%d.%d" % sys.version_info[:2])'],
    { encoding: 'utf8' },
  );
  if (probe.status !== 0) {
    throw new Error(
      `test:torch needs PyTorch for ${PYTHON}, which ${probe.error ? 'does not run' : `says: ${probe.stderr.trim().split('\n').at(-1)}`}; ` +
        'install it (Debian: apt-get install -y --no-install-recommends python3-torch) or set BACKPROP_TORCH_PYTHON to a Python that has torch',
    );
  }
  mkdirSync(join(cwd, 'bin'));
  symlinkSync(PYTHON, join(cwd, 'bin', 'python3'));
  writeFileSync(
    join(cwd, 'bin', 'torchrun'),
    `#!/bin/sh\nexec '${PYTHON.replace(/'/g, `'\\''`)}' -m torch.distributed.run "$@"\n`,
  );
  chmodSync(join(cwd, 'bin', 'torchrun'), 0o755);
  path = `${join(cwd, 'bin')}:${process.env.PATH ?? ''}`;
}, 60_000);

describe('the PyTorch hand-off, with real PyTorch', () => {
  let exported = '';
  let last = { trainLoss: 0, testLoss: 0 };
  beforeAll(async () => {
    // A small CNN, 2 epochs of 100 steps; a constant rate so that more epochs continue at the same one.
    const trained = await runCli(
      [
        'train',
        '--data',
        'mnist',
        '--limit',
        '3200',
        '--model',
        'cnn',
        '--channels',
        '4,8',
        '--epochs',
        '2',
        '--schedule',
        'constant',
        '--workers',
        '2',
        '--out',
        'run',
        '--json',
      ],
      { cwd },
    );
    expect(trained.code, trained.stderr).toBe(0);
    const epochs = events(trained.stdout).filter((e) => e.event === 'epoch');
    last = { trainLoss: epochs.at(-1)!.trainLoss as number, testLoss: epochs.at(-1)!.testLoss as number };
    const result = await runCli(['export', 'run'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    exported = result.stdout;
  }, 120_000);

  it("model.py loads the weights strictly with its own reader and gives Backprop's logits (≤ 1e-5)", async () => {
    const report = JSON.parse(
      python(['logits', join('run', 'pytorch'), 'logits.safetensors'])
        .trim()
        .split('\n')
        .at(-1)!,
    ) as { safetensors_package: boolean };
    const { logits, inputs } = tensors(join(cwd, 'logits.safetensors'));
    const { readModelFile } = await import('../src/run/model-file.js');
    const backprop = readModelFile(join(cwd, 'run', 'model.safetensors')).model.forward(inputs!);
    expect(maxDifference(backprop, logits!)).toBeLessThanOrEqual(1e-5);
    expect(typeof report.safetensors_package).toBe('boolean'); // the reader by hand was compared with read_safetensors either way
  });

  it("train.py's optimizer continues Backprop's: one PyTorch step from the exported state equals Backprop's step (Adam, and SGD, RMSprop, AdamW)", async () => {
    const runs: Array<[string, string]> = [['run', join('run', 'pytorch')]];
    // xor runs (seconds each) with a constant rate: a cosine run ends at rate 0, where a step moves nothing.
    await Promise.all(
      ['sgd', 'rmsprop', 'adamw'].map(async (optimizer) => {
        const trained = await runCli(
          [
            'train',
            '--data',
            'xor',
            '--epochs',
            '1',
            '--optimizer',
            optimizer,
            '--schedule',
            'constant',
            '--workers',
            '1',
            '--out',
            `xor-${optimizer}`,
            '--quiet',
          ],
          { cwd },
        );
        expect(trained.code, trained.stderr).toBe(0);
        expect((await runCli(['export', `xor-${optimizer}`, '--quiet'], { cwd })).code).toBe(0);
      }),
    );
    runs.push(
      ...['sgd', 'rmsprop', 'adamw'].map((optimizer): [string, string] => [
        `xor-${optimizer}`,
        join(`xor-${optimizer}`, 'pytorch'),
      ]),
    );
    python(['step', ...runs.flatMap(([run, folder]) => [folder, `${run}-step.safetensors`])]);
    for (const [run, folder] of runs) {
      const torchWeights = tensors(join(cwd, `${run}-step.safetensors`));
      const backprop = backpropStep(run, folder);
      const before = tensors(join(cwd, folder, 'model.safetensors'));
      let moved = 0;
      for (const [name, value] of Object.entries(backprop)) {
        expect(maxDifference(value, torchWeights[name]!), `${run} ${name}`).toBeLessThanOrEqual(2e-6);
        moved = Math.max(moved, maxDifference(value, before[name]!));
      }
      expect(moved, `${run}: the step moved the weights`).toBeGreaterThan(1e-4); // so the equality above is no accident
    }
  }, 150_000);

  it("train.py follows Backprop's learning-rate schedules step for step", () => {
    const optimizer = () => ({ learningRate: 0.002 }); // each scheduler sets its optimizer's rate: one each
    const cases: Array<[string, LearningRateScheduler, number]> = [
      ['cosine', new CosineAnnealingLR(optimizer(), { tMax: 120 }), 150],
      ['step', new StepLR(optimizer(), { stepSize: 40 }), 130],
      ['exponential', new ExponentialLR(optimizer(), { gamma: 0.97 }), 100],
      ['warmup', new LinearWarmup(optimizer(), { warmupSteps: 30 }), 60],
      ['onecycle', new OneCycleLR(optimizer(), { maxLr: 0.01, totalSteps: 100 }), 100],
      [
        'onecycle-linear-3',
        new OneCycleLR(optimizer(), { maxLr: 0.01, totalSteps: 90, annealStrategy: 'linear', threePhase: true }),
        90,
      ],
    ];
    const asJson = (scheduler: LearningRateScheduler) => {
      const state = scheduler.stateDict();
      return { type: state.type, base_lr: state.baseLearningRate, options: state.options };
    };
    const json: object[] = cases.map(([name, scheduler, steps]) => ({ name, steps, schedule: asJson(scheduler) }));
    // A finished 4-epoch cosine run of 10 batches per epoch, extended to 6 epochs (NOTE(extend) in train.py).
    const run = {
      schedule: asJson(new CosineAnnealingLR(optimizer(), { tMax: 40 })),
      epochs: 4,
      batches_per_epoch: 10,
      optimizer: { hyperparameters: { lr: 0.002 } },
    };
    json.push(
      { name: 'stretch', steps: 60, run, epochs: 6, extend: 'stretch' },
      { name: 'tail', steps: 60, run, epochs: 6, extend: 'tail' },
    );
    writeFileSync(join(cwd, 'schedules.json'), JSON.stringify(json));
    python(['schedule', join('run', 'pytorch'), 'schedules.json', 'rates.safetensors']);
    const rates = tensors(join(cwd, 'rates.safetensors'));
    for (const [name, scheduler, steps] of cases) {
      const expected = Array.from({ length: steps + 1 }, (_, step) => scheduler.learningRateAt(step));
      const got = [...rates[name]!.data];
      expect(got.length).toBe(expected.length);
      got.forEach((rate, step) =>
        expect(Math.abs(rate - expected[step]!), `${name} step ${step}`).toBeLessThanOrEqual(
          1e-7 + 1e-6 * expected[step]!,
        ),
      );
    }
    // stretch: the cosine re-planned over 60 steps; tail: the planned 40, then from the rate of the last epoch (step 30) down to 0 over 20.
    const stretched = new CosineAnnealingLR(optimizer(), { tMax: 60 });
    const planned = new CosineAnnealingLR(optimizer(), { tMax: 40 });
    const start = planned.learningRateAt(30);
    const extended = {
      stretch: (step: number) => stretched.learningRateAt(step),
      tail: (step: number) =>
        step < 40 ? planned.learningRateAt(step) : (start * (1 + Math.cos((Math.PI * (step - 40)) / 20))) / 2,
    };
    for (const [name, expected] of Object.entries(extended)) {
      [...rates[name]!.data].forEach((rate, step) =>
        expect(Math.abs(rate - expected(step)), `${name} step ${step}`).toBeLessThanOrEqual(
          1e-9 + 1e-6 * expected(step),
        ),
      );
    }
    expect(rates.tail!.data[40]).toBeCloseTo((0.002 * (1 - Math.SQRT1_2)) / 2, 9); // the rate of the run's last epoch (0.00029)
    expect(rates.stretch!.data[40]).toBeCloseTo(0.0005, 9); // the re-planned cosine at 40 of 60 steps: higher
  });

  it('the printed hints work pasted: model.py, and torchrun on 2 CPU processes continues the descent with equal replicas; the way back agrees', async () => {
    const hint = (label: string) =>
      exported
        .split('\n')
        .find((line) => line.startsWith(label))!
        .slice(label.length)
        .trim();
    const shell = (line: string) =>
      spawnSync('bash', ['-c', line], { cwd, encoding: 'utf8', env: { ...process.env, PATH: path }, timeout: 240_000 });
    const check = shell(hint('check it:')); // pasted whole, its comment included
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(new RegExp(`test loss ${last.testLoss.toFixed(4)} `));

    const torchrun = hint('on 2 processes:');
    expect(torchrun).toMatch(
      /^\(cd run\/pytorch && torchrun --redirects 1 --tee 1 --standalone --nproc_per_node 2 train\.py --epochs 4\)$/,
    );
    const run = shell(torchrun.replace(/\)$/, ' --device cpu --save-every-rank)'));
    expect(run.status, run.stderr.slice(-3000)).toBe(0);
    expect(run.stdout).toContain('2 processes (gloo on CPUs), global batch 32');
    const folder = join(cwd, 'run', 'pytorch', 'trained');
    const metrics = readFileSync(join(folder, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>);
    expect(metrics.map((m) => [m.epoch, m.step])).toEqual([
      [2, 200],
      [3, 300],
      [4, 400],
    ]);
    // The start is Backprop's end, and the descent goes on: no epoch above Backprop's last loss beyond noise.
    expect(Math.abs(metrics[0]!.test_loss! - last.testLoss)).toBeLessThanOrEqual(1e-5);
    // (Test loss moves by several per cent between epochs at this stage: the epoch train loss is the steadier signal.)
    expect(metrics[1]!.train_loss).toBeLessThan(last.trainLoss);
    expect(metrics[2]!.train_loss).toBeLessThan(metrics[1]!.train_loss!);
    for (const m of metrics.slice(1)) expect(m.test_loss).toBeLessThan(last.testLoss * 1.1);
    expect(metrics[2]!.test_loss).toBeLessThan(last.testLoss);
    // DDP keeps the replicas bit-identical.
    const ranks = [0, 1].map((rank) => readFileSync(join(folder, `rank-${rank}.safetensors`)));
    expect(ranks[0]!.equals(ranks[1]!)).toBe(true);
    expect(readFileSync(join(folder, 'model.safetensors')).equals(ranks[0]!)).toBe(true);

    // The way back: the pasted eval hint (with the run's --limit) agrees with PyTorch's own evaluation.
    const back = hint('back into Backprop:');
    expect(back).toMatch(/ eval run --weights run\/pytorch\/trained\/model\.safetensors$/);
    const evaluated = await runCli(
      ['eval', 'run', '--weights', join('run', 'pytorch', 'trained', 'model.safetensors'), '--limit', '3200', '--json'],
      { cwd },
    );
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout) as { loss: number; accuracy: number; samples: number };
    expect(report.samples).toBe(2000);
    expect(Math.abs(report.loss - metrics[2]!.test_loss!)).toBeLessThanOrEqual(1e-5);
    expect(report.accuracy).toBe(metrics[2]!.test_accuracy);
    // --init-from starts a Backprop run from PyTorch's weights: a vanishing rate keeps them, so its test loss is PyTorch's.
    const again = await runCli(
      [
        'train',
        '--init-from',
        join('run', 'pytorch', 'trained', 'model.safetensors'),
        '--data',
        'mnist',
        '--limit',
        '3200',
        '--model',
        'cnn',
        '--channels',
        '4,8',
        '--epochs',
        '1',
        '--lr',
        '1e-12',
        '--schedule',
        'constant',
        '--workers',
        '2',
        '--out',
        'back',
        '--json',
      ],
      { cwd },
    );
    expect(again.code, again.stderr).toBe(0);
    const epoch = events(again.stdout).find((e) => e.event === 'epoch')!;
    expect(Math.abs((epoch.testLoss as number) - metrics[2]!.test_loss!)).toBeLessThanOrEqual(1e-4);
    expect(
      events(again.stdout).some(
        (e) => e.event === 'notice' && String(e.message).includes('starting from the weights in'),
      ),
    ).toBe(true);
  }, 300_000);
});
