// Every kind of bad input gives one clear line on stderr and the documented exit code
// (2: fix the command line; 1: something failed while working), with no stack trace.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, scratchDirectory } from './run-cli.js';

const cwd = scratchDirectory();

const CASES: Array<[name: string, args: string[], code: number, message: RegExp]> = [
  ['an unknown flag', ['train', '--bogus'], 2, /unknown option '--bogus'; see 'backprop train --help'/],
  ['an unknown command', ['trian'], 2, /unknown command 'trian'.*Did you mean train\?/],
  [
    'a negative learning rate',
    ['train', '--lr', '-1'],
    2,
    /--lr must be a number > 0, got "-1" \(e\.g\. --lr 0\.001\)/,
  ],
  ['zero epochs', ['train', '--epochs', '0'], 2, /--epochs must be an integer ≥ 1, got "0" \(e\.g\. --epochs 5\)/],
  [
    'a batch size that is not a number',
    ['train', '--batch-size', 'abc'],
    2,
    /--batch-size must be an integer ≥ 1, got "abc"/,
  ],
  [
    'an unknown optimizer',
    ['train', '--optimizer', 'adamax'],
    2,
    /--optimizer must be one of sgd, adam, adamw, rmsprop, got "adamax"/,
  ],
  ['a missing value', ['train', '--lr'], 2, /option '--lr <rate>' argument missing/],
  ['--json with --quiet', ['train', '--json', '--quiet', '--data', 'xor'], 2, /--json and --quiet do not go together/],
  [
    'a bad value in a --config file',
    ['train', '--config', 'bad-config.json'],
    2,
    /epochs in bad-config\.json must be an integer ≥ 1, got -3/,
  ],
  [
    'an unknown key in a --config file',
    ['train', '--config', 'typo-config.json'],
    2,
    /--config typo-config\.json: unknown option "learningRate"/,
  ],
  ['a missing --config file', ['train', '--config', 'nope.json'], 2, /--config nope\.json: no such file/],
  [
    'a missing data file',
    ['train', '--data', 'missing.csv'],
    2,
    /--data: CSV file missing\.csv does not exist; check the path/,
  ],
  ['a missing IDX directory', ['train', '--data', 'no-such-dir'], 2, /--data: data source no-such-dir does not exist/],
  [
    'an unreadable data file',
    ['train', '--data', 'folder.csv'],
    1,
    /--data: \S*folder\.csv is a directory; only regular files are read/,
  ],
  ['a CSV that is not numeric', ['train', '--data', 'words.csv'], 1, /--data: parseCsv: words\.csv/],
  [
    'a missing model file',
    ['train', '--data', 'xor', '--model', 'missing.json'],
    2,
    /--model missing\.json: no such file; use mlp, cnn or the path/,
  ],
  [
    'a model file that is not JSON',
    ['train', '--data', 'xor', '--model', 'broken.json'],
    1,
    /--model broken\.json is not valid JSON \(.*\); fix the file/,
  ],
  [
    '2-D points into the CNN',
    ['train', '--data', 'circles', '--model', 'cnn'],
    2,
    /--model cnn needs images \[channels, height, width\].*shape \[2\]; use --model mlp/,
  ],
  [
    '2-D points into a 784-input model',
    ['train', '--data', 'circles', '--model', 'mnist-mlp.json'],
    2,
    /the data does not fit --model mnist-mlp\.json: samples of shape \[2\] fail in the model/,
  ],
  [
    'a model with the wrong number of classes',
    ['train', '--data', 'xor', '--model', 'three-classes.json'],
    2,
    /outputs \[3\] per sample, but the data has 2 classes; make the last layer output 2/,
  ],
  [
    'shift augmentation of points',
    ['train', '--data', 'xor', '--augment', 'shift'],
    2,
    /--augment shift moves images.*use --augment none/,
  ],
  ['eval of a missing run', ['eval', 'runs/none'], 2, /runs\/none: no such run directory/],
  [
    'eval of a corrupt model',
    ['eval', 'corrupt-run'],
    1,
    /corrupt-run\/model\.safetensors is damaged or not a backprop model/,
  ],
  ['predict without images', ['predict', 'corrupt-run'], 2, /missing required argument 'images'/],
  [
    'resuming a run that stopped before its first checkpoint',
    ['train', '--resume', 'early-stop'],
    2,
    /--resume early-stop: the run stopped before its first checkpoint .*--out early-stop --force/,
  ],
  [
    'an existing --out that holds no checkpoint',
    ['train', '--data', 'xor', '--out', 'early-stop'],
    2,
    /--out early-stop already exists and is not empty; .*add --force to replace its run \(it holds no checkpoint to resume\)/,
  ],
  ['no command', [], 2, /^$/],
];

