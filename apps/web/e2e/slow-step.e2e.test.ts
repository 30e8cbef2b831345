// End-to-end: "one step, slowly" in Chromium shows exactly the numbers @backprop/core computes in
// Node for the same seed, point and weights — forward, loss, backward, and the SGD step.
import { crossEntropy, type Linear, noGrad, SGD, Tensor } from '@backprop/core';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { EXTENT, PlaygroundSession } from '../src/playground/session';
import { DEFAULT_SETTINGS, toSearch, type PlaygroundSettings } from '../src/playground/settings';
import { openPage, RESULTS, useSite, WAIT } from './open-page';

const site = useSite();

const SETTINGS: PlaygroundSettings = {
  ...DEFAULT_SETTINGS,
  dataset: 'xor',
  layers: 2,
  neurons: 4,
  activation: 'relu',
  learningRate: 0.1,
  l2: 0.001,
  seed: 3,
};
const TRAINED_EPOCHS = 2;

/**
 * The step on training point `index` computed here with core: the session's weights after the same
 * epochs, each Linear layer and relu applied by hand with retainGrad, cross-entropy, backward, and
 * core's SGD step. Keys as the page writes them (`z.1.3` = layer 1, neuron 3).
 */
async function stepInNode(index: number): Promise<Map<string, number>> {
  const session = new PlaygroundSession(SETTINGS);
  await session.train(TRAINED_EPOCHS);
  session.model.zeroGrad(); // training leaves the last minibatch's gradients behind
  const linears = session.model.parameters().length / 2;
  const layers = Array.from(
    { length: linears },
    (_, k) => (session.model as unknown as { layers: { items: unknown[] } }).layers.items[2 * k] as Linear,
  );
  const values = new Map<string, number>();
  const put = (prefix: string, data: Float32Array) => data.forEach((v, j) => values.set(`${prefix}.${j}`, v));
  const label = session.trainPoints.labels[index]!;
  let a = new Tensor(session.trainPoints.inputs.slice(2 * index, 2 * index + 2), [1, 2]);
  put('a.0', a.data);
  const kept: { z: Tensor; a: Tensor }[] = [];
  layers.forEach((linear, k) => {
    const z = linear.forward(a);
    z.retainGrad();
    a = k < linears - 1 ? z.relu() : z;
    if (a !== z) a.retainGrad();
    kept.push({ z, a });
  });
  const loss = crossEntropy(a, new Tensor(Float32Array.of(label), [1]));
  loss.backward();
  values.set('loss', loss.item());
  values.set('label', label);
  put(
    'p',
    noGrad(() => a.softmax(1).data),
  );
  kept.forEach(({ z, a: out }, k) => {
    put(`z.${k + 1}`, z.data);
    put(`gz.${k + 1}`, z.grad!.data);
    if (k < linears - 1) {
      put(`a.${k + 1}`, out.data);
      put(`ga.${k + 1}`, out.grad!.data);
    }
    const inputs = layers[k]!.inFeatures;
    layers[k]!.weight.grad!.data.forEach((g, i) =>
      values.set(`gw.${k + 1}.${Math.floor(i / inputs)}.${i % inputs}`, g),
    );
    put(`gb.${k + 1}`, layers[k]!.bias!.grad!.data);
  });
  new SGD(session.model.parameters(), { lr: SETTINGS.learningRate, weightDecay: SETTINGS.l2 }).step();
  layers.forEach((linear, k) => {
    linear.weight.data.forEach((w, i) =>
      values.set(`w.${k + 1}.${Math.floor(i / linear.inFeatures)}.${i % linear.inFeatures}`, w),
    );
    put(`b.${k + 1}`, linear.bias!.data);
  });
  return values;
}

/** The rows the panel shows at the current stage: key → value (full precision, from data-value). */
const rows = (page: Page) =>
  page.$$eval('#pg-slow-table tr', (trs) =>
    trs.map((tr) => [(tr as HTMLElement).dataset['key']!, Number((tr as HTMLElement).dataset['value'])] as const),
  );
const stage = (page: Page) => page.getAttribute('#pg-slow-stage', 'data-stage');

