// End-to-end: the "Your pictures" page in Chromium on generated pictures — dropped and picked files,
// broken ones named in messages (as text, never markup), training with 2 workers to a validation
// accuracy, a held-out picture predicted, its loss, one step; and the model file read by the built
// CLI (`backprop predict`) and a CLI-trained model read by the page, with the same probabilities.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cliPredict, runCli } from './backprop-cli';
import { openPage, RESULTS, useSite, WAIT } from './open-page';
import { fixturePicture, hugePngHeader, truncatedPng, writeFixtureFolder, type FixtureFile } from './picture-fixtures';

const site = useSite();
const scratch = mkdtempSync(join(tmpdir(), 'backprop-pictures-e2e-'));

/** Drops `files` on `selector` as a real drag and drop would (a DataTransfer of Files). */
async function drop(page: Page, selector: string, files: FixtureFile[]): Promise<void> {
  const payload = files.map((file) => ({ name: file.name, type: file.mimeType, bytes: Array.from(file.bytes) }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const { name, type, bytes } of list) transfer.items.add(new File([new Uint8Array(bytes)], name, { type }));
    return transfer;
  }, payload);
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

const asInput = (file: FixtureFile) => ({ name: file.name, mimeType: file.mimeType, buffer: Buffer.from(file.bytes) });

