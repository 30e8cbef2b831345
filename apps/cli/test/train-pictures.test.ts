// Cat or not cat (issue 15): `train --data FOLDER` with one subfolder per class, through the built
// binary — pictures decoded, split per class, learned; class names saved and printed by predict.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelFile } from '../src/run/model-file.js';
import { writePictureFolder } from './pictures.js';
import { events, runCli, scratchDirectory } from './run-cli.js';

const cwd = scratchDirectory();

describe('train on a folder of pictures', () => {
  beforeAll(() => {
    writePictureFolder(join(cwd, 'pictures'), 60);
    writePictureFolder(join(cwd, 'unseen'), 4, 99);
  });

  it('learns cat vs not-cat, saves the class names, and predict answers with them', async () => {
    const args = ['train', '--data', 'pictures', '--image-size', '16', '--epochs', '6', '--workers', '1', '--out', 'cats', '--json'];
    const result = await runCli(args, { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const all = events(result.stdout);
    const start = all.find((e) => e.event === 'start')!;
    expect(start).toMatchObject({ trainSamples: 96, testSamples: 24 }); // 48 + 12 of each class
    expect(start.data).toMatch(/^pictures pictures: 120 in 2 classes \(cat, not-cat\), RGB 16×16, stratified 80 \/ 20 split$/);
    expect(start.model).toMatch(/^photo-cnn/);
    expect((start.config as Record<string, unknown>)).toMatchObject({ imageSize: 16, grayscale: false, valSplit: 0.2, skipBad: false, augment: 'flip-shift' });
    expect(all.find((e) => e.event === 'done')!.testAccuracy as number).toBeGreaterThanOrEqual(0.9);

    const saved = readModelFile(join(cwd, 'cats', 'model.safetensors'));
    expect(saved.info).toMatchObject({ sampleShape: [3, 16, 16], classes: 2, classNames: ['cat', 'not-cat'], pictures: { imageSize: 16, grayscale: false } });

    const predicted = await runCli(['predict', 'cats', 'unseen/cat/0.png', 'unseen/not-cat/1.jpg', '--json'], { cwd });
    expect(predicted.code).toBe(0);
    const answers = predicted.stdout.trim().split('\n').map((line) => JSON.parse(line) as { top: Array<{ name: string }> });
    expect(answers.map((answer) => answer.top[0]!.name)).toEqual(['cat', 'not-cat']);

    const evaluated = await runCli(['eval', 'cats', '--json'], { cwd });
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ samples: 24 });

    // The PyTorch hand-off of a picture run: 8-bit pixels are divided by 255, as the decoder did.
    const exported = await runCli(['export', 'cats', '--quiet'], { cwd });
    expect(exported.code).toBe(0);
    expect(readFileSync(join(cwd, 'cats', 'pytorch', 'model.py'), 'utf8')).toMatch(/^PIXEL_SCALE = 255\.0$/m);
  });

  it('grey pictures of another size, and the validation split', async () => {
    const result = await runCli(['train', '--data', 'pictures', '--image-size', '20', '--grayscale', '--val-split', '0.5', '--epochs', '1', '--workers', '1', '--out', 'grey', '--json'], { cwd });
    expect(result.code).toBe(0);
    expect(events(result.stdout).find((e) => e.event === 'start')).toMatchObject({ trainSamples: 60, testSamples: 60 });
    expect(readModelFile(join(cwd, 'grey', 'model.safetensors')).info.sampleShape).toEqual([1, 20, 20]);
  });

  it.each([
    ['one class folder', 'one-class', /--data: one-class: has one class folder \(cat\); a classifier needs at least two/, 1],
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
    writeFileSync(join(cwd, 'damaged', 'cat', 'broken.png'), readFileSync(join(cwd, 'damaged', 'cat', '0.png')).subarray(0, 100));
    const result = await runCli(['train', '--data', 'damaged', '--skip-bad', '--image-size', '16', '--epochs', '1', '--workers', '1', '--out', 'skipped', '--json'], { cwd });
    expect(result.code).toBe(0);
    const notices = events(result.stdout).filter((e) => e.event === 'notice').map((e) => e.message as string);
    expect(notices.some((m) => /skipped cat\/broken\.png|skipped .*broken\.png/.test(m))).toBe(true);
  });

  it('picture options are refused for other data', async () => {
    const result = await runCli(['train', '--data', 'xor', '--image-size', '32'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--image-size applies to a folder of pictures/);
  });
});
