// End-to-end: the Playground's network view in Chromium — a heat map per neuron that changes as the
// network trains, and the gradients switch showing the engine's gradients shrinking as the loss falls.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, RESULTS, useSite, WAIT } from './open-page';

const site = useSite();

/** Every neuron tile's pixels, by layer and index. */
const tiles = (page: Page) =>
  page.$$eval('#pg-network canvas.neuron', (canvases) =>
    (canvases as HTMLCanvasElement[]).map((c) => ({
      layer: c.dataset['layer'],
      index: c.dataset['index'],
      width: c.width,
      pixels: c.toDataURL(),
    })),
  );

const epoch = async (page: Page) => Number(await page.textContent('#pg-epoch'));

/** Clicks Step once and waits until the network view shows the new epoch. */
async function step(page: Page): Promise<void> {
  const next = (await epoch(page)) + 1;
  await page.click('#pg-step');
  await page.waitForSelector(`#pg-network[data-epoch="${next}"]`, WAIT);
}

/** Plays until the network view has drawn epoch `target`, then pauses. */
async function playUntil(page: Page, target: number): Promise<void> {
  await page.click('#pg-play');
  await page.waitForFunction(
    (t) => Number(document.querySelector('#pg-network')?.getAttribute('data-epoch')) >= t,
    target,
    WAIT,
  );
  await page.click('#pg-play');
  await page.waitForFunction(
    () =>
      document.querySelector('#pg-network')?.getAttribute('data-epoch') ===
      document.querySelector('#pg-epoch')?.textContent,
    undefined,
    WAIT,
  );
}

/**
 * The median gradient norm the page shows over nine single-epoch steps, and the train loss after:
 * a minibatch of 10 gives noisy gradients, so single readings are not compared.
 */
async function gradientsOverNineSteps(page: Page): Promise<{ norm: number; loss: number }> {
  const norms: number[] = [];
  for (let i = 0; i < 9; i++) {
    await step(page);
    norms.push(Number(await page.getAttribute('#pg-network', 'data-gradient-norm')));
  }
  norms.sort((a, b) => a - b);
  return { norm: norms[4]!, loss: Number(await page.textContent('#pg-train-loss')) };
}

describe('the Playground network view in Chromium', () => {
  it('draws one heat map per neuron, and the maps change as the network trains', async () => {
    const { page, errors } = await openPage({
      ...site,
      path: 'playground.html?dataset=circles&layers=2&neurons=6&seed=1',
    });
    const before = await tiles(page);
    expect(before.map((t) => `${t.layer}.${t.index}`)).toEqual([
      ...['0.0', '0.1'],
      ...Array.from({ length: 6 }, (_, i) => `1.${i}`),
      ...Array.from({ length: 6 }, (_, i) => `2.${i}`),
      ...['3.0', '3.1'],
    ]);
    expect(before.every((t) => t.width === 20)).toBe(true); // a 20×20 map each
    expect(new Set(before.map((t) => t.pixels)).size).toBe(16); // no two neurons alike
    expect(Number(await page.getAttribute('#pg-network canvas.edges', 'data-count'))).toBe(2 * 6 + 6 * 6 + 6 * 2);
    for (let i = 0; i < 5; i++) await step(page);
    const after = await tiles(page);
    after.forEach((tile, i) => {
      // the inputs x₁, x₂ never change; every other neuron's map does
      if (tile.layer === '0') expect(tile.pixels).toBe(before[i]!.pixels);
      else expect(tile.pixels, `neuron ${tile.layer}.${tile.index}`).not.toBe(before[i]!.pixels);
    });
    // hovering a neuron and a weight shows its value
    await page.hover('#pg-network canvas.neuron[data-layer="1"][data-index="2"]');
    expect(await page.textContent('.network-info')).toMatch(
      /^h1\.3: tanh\(Σ w·input \+ b\), from −?\d\.\d{3,4} to −?\d\.\d{3,4} over the plane; bias −?\d/,
    );
    await page.screenshot({ path: join(RESULTS, 'playground-network.png'), fullPage: true });
    await page.mouse.move(0, 0);
    await page.focus('#pg-network canvas.neuron[data-layer="3"][data-index="1"]');
    expect(await page.textContent('.network-info')).toMatch(/^score blue: class score/);
    expect(await page.textContent('#message'), 'message box').toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the gradients switch shows nonzero gradients from the engine that shrink as the loss falls; frame rate while playing', async () => {
    const { page, errors } = await openPage({
      ...site,
      path: 'playground.html?dataset=circles&layers=2&neurons=6&seed=1',
    });
    await page.check('#pg-gradients');
    await page.waitForSelector('#pg-network[data-gradient-norm]', WAIT);
    expect(await page.textContent('#pg-network-caption')).toMatch(/on the last minibatch \(10 points\)/);
    await playUntil(page, 15);
    const early = await gradientsOverNineSteps(page);
    const neuronGradients = await page.$$eval('#pg-network canvas.neuron[data-layer="1"]', (cs) =>
      cs.map((c) => Number((c as HTMLElement).dataset['value'])),
    );
    expect(neuronGradients.some((g) => g !== 0)).toBe(true);
    const edges = JSON.parse((await page.getAttribute('#pg-network canvas.edges', 'data-values'))!) as number[];
    expect(edges).toHaveLength(60);
    expect(edges.filter((g) => g !== 0).length).toBeGreaterThan(edges.length / 2);
    expect(await page.textContent('.legends')).toMatch(/neuron ∂loss\/∂z.*∂loss\/∂w/);
    // frame rate while the worker trains and the view redraws every epoch
    await page.click('#pg-play');
    await page.waitForFunction(
      () => Number(document.querySelector('#pg-network')?.getAttribute('data-epoch')) >= 60,
      undefined,
      WAIT,
    );
    const fps = Number(await page.getAttribute('#pg-fps', 'data-value'));
    await page.click('#pg-play');
    writeFileSync(
      join(RESULTS, 'playground-fps.json'),
      `${JSON.stringify({ fps, while: 'playing circles 2×6 tanh with the gradients view' })}\n`,
    );
    await playUntil(page, 150);
    const late = await gradientsOverNineSteps(page);
    await page.screenshot({ path: join(RESULTS, 'playground-gradients.png'), fullPage: true });
    expect(late.loss).toBeLessThan(early.loss / 3);
    expect(late.norm, `median ∂loss/∂w norm: ${early.norm} early, ${late.norm} late`).toBeLessThan(early.norm / 2);
    expect(late.norm).toBeGreaterThan(0);
    expect(await page.textContent('#message'), 'message box').toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works 390 px wide: the network fits, neurons take the keyboard focus', async () => {
    const { page, errors } = await openPage({
      ...site,
      path: 'playground.html?dataset=xor&layers=3&neurons=8&activation=relu&seed=2',
      width: 390,
      height: 844,
    });
    expect(await page.locator('#pg-network canvas.neuron').count()).toBe(2 + 3 * 8 + 2);
    await page.screenshot({ path: join(RESULTS, 'playground-network-390.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.focus('#pg-network canvas.neuron[data-layer="2"][data-index="7"]');
    expect(await page.textContent('.network-info')).toMatch(/^h2\.8: relu/);
    expect(await page.textContent('#message'), 'message box').toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });
});
