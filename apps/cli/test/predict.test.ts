// `backprop predict` on PNG fixtures made here from real test digits (fast-png's encoder): light on
// dark at 28×28, and dark on light at 84×84 RGBA with --invert. The answer must be the digit's
// label and match the model's own forward pass on the digit. Hostile PNGs (issue 19: 2, 14) are
// built chunk by chunk with valid CRCs and must be refused with one line and bounded memory.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, decodeCheckpoint, noGrad, Tensor } from '@backprop/core';
import { mnistSplit } from '@backprop/datasets';
import { loadMnistSync } from '@backprop/datasets/node';
import { spawnSync } from 'node:child_process';
import { crc32, deflateSync } from 'node:zlib';
import { encode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { BINARY, runCli, scratchDirectory } from './run-cli.js';

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

/** A PNG chunk: length, type, data, CRC-32 of type and data. */
function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** IHDR data: 8-bit, colour type `colorType` (0 grey, 3 palette). */
function ihdrData(width: number, height: number, colorType = 0): Uint8Array {
  const data = new Uint8Array(13);
  new DataView(data.buffer).setUint32(0, width);
  new DataView(data.buffer).setUint32(4, height);
  data.set([8, colorType, 0, 0, 0], 8);
  return data;
}

function pngFromChunks(...chunks: Uint8Array[]): Uint8Array {
  return Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunks.flatMap((c) => Array.from(c))]);
}

