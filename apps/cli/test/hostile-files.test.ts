// Hostile model files, data files and options (issue 19): nothing read from a file becomes code,
// every size is bounded before allocating, and each case ends in one clear line and an exit code.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, encodeModelFile, type ModelSpec } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, notices, runCli, scratchDirectory } from './run-cli.js';

const cwd = scratchDirectory();
const MLP: ModelSpec = {
  type: 'sequential',
  layers: [{ type: 'linear', in: 2, out: 4 }, { type: 'relu' }, { type: 'linear', in: 4, out: 2 }],
};

/** A run directory holding only a model.safetensors with the given spec and data metadata. */
function modelRun(name: string, spec: ModelSpec, info: Record<string, unknown>): string {
  const directory = join(cwd, name);
  mkdirSync(directory);
  const weights = buildModel(spec).stateDict();
  writeFileSync(join(directory, 'model.safetensors'), encodeModelFile({ weights, spec, info: info as never }));
  return name;
}

/** An IDX file: magic (0x0000080N), big-endian dimensions, then uint8 data. */
function idx(dimensions: number[], data: Uint8Array): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dimensions.length));
  header.setUint32(0, 0x800 + dimensions.length);
  dimensions.forEach((size, i) => header.setUint32(4 + 4 * i, size));
  return new Uint8Array([...new Uint8Array(header.buffer), ...data]);
}

/** 60 two-feature rows whose labels are `label(i)`. */
function csv(label: (row: number) => number): string {
  return Array.from({ length: 60 }, (_, i) => `${label(i)},${(i % 7) / 7},${(i % 5) / 5}`).join('\n');
}

/** One line on stderr in the CLI's form, and nothing on stdout. */
function expectOneLineError(result: { stdout: string; stderr: string }): void {
  expect(result.stderr).toMatch(/^backprop: error: .+\n$/);
  expect(result.stdout).toBe('');
}

describe('export: a model file is data, never code', () => {
  const INJECTION = "1); __import__('os').system('touch pwned') #";

  it.each([
    [
      'a string in sampleShape',
      { data: 'xor', sampleShape: [INJECTION], classes: 2 },
      /sampleShape must be 1 to 4 positive integers/,
    ],
    [
      'a fractional size',
      { data: 'xor', sampleShape: [2.5], classes: 2 },
      /sampleShape must be 1 to 4 positive integers/,
    ],
    [
      'a sample of 1.6 G values',
      { data: 'xor', sampleShape: [1, 40000, 40000], classes: 2 },
      /1600000000 values per sample, over the limit of 16777216/,
    ],
    [
      'classes that the model does not output',
      { data: 'xor', sampleShape: [2], classes: 100000 },
      /metadata does not match its model: it outputs \[2\] per sample, but the data has 100000 classes/,
    ],
    ['classes as a string', { data: 'xor', sampleShape: [2], classes: '2' }, /classes must be a positive integer/],
  ])('refuses %s (exit 1, no model.py)', async (name, info, message) => {
    const run = modelRun(`export-${name.replace(/\W+/g, '-')}`, MLP, info);
    const result = await runCli(['export', run], { cwd });
    expect(result.code).toBe(1);
    expectOneLineError(result);
    expect(result.stderr).toMatch(/model\.safetensors is damaged or not a backprop model/);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(cwd, run, 'pytorch', 'model.py'))).toBe(false);
    expect(existsSync(join(cwd, 'pwned'))).toBe(false);
  });

  it('writes model.py from a valid file that Python parses, with the sizes as literals', async () => {
    const run = modelRun('export-valid', MLP, { data: 'xor', sampleShape: [2], classes: 2 });
    const result = await runCli(['export', run, '--quiet'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const code = join(cwd, run, 'pytorch', 'model.py');
    expect(readFileSync(code, 'utf8')).toContain('INPUT_SHAPE = (2,)');
    // The syntax check needs no torch: Python's own parser reads the file.
    execFileSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', code]);
  });

  it('export --out FILE is a usage error, not a raw EEXIST', async () => {
    const run = modelRun('export-out-file', MLP, { data: 'xor', sampleShape: [2], classes: 2 });
    writeFileSync(join(cwd, 'a-file'), 'x');
    const result = await runCli(['export', run, '--out', 'a-file'], { cwd });
    expect(result.code).toBe(2);
    expectOneLineError(result);
    expect(result.stderr).toMatch(/--out a-file is a file, not a directory/);
  });
});