describe('bad input', () => {
  beforeAll(() => {
    writeFileSync(join(cwd, 'bad-config.json'), JSON.stringify({ epochs: -3 }));
    writeFileSync(join(cwd, 'typo-config.json'), JSON.stringify({ learningRate: 0.1 }));
    mkdirSync(join(cwd, 'folder.csv'));
    writeFileSync(join(cwd, 'words.csv'), 'label,x\n1,2\ncat,dog\n');
    writeFileSync(join(cwd, 'broken.json'), '{ "type": "sequential", ');
    const linear = (input: number, output: number) => ({ type: 'linear', in: input, out: output });
    writeFileSync(
      join(cwd, 'mnist-mlp.json'),
      JSON.stringify({
        type: 'sequential',
        layers: [{ type: 'flatten' }, linear(784, 32), { type: 'relu' }, linear(32, 10)],
      }),
    );
    writeFileSync(
      join(cwd, 'three-classes.json'),
      JSON.stringify({ type: 'sequential', layers: [linear(2, 8), { type: 'relu' }, linear(8, 3)] }),
    );
    mkdirSync(join(cwd, 'early-stop')); // what a run that failed in its first epoch leaves: config.json only
    writeFileSync(join(cwd, 'early-stop', 'config.json'), JSON.stringify({ data: 'xor', model: 'mlp', epochs: 2 }));
    mkdirSync(join(cwd, 'corrupt-run'));
    writeFileSync(join(cwd, 'corrupt-run', 'model.safetensors'), 'not a safetensors file at all');
  });

  it.each(CASES.map(([name, args, code, message]) => [`${name} → exit ${code}`, args, code, message] as const))(
    '%s',
    async (_title, args, code, message) => {
      const result = await runCli(args, { cwd });
      expect(result.code).toBe(code);
      if (args.length > 0) {
        expect(result.stderr).toMatch(/^backprop: error: .+\n$/); // exactly one line, no stack trace
        expect(result.stderr).toMatch(message);
      }
      expect(result.stdout).toBe(''); // errors go to stderr only
      expect(existsSync(join(cwd, 'runs'))).toBe(false); // a failed run leaves nothing behind
    },
  );

  it('--verbose adds the stack trace', async () => {
    const result = await runCli(['train', '--data', 'xor', '--model', 'broken.json', '--verbose'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toMatch(/^backprop: error: --model broken\.json/);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it('help texts list the commands, options and examples', async () => {
    const main = await runCli(['--help'], { cwd });
    expect(main.code).toBe(0);
    for (const command of ['train', 'eval', 'predict', 'bench', 'export']) expect(main.stdout).toContain(command);
    expect(main.stdout).toContain(
      'Exit codes: 0 ok, 1 runtime error, 2 usage error, 130 stopped by Ctrl-C, 141 stopped because stdout was closed.',
    );
    const train = await runCli(['train', '--help'], { cwd });
    for (const flag of [
      '--model',
      '--data',
      '--epochs',
      '--batch-size',
      '--lr',
      '--optimizer',
      '--schedule',
      '--workers',
      '--seed',
      '--out',
      '--resume',
      '--config',
      '--json',
      '--quiet',
    ]) {
      expect(train.stdout).toContain(flag);
    }
    expect(train.stdout).toContain('$ backprop train --resume runs/mnist-cnn-1');
    for (const command of ['eval', 'predict', 'bench', 'export']) {
      const help = await runCli([command, '--help'], { cwd });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`$ backprop ${command}`);
    }
  });
});
