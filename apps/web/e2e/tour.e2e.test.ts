// End-to-end: the tour in Chromium — linked first from home, and every number it shows obeys its
// own arithmetic (y = a·x + b, loss = |label − p|, cross-entropy = −log p, nudging ≈ backward, descent).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, RESULTS, useSite, WAIT } from './open-page';

const site = useSite();

const value = async (page: Page, id: string, attribute = 'data-value') =>
  Number(await page.getAttribute(`#${id}`, attribute));

async function slide(page: Page, id: string, to: number): Promise<void> {
  await page.$eval(
    `#${id}`,
    (input, v) => {
      (input as HTMLInputElement).value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    to,
  );
}

describe('the tour in Chromium', () => {
  it('is the first link on the home page', async () => {
    const { page, errors } = await openPage({ ...site, path: 'index.html' });
    expect(await page.getAttribute('.cards a >> nth=0', 'href')).toBe('./tour.html');
    expect(await page.textContent('.cards a >> nth=0')).toMatch(/Start here: the tour/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the engine's numbers, and they obey the tour's own arithmetic", async () => {
    const { page, errors } = await openPage({ ...site, path: 'tour.html' });
    // 1. y = a·x + b
    await slide(page, 'tour-a', 2);
    await slide(page, 'tour-b', -1.5);
    await page.waitForSelector('#tour-line-eq[data-b="-1.5"]', WAIT);
    expect(await value(page, 'tour-line-eq', 'data-y')).toBeCloseTo(2 * 1.5 - 1.5, 6);
    expect(await page.textContent('#tour-line-eq')).toBe('x = 1.5 → y = 2.0·1.5 + (−1.5) = 1.50');
    // 2–3. a 3 the network is unsure of: p, |label − p|, −log p
    const check = async () => {
      const [label, p, simple, crossEntropy] = await Promise.all(
        ['tour-label', 'tour-p', 'tour-simple-loss', 'tour-cross-entropy'].map((id) => value(page, id)),
      );
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
      expect(simple).toBeCloseTo(Math.abs(label! - p!), 6);
      expect(crossEntropy).toBeCloseTo(label === 1 ? -Math.log(p!) : -Math.log(1 - p!), 4);
      return { label: label!, p: p! };
    };
    const first = await check();
    await page.click('#tour-matrix-box summary');
    expect(await page.isVisible('#tour-matrix')).toBe(true);
    expect(await value(page, 'tour-matrix', 'data-sum')).toBeGreaterThan(20); // ink: tens of the 784 pixels
    expect(first.label).toBe(1);
    expect(first.p).toBeLessThan(0.6);
    await page.click('#tour-next');
    await page.waitForFunction(
      (before) => document.querySelector('#tour-p')?.getAttribute('data-value') !== before,
      String(first.p),
      WAIT,
    );
    await check();
    await page.click('#tour-prev');
    await page.waitForFunction(
      (before) => document.querySelector('#tour-p')?.getAttribute('data-value') === before,
      String(first.p),
      WAIT,
    );
    // 4. the hiker walks downhill: ten steps lower the loss
    const startLoss = await value(page, 'tour-walk-loss');
    await page.click('#tour-walk-ten');
    await page.waitForSelector('#tour-walk-steps:text-is("10")', WAIT);
    expect(await value(page, 'tour-walk-loss')).toBeLessThan(startLoss);
    // 5. nudging and backward agree within 1e-3; the digits network's cost is projected from its size
    await page.click('#tour-compare');
    await page.waitForSelector('#tour-compare-table:not([hidden])', WAIT);
    for (const k of ['a', 'b'])
      expect(Math.abs((await value(page, `tour-fd-${k}`)) - (await value(page, `tour-bw-${k}`)))).toBeLessThan(1e-3);
    expect(await value(page, 'tour-bw-a')).not.toBe(0);
    expect(await page.textContent('#tour-compare-text')).toMatch(
      /has 12,577 parameters: nudging needs 25,154 forward passes of [\d.]+ (µs|ms) each/,
    );
    // 6. three descent steps move p toward the label 1
    for (let step = 1; step <= 3; step++) {
      await page.click('#tour-descend');
      await page.waitForFunction(
        (n) =>
          JSON.parse(document.querySelector('#tour-descent-path')?.getAttribute('data-values') ?? '[]').length ===
          n + 1,
        step,
        WAIT,
      );
    }
    const path = JSON.parse((await page.getAttribute('#tour-descent-path', 'data-values'))!) as number[];
    expect(path[0]).toBe(first.p);
    for (let i = 1; i < path.length; i++) expect(path[i]!).toBeGreaterThan(path[i - 1]!);
    expect(await value(page, 'tour-p')).toBe(path.at(-1));
    await check();
    // a drawing the reader says is not a 3: label 0, the same arithmetic, and a step lowers p
    await page.locator('#tour-draw').scrollIntoViewIfNeeded();
    const pad = (await page.locator('#tour-draw').boundingBox())!;
    await page.uncheck('#tour-draw-three');
    await page.mouse.move(pad.x + 60, pad.y + 40);
    await page.mouse.down();
    for (let t = 0; t <= 12; t++) await page.mouse.move(pad.x + 60 + 80 * Math.sin(t / 4), pad.y + 40 + 10 * t);
    await page.mouse.up();
    await page.waitForSelector('#tour-digit-label:text-matches("^your drawing")', WAIT);
    const drawn = await check();
    expect(drawn.label).toBe(0);
    await page.click('#tour-descend');
    await page.waitForFunction(
      (before) => Number(document.querySelector('#tour-p')?.getAttribute('data-value')) < before,
      drawn.p,
      WAIT,
    );
    await check();
    await page.screenshot({ path: join(RESULTS, 'tour.png'), fullPage: true });
    expect(await page.textContent('#message'), 'message box').toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a 390 px screen and the sliders take the keyboard', async () => {
    const { page, errors } = await openPage({ ...site, path: 'tour.html', width: 390, height: 844 });
    await page.focus('#tour-a');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#tour-line-eq[data-a="1.1"]', WAIT);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(RESULTS, 'tour-390.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