describe('one step, slowly, in Chromium', () => {
  it('walks a clicked point through forward, loss, backward and descent with the very numbers core computes in Node', async () => {
    const { page, errors } = await openPage({ ...site, path: `playground.html?${toSearch(SETTINGS)}` });
    for (let epoch = 1; epoch <= TRAINED_EPOCHS; epoch++) {
      await page.click('#pg-step');
      await page.waitForSelector(`#pg-network[data-epoch="${epoch}"]`, WAIT);
    }
    // click training point 17 on the boundary; the page picks the training point nearest the click
    const session = new PlaygroundSession(SETTINGS);
    const box = (await page.locator('#pg-boundary').boundingBox())!;
    const [x, y] = [session.trainPoints.inputs[34]!, session.trainPoints.inputs[35]!];
    await page.mouse.click(
      box.x + ((x + EXTENT) / (2 * EXTENT)) * box.width,
      box.y + ((EXTENT - y) / (2 * EXTENT)) * box.height,
    );
    await page.waitForSelector('#pg-slow-stage[data-stage="forward"]', WAIT);
    expect(await page.textContent('#pg-slow-stage')).toMatch(
      /^Point 18 \(label (blue|orange)\) · 1\/8 · Forward: hidden layer 1$/,
    );
    const expected = await stepInNode(17);
    const shown = new Map<string, number>();
    const stages: string[] = [];
    const boundaryBefore = await page.$eval('#pg-boundary', (c) => (c as HTMLCanvasElement).toDataURL());
    for (let position = 1; position <= 8; position++) {
      stages.push((await stage(page))!);
      for (const [key, value] of await rows(page)) shown.set(key, value);
      if (position === 2) {
        // Back shows the previous stage again, Next returns
        await page.click('#pg-slow-back');
        expect(await page.textContent('#pg-slow-stage')).toMatch(/· 1\/8 ·/);
        await page.click('#pg-slow-next');
      }
      if (position === 5) {
        // the last layer's backward stage: hovering an edge gives the chain-rule product
        await page.screenshot({ path: join(RESULTS, 'playground-slow-step.png'), fullPage: true });
        // edge 5 of the last layer joins h2.2 to score blue: point 30% of the way along it
        const from = (await page.locator('#pg-network canvas.neuron[data-layer="2"][data-index="1"]').boundingBox())!;
        const to = (await page.locator('#pg-network canvas.neuron[data-layer="3"][data-index="1"]').boundingBox())!;
        const [x1, y1, x2, y2] = [from.x + from.width - 1, from.y + from.height / 2, to.x + 1, to.y + to.height / 2];
        await page.mouse.move(x1 + 0.3 * (x2 - x1), y1 + 0.3 * (y2 - y1));
        const info = (await page.textContent('.network-info'))!;
        const match =
          /^∂loss\/∂w h2\.(2) → score (blue) = ∂loss\/∂z\(score \2\) · input\(h2\.\1\) = (\S+) × (\S+) = (\S+)$/.exec(
            info,
          );
        expect(match, info).not.toBeNull();
        const [dz, input, product] = match!.slice(3).map((text) => Number(text.replace('−', '-')));
        expect(Math.abs(dz! * input! - product!)).toBeLessThanOrEqual(1e-3 * Math.max(1e-3, Math.abs(product!)));
      }
      if (position < 8) {
        const next = position + 1;
        await page.click('#pg-slow-next');
        await page.waitForSelector(`#pg-slow-stage:text-matches("· ${next}/8 ·")`, WAIT);
      }
    }
    expect(stages).toEqual(['forward', 'forward', 'forward', 'loss', 'backward', 'backward', 'backward', 'descent']);
    expect([...shown.keys()].sort()).toEqual(
      [...expected.keys()].filter((key) => key !== 'a.3.0' && key !== 'a.3.1').sort(),
    );
    for (const [key, value] of shown) expect(value, key).toBe(expected.get(key));
    expect(await page.textContent('#pg-slow-text')).toMatch(/w ← w − 0\.1·\(∂loss\/∂w \+ 0\.001·w \(L2\)\)/);
    const boundaryAfter = await page.$eval('#pg-boundary', (c) => (c as HTMLCanvasElement).toDataURL());
    expect(boundaryAfter).not.toBe(boundaryBefore);
    await page.screenshot({ path: join(RESULTS, 'playground-slow-descent.png'), fullPage: true });
    expect(await page.textContent('#message'), 'message box').toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is usable 390 px wide and by keyboard: Next point, then Enter on Next', async () => {
    const { page, errors } = await openPage({
      ...site,
      path: `playground.html?${toSearch(SETTINGS)}`,
      width: 390,
      height: 844,
    });
    await page.focus('#pg-slow-point');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#pg-slow-stage[data-stage="forward"]', WAIT);
    expect(await page.textContent('#pg-slow-stage')).toMatch(/^Point 1 /);
    await page.focus('#pg-slow-next');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Enter');
    await page.waitForSelector('#pg-slow-stage[data-stage="backward"]', WAIT);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(RESULTS, 'playground-slow-step-390.png'), fullPage: true });
    expect(await page.textContent('#message'), 'message box').toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });
});
