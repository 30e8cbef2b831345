// End-to-end: the built site in headless Chromium. Each view loads without console errors in a
// cross-origin isolated page and does its job; screenshots go to test-results/ (look at them).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainedModelFile } from './fixtures';
import { openPage, WAIT } from './open-page';
import { launchChromium } from './chromium';
import { APP_ROOT, startPreview } from './server';

const RESULTS = join(APP_ROOT, 'test-results');

let browser: Browser;
const servers: PreviewServer[] = [];
let isolatedUrl: string;
let plainUrl: string;

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  const [isolated, plain] = await Promise.all([startPreview({ isolated: true }), startPreview({ isolated: false })]);
  servers.push(isolated.server, plain.server);
  [isolatedUrl, plainUrl] = [isolated.url, plain.url];
  browser = await launchChromium();
  console.info(`e2e: Chromium ${browser.version()}`);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
});

/** Opens a page and records its console errors and uncaught exceptions (openPage, at 1280×900). */
function open(path: string, base = isolatedUrl): Promise<{ page: Page; errors: string[] }> {
  return openPage({ browser, base, path });
}

/** Draws a "1" on the Digits canvas with the mouse: one vertical stroke. */
async function drawOne(page: Page): Promise<void> {
  const box = (await page.locator('#dg-canvas').boundingBox())!;
  await page.mouse.move(box.x + 140, box.y + 40);
  await page.mouse.down();
  for (let y = 40; y <= 240; y += 20) await page.mouse.move(box.x + 140 + (y - 40) / 40, box.y + y);
  await page.mouse.up();
}

const number = async (page: Page, selector: string, attribute = 'data-value') =>
  Number(await page.getAttribute(selector, attribute));

