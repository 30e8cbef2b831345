// Benchmark (issue 6): MNIST MLP 784-128-10 training throughput in Chromium — plain core in the
// digits worker, 1 and 2 replica workers sharing memory, 2 copying (a page without the two headers)
// — against the same model in Node (plain core; DataParallelTrainer with 1 and 2 threads), and the
// frame rate the page kept meanwhile. Needs the built site: `pnpm --filter @backprop/web build` first.
import { cpus } from 'node:os';
import { median } from '@backprop/bench-utils';
import { DataLoader, TensorDataset, type Tensor } from '@backprop/core';
import { mnistSplit } from '@backprop/datasets';
import { loadMnist } from '@backprop/datasets/node';
import { DataParallelTrainer, fit, type FitTrainer } from '@backprop/parallel/node';
import { DIGITS_SPEC, mnistTensors, singleThreadTrainer } from '../src/digits/digits-session';
import { launchChromium, startPreview } from '../e2e/server';

const BATCH = Number(process.env['BATCH'] ?? 256);
const SAMPLES = Number(process.env['SAMPLES'] ?? 8000);
const REPEATS = Number(process.env['REPEATS'] ?? 2);
const EPOCHS = Number(process.env['EPOCHS'] ?? 3);
const LEARNING_RATE = 1e-3;

interface Row {
  where: string;
  how: string;
  samplesPerSecond: number;
  /** Frames/s the page drew while training (average over the run; lowest 1-s window). */
  fps: { average: number; lowest: number } | null;
}

/** Trains EPOCHS epochs of SAMPLES digits in the page and reads the page's own figures. */
async function inBrowser(
  url: string,
  workers: number,
): Promise<{ samplesPerSecond: number; fps: { average: number; lowest: number } }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(new URL('digits.html', url).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.selectOption('#dg-workers', String(workers));
    await page.selectOption('#dg-batch', String(BATCH));
    await page.selectOption('#dg-samples', String(SAMPLES));
    await page.fill('#dg-epochs', String(EPOCHS));
    await page.click('#dg-train');
    await page.waitForSelector('body[data-trained="1"]', { timeout: 300_000 });
    const samplesPerSecond = Number(await page.getAttribute('#dg-throughput', 'data-value'));
    const average = Number(await page.getAttribute('body', 'data-training-fps'));
    const lowest = Number(await page.getAttribute('body', 'data-lowest-fps'));
    return { samplesPerSecond, fps: { average, lowest } };
  } finally {
    await browser.close();
  }
}

/** The same epochs in Node through `fit`, timed like the page (steps only, the first left out). */
async function inNode(trainer: FitTrainer, images: Tensor, labels: Tensor): Promise<number> {
  const loader = new DataLoader(new TensorDataset(images, labels), {
    batchSize: BATCH,
    shuffle: true,
    seed: 1,
  }) as unknown as Iterable<[Tensor, Tensor]>;
  let [samples, milliseconds] = [0, 0];
  await fit(trainer, loader, {
    epochs: EPOCHS,
    onBatchEnd: ({ step, inputs, milliseconds: stepMilliseconds }) => {
      if (step === 1) return; // warm-up: thread start, replica build (see NOTE(warm-up) in digits-session.ts)
      milliseconds += stepMilliseconds;
      samples += inputs.shape[0]!;
    },
  });
  return (1000 * samples) / milliseconds;
}

async function nodeRows(): Promise<Row[]> {
  const { images, labels } = mnistTensors(mnistSplit(await loadMnist()).train, SAMPLES);
  const rows: Row[] = [];
  const plain: number[] = [];
  for (let r = 0; r < REPEATS; r++)
    plain.push(
      await inNode(
        singleThreadTrainer({ spec: DIGITS_SPEC, workers: 0, learningRate: LEARNING_RATE, seed: 1 }),
        images,
        labels,
      ),
    );
  rows.push({
    where: `Node ${process.version}`,
    how: 'plain core, 1 thread',
    samplesPerSecond: median(plain),
    fps: null,
  });
  for (const workers of [1, 2]) {
    const figures: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const trainer = new DataParallelTrainer({
        model: DIGITS_SPEC,
        loss: 'crossEntropy',
        optimizer: { type: 'adam', lr: LEARNING_RATE },
        seed: 1,
        workers,
      });
      figures.push(await inNode(trainer, images, labels));
      await trainer.close();
    }
    rows.push({
      where: `Node ${process.version}`,
      how: `DataParallelTrainer, ${workers} worker${workers > 1 ? 's' : ''}`,
      samplesPerSecond: median(figures),
      fps: null,
    });
  }
  return rows;
}

async function browserRows(): Promise<{ rows: Row[]; version: string }> {
  const [isolated, plain] = await Promise.all([startPreview({ isolated: true }), startPreview({ isolated: false })]);
  try {
    const probe = await launchChromium();
    const version = probe.version();
    await probe.close();
    const rows: Row[] = [];
    const cases: Array<[string, string, number]> = [
      [isolated.url, 'plain core, in the digits worker', 0],
      [isolated.url, 'BrowserDataParallelTrainer, 1 worker', 1],
      [isolated.url, 'BrowserDataParallelTrainer, 2 workers', 2],
      [plain.url, 'BrowserDataParallelTrainer, 2 workers, memory copy (page not isolated)', 2],
    ];
    for (const [url, how, workers] of cases) {
      const runs: Array<{ samplesPerSecond: number; fps: { average: number; lowest: number } }> = [];
      for (let r = 0; r < REPEATS; r++) runs.push(await inBrowser(url, workers));
      rows.push({
        where: `Chromium ${version}`,
        how,
        samplesPerSecond: median(runs.map((run) => run.samplesPerSecond)),
        fps: {
          average: Math.min(...runs.map((run) => run.fps.average)),
          lowest: Math.min(...runs.map((run) => run.fps.lowest)),
        },
      });
    }
    return { rows, version };
  } finally {
    await Promise.all([isolated.server.close(), plain.server.close()]);
  }
}

const node = await nodeRows();
const browser = await browserRows();
const nodeFigure = (how: string) => node.find((row) => row.how.startsWith(how))!.samplesPerSecond;
const reference = (row: Row) =>
  row.how.startsWith('plain')
    ? nodeFigure('plain')
    : row.how.includes('2 workers')
      ? nodeFigure('DataParallelTrainer, 2')
      : nodeFigure('DataParallelTrainer, 1');

console.log(
  `\nMNIST MLP 784-128-10, Adam, batch ${BATCH}, chunk 64, ${EPOCHS} epochs of ${SAMPLES} digits (first step left out), median of ${REPEATS}`,
);
console.log(
  `${new Date().toISOString()} · ${cpus()[0]?.model ?? 'unknown CPU'} · ${cpus().length} cores · Node ${process.version} · Chromium ${browser.version}\n`,
);
console.log(
  '| where | trainer | samples/s | vs the same in Node | page frames/s while training (average, lowest 1 s) |',
);
console.log('| --- | --- | ---: | ---: | ---: |');
for (const row of [...node, ...browser.rows]) {
  const ratio = row.where.startsWith('Node') ? '' : `${((100 * row.samplesPerSecond) / reference(row)).toFixed(0)}%`;
  const fps =
    row.fps === null
      ? ''
      : `${row.fps.average.toFixed(0)}, ${Number.isFinite(row.fps.lowest) ? row.fps.lowest.toFixed(0) : 'n/a (run < 1 s)'}`;
  console.log(`| ${row.where} | ${row.how} | ${row.samplesPerSecond.toFixed(0)} | ${ratio} | ${fps} |`);
}