describe('backprop predict', () => {
  const digits: Digit[] = [];

  beforeAll(async () => {
    const trained = await runCli(
      [
        'train',
        '--data',
        'mnist',
        '--model',
        'mlp',
        '--hidden',
        '64',
        '--limit',
        '2000',
        '--epochs',
        '3',
        '--augment',
        'none',
        '--workers',
        '1',
        '--out',
        run,
        '--quiet',
      ],
      { cwd },
    );
    expect(trained.code).toBe(0);
    const saved = decodeCheckpoint(readFileSync(join(run, 'model.safetensors')));
    const model = buildModel(saved.spec);
    model.loadStateDict(saved.model);
    model.eval();
    const { test } = mnistSplit(loadMnistSync());
    // The first two test digits of different classes that the model gets right.
    for (let i = 0; i < test.count && digits.length < 2; i++) {
      const bytes = test.images.slice(i * 784, (i + 1) * 784);
      const input = new Tensor(
        Float32Array.from(bytes, (b) => b / 255),
        [1, 1, 28, 28],
      );
      const probabilities = noGrad(() => model.forward(input).softmax(1)).data;
      const label = test.labels[i]!;
      const best = probabilities.indexOf(Math.max(...probabilities));
      if (best === label && digits.every((d) => d.label !== label))
        digits.push({ label, bytes, probability: probabilities[label]! });
    }
    expect(digits).toHaveLength(2);
    writeFileSync(
      join(cwd, 'light-on-dark.png'),
      encode({ width: 28, height: 28, data: digits[0]!.bytes, channels: 1, depth: 8 }),
    );
    writeFileSync(
      join(cwd, 'dark-on-light.png'),
      encode({ width: 84, height: 84, data: darkOnLightRgba(digits[1]!.bytes, 3), channels: 4, depth: 8 }),
    );
  });

  it("gives the digit of a 28×28 light-on-dark PNG, with the model's own probability", async () => {
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
    expect(lines[0]).toMatch(
      new RegExp(
        `^dark-on-light\\.png  ${digits[1]!.label} \\(\\d+\\.\\d%\\)  \\d \\(\\d+\\.\\d%\\)  \\d \\(\\d+\\.\\d%\\)$`,
      ),
    );
    const shown = Number(/\((\d+\.\d)%\)/.exec(lines[0]!)![1]);
    expect(shown).toBeCloseTo(100 * digits[1]!.probability, 0);
    // Kept as it is (--no-auto-invert), the drawing is a different picture: the answer must change or lose confidence.
    const plain = await runCli(['predict', run, 'dark-on-light.png', '--json', '--no-auto-invert'], { cwd });
    const kept = JSON.parse(plain.stdout);
    expect(kept.inverted).toBe(false);
    expect(kept.top[0].class !== digits[1]!.label || kept.top[0].probability < digits[1]!.probability - 0.05).toBe(
      true,
    );
  });

  // Issue 15: pen on paper was read as another digit unless the user knew to pass --invert.
  it('inverts a dark-on-light drawing by itself, says so, and answers as for the light-on-dark digit', async () => {
    writeFileSync(
      join(cwd, 'ink-on-paper.png'),
      encode({ width: 28, height: 28, data: digits[0]!.bytes.map((b) => 255 - b), channels: 1, depth: 8 }),
    );
    const light = JSON.parse((await runCli(['predict', run, 'light-on-dark.png', '--json'], { cwd })).stdout);
    const ink = await runCli(['predict', run, 'ink-on-paper.png', '--json'], { cwd });
    expect(ink.code).toBe(0);
    const answer = JSON.parse(ink.stdout);
    expect(light.inverted).toBe(false);
    expect(answer.inverted).toBe(true);
    expect(answer.top.map((t: { class: number }) => t.class)).toEqual(light.top.map((t: { class: number }) => t.class));
    answer.top.forEach((t: { probability: number }, i: number) =>
      expect(t.probability).toBeCloseTo(light.top[i].probability, 6),
    );
    expect(answer.top[0].class).toBe(digits[0]!.label);
    // The text output says what was done, on stderr, beside the answer on stdout; the enlarged RGBA drawing too.
    const text = await runCli(['predict', run, 'ink-on-paper.png', 'dark-on-light.png', 'light-on-dark.png'], { cwd });
    expect(text.stderr).toBe(
      'ink-on-paper.png: dark ink on light paper — inverted, as the model reads light on dark (pass --no-auto-invert to keep it)\n' +
        'dark-on-light.png: dark ink on light paper — inverted, as the model reads light on dark (pass --no-auto-invert to keep it)\n',
    );
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^ink-on-paper\\.png  ${digits[0]!.label} \\(`));
    expect(lines[1]).toMatch(new RegExp(`^dark-on-light\\.png  ${digits[1]!.label} \\(`));
  });

  it('refuses a file that is not an image (exit 1) and a missing one (exit 2)', async () => {
    writeFileSync(join(cwd, 'fake.png'), 'GIF89a');
    const fake = await runCli(['predict', run, 'fake.png'], { cwd });
    expect(fake.code).toBe(1);
    expect(fake.stderr).toBe(
      'backprop: error: fake.png: not a PNG or JPEG image (starts with "GIF89a"); give a PNG or JPEG image (convert other formats first)\n',
    );
    const missing = await runCli(['predict', run, 'nope.png'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.png: no such file/);
  });

  // Issue 19, defect 2: this 68-byte file never finished decoding while memory grew past 2.3 GB.
  it('refuses a 68-byte PNG claiming 4294967295×1 from its header: exit 1, one line, bounded memory', async () => {
    writeFileSync(
      join(cwd, 'bomb.png'),
      pngFromChunks(
        pngChunk('IHDR', ihdrData(4294967295, 1)),
        pngChunk('IDAT', deflateSync(new Uint8Array(2))),
        pngChunk('IEND', new Uint8Array(0)),
      ),
    );
    // The child reports its peak resident memory on exit; a hang is killed after 30 s and fails.
    const report =
      'data:text/javascript,process.on("exit",()=>process.stderr.write("maxRSS "+process.resourceUsage().maxRSS+" kB\\n"))';
    const bomb = spawnSync(process.execPath, ['--import', report, BINARY, 'predict', run, 'bomb.png'], {
      cwd,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(bomb.signal).toBe(null);
    expect(bomb.status).toBe(1);
    const [message, rss] = bomb.stderr.split(/(?<=\n)(?=maxRSS)/);
    expect(message).toBe(
      'backprop: error: bomb.png: PNG declares 4294967295×1 = 4,294,967,295 pixels, over the 50,000,000-pixel limit (maxPixels); shrink the image, or raise --max-pixels if the file is trusted\n',
    );
    expect(Number(/^maxRSS (\d+) kB/.exec(rss ?? '')?.[1])).toBeLessThan(300_000); // the CLI with its model loaded, nothing more
    expect(bomb.stdout).toBe('');
  });

  // Issue 19, defect 14: width or height 0 exited 0 printing NaN%; a bad CRC and a palette image
  // without a palette were accepted.
  it('refuses width 0, a bad CRC and a palette image without PLTE (exit 1, no NaN)', async () => {
    const rows = pngChunk('IDAT', deflateSync(new Uint8Array(2)));
    const end = pngChunk('IEND', new Uint8Array(0));
    writeFileSync(join(cwd, 'zero.png'), pngFromChunks(pngChunk('IHDR', ihdrData(0, 1)), rows, end));
    writeFileSync(join(cwd, 'no-palette.png'), pngFromChunks(pngChunk('IHDR', ihdrData(1, 1, 3)), rows, end));
    const good = encode({ width: 28, height: 28, data: digits[0]!.bytes, channels: 1, depth: 8 });
    good[good.length - 20] ^= 0xff; // inside the image data: its chunk's CRC no longer matches
    writeFileSync(join(cwd, 'bad-crc.png'), good);
    const expected: Record<string, RegExp> = {
      'zero.png':
        /PNG is 0×1 pixels \(IHDR\): an image needs width and height ≥ 1; re-save or re-export the image \(it is damaged\)\n$/,
      'no-palette.png': /PNG is a palette image without a palette \(no PLTE chunk before IDAT\)/,
      'bad-crc.png': /PNG chunk IDAT at byte 33 has a bad CRC \(the bytes were changed\)/,
    };
    for (const [file, message] of Object.entries(expected)) {
      const result = await runCli(['predict', run, file], { cwd });
      expect(result.code, file).toBe(1);
      expect(result.stderr, file).toMatch(
        new RegExp(`^backprop: error: ${file.replace('.', '\\.')}: ${message.source}`),
      );
      expect(result.stdout, file).not.toContain('NaN');
    }
  });
});