describe('labels and class counts are bounded before a model is sized from them', () => {
  beforeAll(() => {
    writeFileSync(
      join(cwd, 'prices.csv'),
      csv((i) => 150000 + 1000 * i),
    );
    writeFileSync(
      join(cwd, 'label-50000.csv'),
      csv((i) => (i === 17 ? 50000 : i % 2)),
    );
    writeFileSync(
      join(cwd, 'all-threes.csv'),
      csv(() => 3),
    );
    writeFileSync(
      join(cwd, 'fractions.csv'),
      csv((i) => i / 10),
    );
    mkdirSync(join(cwd, 'stray'));
    const images = new Uint8Array(40 * 64).map((_, i) => (i * 37) % 256);
    const labels = new Uint8Array(40).map((_, i) => (i === 5 ? 255 : i % 2));
    writeFileSync(join(cwd, 'stray', 'images'), idx([40, 8, 8], images));
    writeFileSync(join(cwd, 'stray', 'labels'), idx([40], labels));
    mkdirSync(join(cwd, 'shapes'));
    writeFileSync(join(cwd, 'shapes', 'train-images-idx3-ubyte'), idx([20, 8, 8], new Uint8Array(20 * 64)));
    writeFileSync(
      join(cwd, 'shapes', 'train-labels-idx1-ubyte'),
      idx(
        [20],
        new Uint8Array(20).map((_, i) => i % 2),
      ),
    );
    writeFileSync(join(cwd, 'shapes', 't10k-images-idx3-ubyte'), idx([10, 9, 9], new Uint8Array(10 * 81)));
    writeFileSync(
      join(cwd, 'shapes', 't10k-labels-idx1-ubyte'),
      idx(
        [10],
        new Uint8Array(10).map((_, i) => i % 2),
      ),
    );
  });

  it.each([
    [
      'house prices as labels',
      ['--data', 'prices.csv'],
      /label 1[0-9]+ \(row \d+\) asks for \d+ classes, over the limit of 1000; .*raise --max-classes/,
    ],
    [
      'one stray label 50000',
      ['--data', 'label-50000.csv'],
      /label 50000 \(row \d+\) asks for 50001 classes, over the limit of 1000/,
    ],
    [
      'a single class',
      ['--data', 'all-threes.csv'],
      /the training labels hold one class only \(label 3\); a classifier needs at least two classes/,
    ],
    [
      'fractional labels',
      ['--data', 'fractions.csv'],
      /labels must be class indices 0, 1, 2, …, found \d+\.\d{1,6} \(row \d+\)/,
    ],
    [
      'train and test samples of different shapes',
      ['--data', 'shapes', '--model', 'mlp'],
      /training samples have shape \[1, 8, 8\] but test samples \[1, 9, 9\]/,
    ],
  ])('train refuses %s before any run directory exists (exit 1)', async (_name, args, message) => {
    const result = await runCli(['train', ...args, '--epochs', '1', '--workers', '1'], { cwd });
    expect(result.code).toBe(1);
    expectOneLineError(result);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(cwd, 'runs'))).toBe(false);
  });

  it('--max-classes raises the limit', async () => {
    const result = await runCli(['train', '--data', 'label-50000.csv', '--max-classes', '2', '--epochs', '1'], { cwd });
    expect(result.stderr).toMatch(/over the limit of 2;/);
  });

  it('warns about a stray label 255 among two classes, and still trains', async () => {
    const result = await runCli(
      [
        'train',
        '--data',
        'stray/images,stray/labels',
        '--model',
        'mlp',
        '--hidden',
        '8',
        '--epochs',
        '1',
        '--workers',
        '1',
        '--out',
        'stray-run',
        '--json',
      ],
      { cwd },
    );
    expect(result.code).toBe(0);
    expect(
      notices(result.stdout).some((m) =>
        /labels go up to 255, so the model gets 256 outputs, but 25[34] of them have no training sample \(2, 3, 4, 5, 6 and 24[89] more\); check for stray labels/.test(
          m,
        ),
      ),
    ).toBe(true);
  });

  it('eval bounds the confusion matrix by --max-classes before allocating it', async () => {
    const spec: ModelSpec = { type: 'sequential', layers: [{ type: 'linear', in: 2, out: 5000 }] };
    const run = modelRun('eval-5000-classes', spec, { data: 'xor', sampleShape: [2], classes: 5000 });
    const result = await runCli(['eval', run], { cwd });
    expect(result.code).toBe(2);
    expectOneLineError(result);
    expect(result.stderr).toMatch(
      /has 5000 classes, over the limit of 1000 \(its confusion matrix would hold 5000² counts\); raise --max-classes/,
    );
  });
});