describe('Your pictures in Chromium', () => {
  it('drops pictures, names the broken ones, trains, predicts a held-out one, shows its loss and learns from it; the CLI reads the saved model', async () => {
    const { page, errors } = await openPage({ browser: site.browser, base: site.base, path: 'pictures.html' });
    expect(await page.inputValue('.zone[data-index="0"] .zone-name')).toBe('cat');
    expect(await page.inputValue('.zone[data-index="1"] .zone-name')).toBe('not cat');

    // Class 0: 12 discs dropped with a truncated PNG, a 100000×100000 header and text whose name is markup.
    const markup: FixtureFile = {
      name: '<img src=x onerror="document.body.dataset.owned=1">.png',
      mimeType: 'image/png',
      bytes: new TextEncoder().encode('not a picture'),
    };
    await drop(page, '.zone[data-index="0"] .drop-zone', [
      ...Array.from({ length: 12 }, (_, i) => fixturePicture('disc', i, 1)),
      truncatedPng(),
      hugePngHeader(),
      markup,
    ]);
    await page.waitForSelector('.zone[data-index="0"][data-count="12"]', WAIT);
    const zoneErrors = await page.$$eval('.zone[data-index="0"] .zone-errors li', (items) =>
      items.map((item) => item.textContent),
    );
    expect(zoneErrors).toHaveLength(3);
    expect(zoneErrors[0]).toMatch(/^broken\.png: PNG /);
    expect(zoneErrors[1]).toBe(
      'bomb.png: PNG declares 100000×100000 = 10,000,000,000 pixels, over the 24,000,000-pixel limit (maxPixels); shrink the image, or raise ?maxPixels= in the address if the file is trusted',
    );
    expect(zoneErrors[2]).toMatch(
      /^<img src=x onerror="document\.body\.dataset\.owned=1">\.png: not a PNG or JPEG image/,
    );
    expect(await page.textContent('#message')).toMatch(/^3 files were not added:\nbroken\.png: /);
    expect(await page.$$('main img')).toHaveLength(0); // the name stayed text
    // Class 1: 12 bars through the zone's file picker.
    await page.setInputFiles(
      '.zone[data-index="1"] input[type="file"]',
      Array.from({ length: 12 }, (_, i) => asInput(fixturePicture('bar', i, 1))),
    );
    await page.waitForSelector('.zone[data-index="1"][data-count="12"]', WAIT);
    expect(await page.$$('.zone[data-index="1"] canvas.sample')).toHaveLength(12);
    // A class name is text too, in the zone and in the epochs table.
    await page.fill('.zone[data-index="0"] .zone-name', '<b>disc</b>');
    await page.press('.zone[data-index="0"] .zone-name', 'Enter');
    await page.waitForFunction(
      () =>
        document.querySelector('#pc-zones')?.getAttribute('data-names') === JSON.stringify(['<b>disc</b>', 'not cat']),
      undefined,
      WAIT,
    );
    await page.screenshot({ path: join(RESULTS, 'pictures-dropped.png'), fullPage: true });

    // Train: 2 workers, 8 epochs of batch 8 (20 pictures train, 4 validate).
    await page.fill('#pc-epochs', '8');
    await page.selectOption('#pc-batch', '8');
    await page.selectOption('#pc-workers', '2');
    await page.click('#pc-train');
    await page.waitForSelector('body[data-trained="1"]', { timeout: 240_000 });
    expect(await page.getAttribute('#pc-epochs-table', 'data-epochs')).toBe('8');
    expect(Number(await page.getAttribute('#pc-epochs-table', 'data-accuracy'))).toBeGreaterThanOrEqual(0.75);
    expect(await page.$$eval('#pc-epochs-table th', (cells) => cells.map((cell) => cell.textContent))).toEqual([
      'epoch',
      'train loss',
      'val. loss',
      'val. accuracy',
      '<b>disc</b>',
      'not cat',
    ]);
    expect(await page.$$('main b')).toHaveLength(0);

    // A held-out square PNG (so the CLI's padding and the page's crop see the same pixels).
    const heldOut = fixturePicture('disc', 42, 7);
    await page.setInputFiles('#pc-try-file', asInput(heldOut));
    await page.waitForSelector('#pc-prediction[data-best]', WAIT);
    expect(await page.getAttribute('#pc-prediction', 'data-best')).toBe('0');
    expect(await page.textContent('#pc-prediction')).toMatch(/^<b>disc<\/b>: (0\.[5-9]\d|1\.00) → <b>disc<\/b>$/);
    const pageProbabilities = JSON.parse(
      (await page.getAttribute('#pc-prediction', 'data-probabilities'))!,
    ) as number[];
    // Say it is "not cat": the loss as the tutorial writes it and the cross-entropy.
    await page.selectOption('#pc-label', '1');
    await page.waitForFunction(
      () => document.querySelector('#pc-loss-ce')?.getAttribute('data-value') !== '',
      undefined,
      WAIT,
    );
    const p1 = pageProbabilities[1]!;
    expect(await page.textContent('#pc-loss-tutorial')).toBe(`1 − ${p1.toFixed(2)} = ${(1 - p1).toFixed(2)}`);
    expect(Number(await page.getAttribute('#pc-loss-ce', 'data-value'))).toBeCloseTo(-Math.log(p1), 3);
    await page.click('#pc-learn');
    await page.waitForSelector('#pc-learned[data-after]', WAIT);
    expect(Number(await page.getAttribute('#pc-learned', 'data-after'))).toBeGreaterThan(
      Number(await page.getAttribute('#pc-learned', 'data-before')),
    );
    await page.screenshot({ path: join(RESULTS, 'pictures-trained.png'), fullPage: true });
    const afterStep = JSON.parse((await page.getAttribute('#pc-prediction', 'data-probabilities'))!) as number[];

    // Save: the built CLI predicts the same picture with the same probabilities.
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click('#pc-save')]);
    const run = join(scratch, 'page-run');
    mkdirSync(run);
    await download.saveAs(join(run, 'model.safetensors'));
    writeFileSync(join(scratch, 'held-out.png'), heldOut.bytes);
    const fromCli = cliPredict({ cwd: scratch, run, picture: 'held-out.png' }).probabilities;
    fromCli.forEach((p, i) => expect(p).toBeCloseTo(afterStep[i]!, 5));
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => document.body.dataset['owned'])).toBeUndefined();
    await page.close();
  }, 300_000);

  it('a model trained by the CLI loads in the page and predicts as `backprop predict` does', async () => {
    const folder = writeFixtureFolder(join(scratch, 'cli-pictures'), { perClass: 6, seed: 3 });
    runCli(
      [
        'train',
        '--data',
        folder,
        '--image-size',
        '16',
        '--epochs',
        '2',
        '--workers',
        '1',
        '--out',
        join(scratch, 'cli-run'),
        '--quiet',
      ],
      scratch,
    );
    const picture = fixturePicture('bar', 2, 9); // 40×40 PNG
    writeFileSync(join(scratch, 'bar.png'), picture.bytes);
    const fromCli = cliPredict({ cwd: scratch, run: join(scratch, 'cli-run'), picture: 'bar.png' }).probabilities;

    const { page, errors } = await openPage({
      browser: site.browser,
      base: site.base,
      path: 'pictures.html',
      width: 390,
      height: 844,
    });
    await page.setInputFiles('#pc-load', {
      name: 'model.safetensors',
      mimeType: 'application/octet-stream',
      buffer: readFileSync(join(scratch, 'cli-run', 'model.safetensors')),
    });
    await page.waitForSelector('#pc-model-status[data-classes]', WAIT);
    expect(await page.getAttribute('#pc-model-status', 'data-classes')).toBe(JSON.stringify(['blue', 'orange']));
    await page.setInputFiles('#pc-try-file', asInput(picture));
    await page.waitForSelector('#pc-prediction[data-probabilities]', WAIT);
    const fromPage = JSON.parse((await page.getAttribute('#pc-prediction', 'data-probabilities'))!) as number[];
    fromPage.forEach((p, i) => expect(p).toBeCloseTo(fromCli[i]!, 5));
    // 390 px wide: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(RESULTS, 'pictures-390.png'), fullPage: true });
    // Built-in digits fill the zones when there are no pictures.
    await page.click('#pc-digits');
    await page.waitForSelector('.zone[data-index="1"][data-count="60"]', WAIT);
    expect(await page.inputValue('.zone[data-index="0"] .zone-name')).toBe('3');
    expect(await page.inputValue('.zone[data-index="1"] .zone-name')).toBe('not 3');
    await page.screenshot({ path: join(RESULTS, 'pictures-digits-390.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
