// A short seeded fuzz of the CLI's JSON readers (--config files and --model spec files): mutated
// valid files either load or fail with a CliError — never a TypeError, RangeError or a hang.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readConfigFile, resolveRunOptions, resolveTrainConfig } from '../src/config/train-config.js';
import { CliError } from '../src/errors.js';
import { readSpecFile } from '../src/model/model-spec.js';
import { scratchDirectory } from './run-cli.js';

const cwd = scratchDirectory();
const SWITCHES = { force: false, json: false, quiet: false, verbose: false };

const VALID_CONFIG = JSON.stringify({
  data: 'xor',
  model: 'mlp',
  hidden: [16, 8],
  epochs: 3,
  batchSize: 32,
  lr: 0.01,
  optimizer: 'adam',
  seed: 2,
  maxClasses: 10,
});
const VALID_SPEC = JSON.stringify({
  type: 'sequential',
  layers: [
    { type: 'conv2d', in: 1, out: 4, kernel: 3, padding: 1 },
    { type: 'relu' },
    { type: 'maxPool2d', kernel: 2 },
    { type: 'flatten' },
    { type: 'linear', in: 64, out: 10 },
  ],
});

/** A mutation of `text`: truncation, byte flips, a huge number, deep nesting or a hostile key. */
function mutation(text: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat({ max: text.length }).map((cut) => text.slice(0, cut)),
    fc
      .array(fc.tuple(fc.nat({ max: text.length - 1 }), fc.integer({ min: 32, max: 126 })), {
        minLength: 1,
        maxLength: 4,
      })
      .map((flips) => {
        const chars = [...text];
        for (const [at, code] of flips) chars[at] = String.fromCharCode(code);
        return chars.join('');
      }),
    fc
      .constantFrom('1e308', '-1', '1.5', '9007199254740993', '"x"', 'null', '[]', '{}', 'true')
      .chain((value) =>
        fc
          .nat({ max: text.length - 1 })
          .map((at) =>
            text.replace(/\d+(\.\d+)?/g, (match, _f, offset: number) =>
              offset >= at && offset < at + 6 ? value : match,
            ),
          ),
      ),
    fc.integer({ min: 1, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    fc
      .integer({ min: 1, max: 30000 })
      .map(
        (depth) =>
          `{"type":"sequential","layers":[${'{"type":"sequential","layers":['.repeat(depth)}${']}'.repeat(depth)}]}`,
      ),
    fc
      .constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty')
      .map((key) => text.replace(/^\{/, `{"${key}": {"type": "relu"}, `)),
  );
}

/** Runs `load` on the file and accepts only success or a CliError / an Error with a message. */
function loadsOrFailsCleanly(load: () => unknown, cliErrorsOnly: boolean): void {
  try {
    load();
  } catch (error) {
    if (cliErrorsOnly) expect(error, String(error)).toBeInstanceOf(CliError);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(RangeError);
    expect((error as Error).message.length).toBeGreaterThan(0);
  }
}

describe('fuzz: JSON files the user names', () => {
  it('--config: mutated files load or fail with a CliError', () => {
    const file = join(cwd, 'fuzz-config.json');
    fc.assert(
      fc.property(mutation(VALID_CONFIG), (text) => {
        writeFileSync(file, text);
        loadsOrFailsCleanly(() => {
          const raw = readConfigFile(file);
          resolveTrainConfig(raw);
          resolveRunOptions(raw, SWITCHES);
        }, true);
      }),
      { seed: 19, numRuns: 400 },
    );
  });

  it('--model: mutated spec files load or fail with a CliError', () => {
    const file = join(cwd, 'fuzz-spec.json');
    fc.assert(
      fc.property(mutation(VALID_SPEC), (text) => {
        writeFileSync(file, text);
        loadsOrFailsCleanly(() => readSpecFile(file), true);
      }),
      { seed: 19, numRuns: 400 },
    );
  });
});