describe('--config files', () => {
  it.each(['__proto__', 'constructor', 'toString'])('refuses the key %s as an unknown option', async (key) => {
    writeFileSync(join(cwd, `config-${key}.json`), `{ "${key}": { "epochs": 1 } }`);
    const result = await runCli(['train', '--config', `config-${key}.json`], { cwd });
    expect(result.code).toBe(2);
    expectOneLineError(result);
    expect(result.stderr).toContain(`unknown option "${key}"`);
  });

  it('accepts a UTF-8 byte-order mark', async () => {
    writeFileSync(join(cwd, 'bom.json'), `\uFEFF${JSON.stringify({ data: 'xor', epochs: 1, lr: -1 })}`);
    const result = await runCli(['train', '--config', 'bom.json'], { cwd });
    expect(result.stderr).toMatch(/lr in bom\.json must be a number > 0, got -1/); // parsed: the BOM did not stop it
  });

  it('refuses a special file, a FIFO and an oversized file without reading them whole', async () => {
    writeFileSync(join(cwd, 'huge.json'), `{"epochs": 1, "pad": "${'x'.repeat(1_100_000)}"}`);
    const huge = await runCli(['train', '--config', 'huge.json'], { cwd });
    expect(huge.code).toBe(1);
    expect(huge.stderr).toMatch(/--config: \S*huge\.json is 1,100,\d+ bytes, over the 1,048,576-byte limit/);
    const special = await runCli(['train', '--config', '/dev/zero'], { cwd });
    expect(special.code).toBe(1);
    expect(special.stderr).toMatch(/--config: \/dev\/zero is a character device; only regular files are read/);
    execFileSync('mkfifo', [join(cwd, 'fifo.json')]);
    const fifo = await runCli(['train', '--config', 'fifo.json'], { cwd }); // would wait for a writer forever
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toMatch(/--config: \S*fifo\.json is a FIFO \(named pipe\); only regular files are read/);
  });
});

describe('error lines stay short', () => {
  it('a CSV with an 8 MB line gives an error line under 1,100 characters', async () => {
    writeFileSync(join(cwd, 'long-line.csv'), `label,x\n1,${'9'.repeat(8_000_000)}z\n0,1\n`);
    const result = await runCli(['train', '--data', 'long-line.csv', '--epochs', '1'], { cwd });
    expect(result.code).toBe(1);
    expectOneLineError(result);
    expect(result.stderr.length).toBeLessThan(1100);
  });
});

describe('worker counts are capped by the work', () => {
  it('train --workers 1000 starts one worker when each step has one chunk, and says so', async () => {
    const result = await runCli(
      [
        'train',
        '--data',
        'xor',
        '--workers',
        '1000',
        '--batch-size',
        '32',
        '--chunk-size',
        '32',
        '--epochs',
        '1',
        '--out',
        'workers-run',
        '--json',
      ],
      { cwd },
    );
    expect(result.code).toBe(0);
    const all = events(result.stdout);
    expect(all.find((e) => e.event === 'start')!.workers).toBe(1);
    expect(
      notices(result.stdout).some((m) =>
        /using 1 worker, not 1000: each step has 1 chunk of work \(--batch-size 32 \/ --chunk-size 32\); the result is the same/.test(
          m,
        ),
      ),
    ).toBe(true);
  });

  it('bench --workers beyond the chunks of a step is a usage error', async () => {
    const result = await runCli(['bench', '--workers', '1000', '--batch-size', '64'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--workers 1000: a step of --batch-size 64 has 4 chunks of 16 samples/);
  });
});

describe('model size and special model files', () => {
  it.each([
    [
      '--hidden 1000000000',
      ['--hidden', '1000000000'],
      /--model mlp has 5,000,000,002 parameters, over the limit of 100,000,000/,
    ],
    [
      'a spec layer 30 M wide',
      ['--model', 'wide.json'],
      /--model wide\.json has 150,000,002 parameters, over the limit of 100,000,000/,
    ],
  ])('train refuses %s before allocating (exit 2)', async (_name, args, message) => {
    writeFileSync(
      join(cwd, 'wide.json'),
      JSON.stringify({
        type: 'sequential',
        layers: [
          { type: 'linear', in: 2, out: 30_000_000 },
          { type: 'linear', in: 30_000_000, out: 2 },
        ],
      }),
    );
    const started = Date.now();
    const result = await runCli(['train', '--data', 'xor', ...args], { cwd });
    expect(result.code).toBe(2);
    expectOneLineError(result);
    expect(result.stderr).toMatch(message);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it.each(['eval', 'predict', 'export'])(
    '%s refuses a FIFO named model.safetensors instead of waiting for a writer',
    async (command) => {
      const run = join(cwd, `fifo-run-${command}`);
      mkdirSync(run);
      execFileSync('mkfifo', [join(run, 'model.safetensors')]);
      const args = command === 'predict' ? ['predict', run, 'a.png'] : [command, run];
      const result = await runCli(args, { cwd });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/model\.safetensors is a FIFO \(named pipe\); only regular files are read/);
    },
  );
});

describe('terminal escapes', () => {
  it('a run whose config.json names data with escape sequences: eval refuses it and no raw control character reaches the terminal', async () => {
    const run = modelRun('escape-run', MLP, { data: 'xor', sampleShape: [2], classes: 2 });
    writeFileSync(join(cwd, run, 'config.json'), JSON.stringify({ data: '\u001b]0;owned\u0007\u001b[31mred.csv' }));
    const result = await runCli(['eval', run], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/config\.json is damaged \(its data holds control characters\)/);
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('an error quoting a path with control characters shows them as \\xNN', async () => {
    const result = await runCli(['train', '--data', '\u001b[31mmissing.csv'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('\\x1b[31mmissing.csv');
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