describe('the built site in Chromium', () => {
  it('home: loads, cross-origin isolated, no console errors', async () => {
    const { page, errors } = await open('index.html');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.textContent('#isolation')).toMatch(/shared memory on/);
    await page.screenshot({ path: join(RESULTS, 'home.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('line: the loss falls as gradient descent steps, by hand and playing with a larger learning rate', async () => {
    const { page, errors } = await open('line.html');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const before = await number(page, '#line-loss');
    for (let step = 1; step <= 15; step++) {
      await page.click('#line-step');
      await page.waitForSelector(`#line-step-count:text-is("${step}")`, WAIT);
    }
    const after = await number(page, '#line-loss');
    expect(before).toBeGreaterThan(0);
    expect(after).toBeLessThan(before / 2);
    // a larger learning rate on the slider, then play until step 40
    await page.$eval('#line-lr', (input: HTMLInputElement) => {
      input.value = '0.5';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await page.textContent('#line-lr-value')).toBe('0.50');
    await page.click('#line-play');
    await page.waitForFunction(
      () => Number(document.querySelector('#line-step-count')?.textContent) >= 40,
      undefined,
      WAIT,
    );
    await page.click('#line-play');
    expect(await number(page, '#line-loss')).toBeLessThan(after);
    await page.screenshot({ path: join(RESULTS, 'line.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('playground: reaches ≥ 90% test accuracy on circles within 150 epochs, and the URL holds the settings', async () => {
    const { page, errors } = await open('playground.html?dataset=circles&seed=1');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(page.url()).toMatch(
      /dataset=circles&layers=2&neurons=6&activation=tanh&learningRate=0\.03&batchSize=10&l2=0&noise=0&trainRatio=50&seed=1$/,
    );
    await page.click('#pg-play');
    await page.waitForFunction(
      () =>
        Number(document.querySelector('#pg-test-accuracy')?.getAttribute('data-value')) >= 0.9 ||
        Number(document.querySelector('#pg-epoch')?.textContent) >= 150,
      undefined,
      WAIT,
    );
    await page.click('#pg-play');
    const accuracy = await number(page, '#pg-test-accuracy');
    const epoch = Number(await page.textContent('#pg-epoch'));
    expect(accuracy, `test accuracy at epoch ${epoch}`).toBeGreaterThanOrEqual(0.9);
    expect(epoch).toBeLessThanOrEqual(150);
    await page.screenshot({ path: join(RESULTS, 'playground.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('playground: invalid URL settings give a visible message and fall back to the defaults', async () => {
    const { page, errors } = await open('playground.html?dataset=moons&layers=99&seed=4');
    const message = await page.textContent('#message');
    expect(await page.isVisible('#message')).toBe(true);
    expect(message).toMatch(/dataset=moons is not valid/);
    expect(message).toMatch(/layers=99 is not valid: expected an integer 0–6; using 2/);
    expect(await page.inputValue('#pg-dataset')).toBe('circles');
    expect(page.url()).toMatch(/dataset=circles&layers=2&.*seed=4$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('digits: trains with 2 workers (accuracy rises), then a drawn digit gets a prediction', async () => {
    const { page, errors } = await open('digits.html');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.selectOption('#dg-workers', '2');
    await page.selectOption('#dg-samples', '1024');
    await page.selectOption('#dg-batch', '128');
    await page.fill('#dg-epochs', '2');
    await page.click('#dg-train');
    await page.waitForSelector('body[data-trained="1"]', WAIT);
    expect(await page.isVisible('#message')).toBe(false);
    const accuracies = JSON.parse((await page.getAttribute('#dg-accuracy', 'data-values'))!) as number[];
    expect(accuracies).toHaveLength(3); // before training, after epoch 1, after epoch 2
    expect(accuracies[2]!).toBeGreaterThan(accuracies[0]! + 0.3);
    expect(await number(page, '#dg-throughput')).toBeGreaterThan(0);
    expect(await page.textContent('#dg-status')).toMatch(/done after 16 steps/);
    await drawOne(page);
    await page.waitForSelector('#dg-prediction[data-digit]', WAIT);
    expect(await page.locator('#dg-probabilities .bar').count()).toBe(10);
    await page.screenshot({ path: join(RESULTS, 'digits.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('digits: a model.safetensors loads through the file picker; a corrupt file dropped on the page gives a message', async () => {
    const [{ page, errors }, bytes] = await Promise.all([open('digits.html'), trainedModelFile()]);
    await page.setInputFiles('#dg-file', {
      name: 'model.safetensors',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(bytes),
    });
    await page.waitForSelector('#dg-model-status[data-accuracy]', WAIT);
    expect(await page.textContent('#dg-model-status')).toMatch(
      /Loaded model\.safetensors: 25,450 parameters, input \[1, 784\], trained 32 steps; test accuracy \d+\.\d%/,
    );
    expect(await number(page, '#dg-model-status', 'data-accuracy')).toBeGreaterThan(0.7);
    await drawOne(page);
    await page.waitForSelector('#dg-prediction[data-digit]', WAIT);
    await page.screenshot({ path: join(RESULTS, 'digits-model.png'), fullPage: true });
    // drag and drop a file that is not safetensors
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])], 'broken.safetensors'));
      return transfer;
    });
    await page.dispatchEvent('#dg-drop', 'drop', { dataTransfer });
    await page.waitForSelector('#message:visible', WAIT);
    expect(await page.textContent('#message')).toMatch(/^broken\.safetensors is not a readable safetensors file: /);
    expect(await page.textContent('#dg-model-status')).toMatch(
      /Could not load broken\.safetensors; still using model\.safetensors/,
    );
    await page.screenshot({ path: join(RESULTS, 'digits-model-error.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('digits without the two headers: a visible note, and 2 workers still train, copying the weights each step', async () => {
    const { page, errors } = await open('digits.html', plainUrl);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(await page.textContent('#message')).toMatch(
      /not cross-origin isolated.*get a copy of the weights and the minibatch with every step/s,
    );
    expect(await page.textContent('#dg-status')).toMatch(/workers get copies of the weights \(page not isolated\)/);
    await page.selectOption('#dg-workers', '2');
    await page.selectOption('#dg-samples', '1024');
    await page.fill('#dg-epochs', '1');
    await page.click('#dg-train');
    await page.waitForSelector('body[data-trained="1"]', WAIT);
    const accuracies = JSON.parse((await page.getAttribute('#dg-accuracy', 'data-values'))!) as number[];
    expect(accuracies[1]!).toBeGreaterThan(accuracies[0]! + 0.3);
    await page.screenshot({ path: join(RESULTS, 'digits-fallback.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
