// Cat or not cat (issue 15): `train --data FOLDER` with one subfolder per class, through the built
// binary — pictures decoded, split per class, learned; class names saved and printed by predict.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelFile } from '../src/run/model-file.js';
import { writePictureFolder } from './pictures.js';
import { events, notices, runCli, scratchDirectory } from './run-cli.js';

const cwd = scratchDirectory();

/**
 * `train --data DATA --skip-bad` on a folder with bad files: 16×16 pictures, one epoch on one worker,
 * `--json`; its exit code, events and the notices among them (one per skipped file).
 */
async function trainSkippingBad(options: { data: string; out: string; valSplit?: number }) {
  const split = options.valSplit === undefined ? [] : ['--val-split', String(options.valSplit)];
  const result = await runCli(
    [
      'train',
      '--data',
      options.data,
      '--skip-bad',
      ...split,
      '--image-size',
      '16',
      '--epochs',
      '1',
      '--workers',
      '1',
      '--out',
      options.out,
      '--json',
    ],
    { cwd },
  );
  return { code: result.code, events: events(result.stdout), notices: notices(result.stdout) };
}

describe('train on a folder of pictures', () => {
  beforeAll(() => {
    writePictureFolder(join(cwd, 'pictures'), 60);
    writePictureFolder(join(cwd, 'unseen'), 4, 99);
  });

  it('learns cat vs not-cat, saves the class names, and predict answers with them', async () => {
    const args = [
      'train',
      '--data',
      'pictures',
      '--image-size',
      '16',
      '--epochs',
      '6',
      '--workers',
      '1',
      '--out',
      'cats',
      '--json',
    ];
    const result = await runCli(args, { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const all = events(result.stdout);
    const start = all.find((e) => e.event === 'start')!;
    expect(start).toMatchObject({ trainSamples: 96, testSamples: 24 }); // 48 + 12 of each class
    expect(start.data).toMatch(
      /^pictures pictures: 120 in 2 classes \(cat, not-cat\), RGB 16×16, stratified 80 \/ 20 split$/,
    );
    expect(start.model).toMatch(/^photo-cnn/);
    expect(start.config as Record<string, unknown>).toMatchObject({
      imageSize: 16,
      grayscale: false,
      valSplit: 0.2,
      skipBad: false,
      augment: 'flip-shift',
    });
    expect(start.classNames).toEqual(['cat', 'not-cat']);
    const done = all.find((e) => e.event === 'done')!;
    expect(done.testAccuracy as number).toBeGreaterThanOrEqual(0.9);
    // Per-class validation accuracy each epoch: 12 of each class, adding up to the overall accuracy.
    const epochs = all.filter((e) => e.event === 'epoch') as unknown as Array<{
      testAccuracy: number;
      perClass: { correct: number[]; count: number[] };
    }>;
    expect(epochs).toHaveLength(6);
    for (const epoch of epochs) {
      expect(epoch.perClass.count).toEqual([12, 12]);
      expect((epoch.perClass.correct[0]! + epoch.perClass.correct[1]!) / 24).toBeCloseTo(epoch.testAccuracy, 12);
    }

    const saved = readModelFile(join(cwd, 'cats', 'model.safetensors'));
    expect(saved.info).toMatchObject({
      sampleShape: [3, 16, 16],
      classes: 2,
      classNames: ['cat', 'not-cat'],
      pictures: { imageSize: 16, grayscale: false },
    });

    const predicted = await runCli(['predict', 'cats', 'unseen/cat/0.png', 'unseen/not-cat/1.jpg', '--json'], { cwd });
    expect(predicted.code).toBe(0);
    const answers = predicted.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { top: Array<{ name: string }> });
    expect(answers.map((answer) => answer.top[0]!.name)).toEqual(['cat', 'not-cat']);

    const evaluated = await runCli(['eval', 'cats', '--json'], { cwd });
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report).toMatchObject({ samples: 24, accuracy: done.testAccuracy });
    expect(
      report.perClass.map((c: { name: string; samples: number; accuracy: number }) => [c.name, c.samples, c.accuracy]),
    ).toEqual([
      ['cat', 12, epochs.at(-1)!.perClass.correct[0]! / 12],
      ['not-cat', 12, epochs.at(-1)!.perClass.correct[1]! / 12],
    ]);

    // predict and eval agree on the same files: a held-out folder (PNG 40×30, JPEG 24×32: cropped as in training) scored whole.
    const heldOut = JSON.parse((await runCli(['eval', 'cats', '--data', 'unseen', '--json'], { cwd })).stdout);
    expect(heldOut.samples).toBe(8);
    const files = [
      'cat/0.png',
      'cat/1.jpg',
      'cat/2.png',
      'cat/3.jpg',
      'not-cat/0.png',
      'not-cat/1.jpg',
      'not-cat/2.png',
      'not-cat/3.jpg',
    ];
    const each = await runCli(['predict', 'cats', ...files.map((file) => `unseen/${file}`), '--json'], { cwd });
    const predictions = each.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { top: Array<{ class: number; probability: number }> });
    const confusion = [
      [0, 0],
      [0, 0],
    ];
    let loss = 0;
    predictions.forEach((prediction, i) => {
      const actual = i < 4 ? 0 : 1;
      confusion[actual]![prediction.top[0]!.class]! += 1;
      loss -= Math.log(prediction.top.find((t) => t.class === actual)!.probability);
    });
    expect(confusion).toEqual(heldOut.confusion);
    expect(loss / 8).toBeCloseTo(heldOut.loss, 5);

    // The PyTorch hand-off of a picture run: 8-bit pixels are divided by 255, as the decoder did.
    const exported = await runCli(['export', 'cats', '--quiet'], { cwd });
    expect(exported.code).toBe(0);
    expect(readFileSync(join(cwd, 'cats', 'pytorch', 'model.py'), 'utf8')).toMatch(/^PIXEL_SCALE = 255\.0$/m);
  });

  it('grey pictures of another size, and the validation split', async () => {
    const result = await runCli(
      [
        'train',
        '--data',
        'pictures',
        '--image-size',
        '20',
        '--grayscale',
        '--val-split',
        '0.5',
        '--epochs',
        '1',
        '--workers',
        '1',
        '--out',
        'grey',
        '--json',
      ],
      { cwd },
    );
    expect(result.code).toBe(0);
    expect(events(result.stdout).find((e) => e.event === 'start')).toMatchObject({ trainSamples: 60, testSamples: 60 });
    expect(readModelFile(join(cwd, 'grey', 'model.safetensors')).info.sampleShape).toEqual([1, 20, 20]);
  });

  it.each([
    [
      'one class folder',
      'one-class',
      /--data: one-class: has one class folder \(cat\); a classifier needs at least two/,
      1,
    ],
    ['a file that is not a picture', 'bad-file', /notes\.txt/, 1],
  ])('refuses %s', async (_name, folder, message, code) => {
    mkdirSync(join(cwd, folder, 'cat'), { recursive: true });
    writePictureFolder(join(cwd, `${folder}-source`), 2);
    writeFileSync(join(cwd, folder, 'cat', '0.png'), readFileSync(join(cwd, `${folder}-source`, 'cat', '0.png')));
    if (folder === 'bad-file') {
      mkdirSync(join(cwd, folder, 'dog'));
      writeFileSync(join(cwd, folder, 'dog', '0.png'), readFileSync(join(cwd, `${folder}-source`, 'not-cat', '0.png')));
      writeFileSync(join(cwd, folder, 'dog', 'notes.txt'), 'not a picture');
    }
    const result = await runCli(['train', '--data', folder, '--epochs', '1'], { cwd });
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(/^backprop: error: .+\n$/);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(cwd, 'runs'))).toBe(false);
  });

  it('--skip-bad leaves a damaged file out with a warning', async () => {
    writePictureFolder(join(cwd, 'damaged'), 20, 5);
    writeFileSync(
      join(cwd, 'damaged', 'cat', 'broken.png'),
      readFileSync(join(cwd, 'damaged', 'cat', '0.png')).subarray(0, 100),
    );
    const { code, notices } = await trainSkippingBad({ data: 'damaged', out: 'skipped' });
    expect(code).toBe(0);
    expect(notices.some((m) => /skipped cat\/broken\.png|skipped .*broken\.png/.test(m))).toBe(true);
  });

  // NOTE(batch-norm-refresh): 3 epochs of 3 steps left the running statistics so far behind that
  // every validation picture was called not-cat (50%, test loss 0.566) while training loss was 0.14.
  it('few steps on 100 pictures: BatchNorm statistics follow the weights, and eval agrees with the last validation', async () => {
    writePictureFolder(join(cwd, 'hundred'), 50);
    const result = await runCli(
      ['train', '--data', 'hundred', '--epochs', '3', '--workers', '1', '--out', 'few-steps', '--json'],
      { cwd },
    );
    expect(result.code).toBe(0);
    const done = events(result.stdout).find((e) => e.event === 'done')!;
    expect(done.testAccuracy as number).toBeGreaterThanOrEqual(0.9);
    expect(done.testLoss as number).toBeLessThan(0.3);
    const evaluated = JSON.parse((await runCli(['eval', 'few-steps', '--json'], { cwd })).stdout);
    expect(evaluated.samples).toBe(20);
    expect(evaluated.accuracy).toBe(done.testAccuracy);
    expect(evaluated.loss).toBeCloseTo(done.testLoss as number, 5);
  });

  // Issue 15's broken files, through the CLI: one line naming the file, the problem and the fix
  // (the CLI's flags, not the library's options), exit 1, nothing written; --skip-bad lists them all.
  it('refuses each broken file with its one-line message, and --skip-bad trains without them', async () => {
    const root = writePictureFolder(join(cwd, 'broken'), 4, 7);
    const png = readFileSync(join(root, 'cat', '0.png'));
    const jpeg = readFileSync(join(root, 'cat', '1.jpg'));
    const badCrc = Uint8Array.from(png);
    badCrc[badCrc.length - 20]! ^= 0xff; // inside IDAT: its CRC no longer matches
    const huge = Uint8Array.from(png);
    new DataView(huge.buffer).setUint32(16, 100_000); // IHDR width and height: 100000×100000 …
    new DataView(huge.buffer).setUint32(20, 100_000);
    new DataView(huge.buffer).setUint32(29, crc32(huge.subarray(12, 29))); // … with a valid CRC
    const cases: Array<[string, Uint8Array | string, string]> = [
      [
        'truncated.jpg',
        jpeg.subarray(0, jpeg.length - 40),
        'JPEG is truncated (no end-of-image marker FF D9); re-save or re-export the image (it is damaged)',
      ],
      ['bad-crc.png', badCrc, 'PNG chunk IDAT at byte 33 has a bad CRC (the bytes were changed)'],
      [
        'huge.png',
        huge,
        'PNG declares 100000×100000 = 10,000,000,000 pixels, over the 50,000,000-pixel limit (maxPixels); shrink the image, or raise --max-pixels if the file is trusted',
      ],
      ['empty.png', new Uint8Array(0), 'the file is empty (0 bytes); give a PNG or JPEG image'],
      ['notes.jpg', 'a text file renamed', 'not a PNG or JPEG image (starts with "a text f")'],
    ];
    for (const [name, bytes, message] of cases) {
      const folder = join(cwd, `broken-${name}`);
      writePictureFolder(folder, 2, 3);
      writeFileSync(join(folder, 'not-cat', name), bytes);
      const result = await runCli(['train', '--data', folder, '--epochs', '1', '--out', join(folder, 'run')], { cwd });
      expect(result.code, name).toBe(1);
      expect(result.stderr, name).toMatch(/^backprop: error: [^\n]+\n$/);
      expect(result.stderr, name).toContain(`--data: ${join(folder, 'not-cat', name)}: ${message}`);
      if (!message.includes('--max-pixels')) expect(result.stderr, name).toMatch(/, or pass --skip-bad to skip it\n$/);
      expect(existsSync(join(folder, 'run')), name).toBe(false);
      writeFileSync(join(root, 'not-cat', name), bytes);
    }
    // The folder's own problems: a file at the top level, an empty class folder.
    writeFileSync(join(cwd, 'broken', 'README.txt'), 'pictures of cats');
    const top = await runCli(['train', '--data', 'broken', '--epochs', '1'], { cwd });
    expect(top.stderr).toBe(
      'backprop: error: --data: broken/README.txt: a file at the top level of an image folder, which holds one subfolder per class; move it into its class folder, or pass --skip-bad to skip it\n',
    );
    mkdirSync(join(cwd, 'broken', 'zebra'));
    const empty = await runCli(['train', '--data', 'broken', '--epochs', '1', '--skip-bad'], { cwd });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe(
      'backprop: error: --data: broken/zebra: class folder has no PNG or JPEG image; add images to it or remove the folder\n',
    );
    rmSync(join(cwd, 'broken', 'zebra'), { recursive: true });
    // --skip-bad: every broken file (and the stray top-level one) named, training on the 8 good pictures.
    const skipped = await trainSkippingBad({ data: 'broken', out: 'skipped-all', valSplit: 0.5 });
    expect(skipped.code).toBe(0);
    for (const name of ['README.txt', ...cases.map(([file]) => file)])
      expect(
        skipped.notices.filter((m) => m.includes(`skipped broken/${name === 'README.txt' ? '' : 'not-cat/'}${name} (`)),
      ).toHaveLength(1);
    expect(skipped.events.find((e) => e.event === 'start')).toMatchObject({ trainSamples: 4, testSamples: 4 });
  });

  it('picture options are refused for other data', async () => {
    const result = await runCli(['train', '--data', 'xor', '--image-size', '32'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--image-size applies to a folder of pictures/);
  });
});
