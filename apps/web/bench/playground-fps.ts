// Benchmark (issue 14): the Playground's frame rate while the worker trains and the network view
// redraws every epoch — values and gradients views, the default network and the largest one.
// Needs the built site (`pnpm --filter @backprop/web build`); run `pnpm exec tsx bench/playground-fps.ts`.
import { cpus } from 'node:os';
import { launchChromium, startPreview } from '../e2e/server';

const SECONDS = Number(process.env['SECONDS'] ?? 8);

/** Plays `search` for SECONDS (after 1 s of warm-up), sampling the page's 1-second frame rate 4× a second. */
async function measure(
  url: string,
  search: string,
  gradients: boolean,
): Promise<{ average: number; lowest: number; epochs: number }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(new URL(`playground.html?${search}`, url).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    if (gradients) await page.check('#pg-gradients');
    await page.click('#pg-play');
    await page.waitForTimeout(1000);
    const startEpoch = Number(await page.textContent('#pg-epoch'));
    const samples: number[] = [];
    for (let i = 0; i < SECONDS * 4; i++) {
      await page.waitForTimeout(250);
      samples.push(Number(await page.getAttribute('#pg-fps', 'data-value')));
    }
    const epochs = Number(await page.textContent('#pg-epoch')) - startEpoch;
    await page.click('#pg-play');
    return { average: samples.reduce((a, b) => a + b, 0) / samples.length, lowest: Math.min(...samples), epochs };
  } finally {
    await browser.close();
  }
}

const { server, url } = await startPreview({ isolated: true });
try {
  const cases = [
    ['circles, 2 × 6 tanh (default)', 'dataset=circles&layers=2&neurons=6&activation=tanh&seed=1'],
    ['spiral, 6 × 16 relu (largest)', 'dataset=spiral&layers=6&neurons=16&activation=relu&seed=1'],
  ] as const;
  console.log(
    `Playground frame rate while training, ${SECONDS} s each — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`,
  );
  console.log('| network | view | frames/s (average) | lowest 1-s window | epochs/s |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const [name, search] of cases) {
    for (const gradients of [false, true]) {
      const result = await measure(url, search, gradients);
      console.log(
        `| ${name} | ${gradients ? 'gradients' : 'values'} | ${result.average.toFixed(0)} | ${result.lowest.toFixed(0)} | ${(result.epochs / SECONDS).toFixed(1)} |`,
      );
    }
  }
} finally {
  await server.close();
}
