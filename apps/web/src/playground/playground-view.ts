// The Playground page: settings form ↔ URL, play / step / reset, and drawing what the worker
// reports (boundary heat map with the points, loss chart, numbers). No training on this thread.
import * as Comlink from 'comlink';
import '../styles.css';
import { colorAt, DIVERGING, heatmapPixels } from '../shared/heatmap';
import { LiveChart } from '../shared/loss-chart';
import { addMessage, describeError, element, formatNumber, showMessage, startPage } from '../shared/page';
import { toPixel, type Axis } from '../shared/plot';
import type { PlaygroundWorkerApi } from './playground.worker';
import { EXTENT, type PlaygroundReport, type PointSet } from './session';
import { ACTIVATIONS, DATASETS, L2_RATES, LEARNING_RATES, parseSettings, toSearch, type PlaygroundSettings } from './settings';

startPage();
const worker = Comlink.wrap<PlaygroundWorkerApi>(new Worker(new URL('./playground.worker.ts', import.meta.url), { type: 'module' }));
const form = element<HTMLFormElement>('pg-settings');
const [playButton, stepButton, resetButton] = ['pg-play', 'pg-step', 'pg-reset'].map((id) => element<HTMLButtonElement>(id));
const canvas = element<HTMLCanvasElement>('pg-boundary');
const chart = new LiveChart({
  parent: element('pg-chart'),
  xLabel: 'epoch',
  series: [
    { label: 'train loss', color: '#e8590c' },
    { label: 'test loss', color: '#0877bd' },
  ],
});

const fillSelect = (id: string, values: readonly (string | number)[]) =>
  element<HTMLSelectElement>(id).replaceChildren(...values.map((value) => new Option(String(value), String(value))));
fillSelect('pg-dataset', DATASETS);
fillSelect('pg-activation', ACTIVATIONS);
fillSelect('pg-learningRate', LEARNING_RATES);
fillSelect('pg-l2', L2_RATES);

let settings: PlaygroundSettings;
let points: { train: PointSet; test: PointSet } | null = null;
let playing = false;
let busy = false;
let generation = 0;

function showSettings(): void {
  for (const [key, value] of Object.entries(settings)) {
    const input = form.elements.namedItem(key) as HTMLInputElement | HTMLSelectElement | null;
    if (input === null) continue;
    if (input instanceof HTMLSelectElement && ![...input.options].some((option) => option.value === String(value))) {
      input.add(new Option(String(value), String(value))); // a URL value between the offered ones
    }
    input.value = String(value);
  }
}

function drawPoints(context: CanvasRenderingContext2D, set: PointSet, outline: string, axis: { x: Axis; y: Axis }): void {
  for (let i = 0; i < set.labels.length; i++) {
    const [r, g, b] = colorAt(DIVERGING, set.labels[i]!);
    context.fillStyle = `rgb(${r} ${g} ${b})`;
    context.strokeStyle = outline;
    context.beginPath();
    context.arc(toPixel(axis.x, set.inputs[2 * i]!), toPixel(axis.y, set.inputs[2 * i + 1]!), 3.5, 0, 2 * Math.PI);
    context.fill();
    context.stroke();
  }
}

function draw(report: PlaygroundReport): void {
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  const n = report.resolution;
  const image = document.createElement('canvas');
  [image.width, image.height] = [n, n];
  image.getContext('2d')!.putImageData(new ImageData(heatmapPixels({ values: report.boundary, columns: n, rows: n, palette: DIVERGING, alpha: 200 }), n, n), 0, 0);
  context.clearRect(0, 0, width, height);
  context.imageSmoothingEnabled = true;
  context.drawImage(image, 0, 0, width, height);
  const axis = { x: { data: [-EXTENT, EXTENT], pixels: [0, width] } as Axis, y: { data: [-EXTENT, EXTENT], pixels: [height, 0] } as Axis };
  if (points !== null) {
    drawPoints(context, points.train, '#ffffff', axis);
    drawPoints(context, points.test, '#1d2430', axis);
  }
  element('pg-epoch').textContent = String(report.epoch);
  element('pg-train-loss').textContent = formatNumber(report.trainLoss);
  element('pg-test-loss').textContent = formatNumber(report.testLoss);
  element('pg-train-accuracy').textContent = `${(100 * report.trainAccuracy).toFixed(1)}%`;
  element('pg-test-accuracy').textContent = `${(100 * report.testAccuracy).toFixed(1)}%`;
  element('pg-test-accuracy').dataset['value'] = String(report.testAccuracy);
  chart.add(report.epoch, [report.trainLoss, report.testLoss]);
}

function fail(error: unknown): void {
  playing = false;
  playButton.textContent = 'Play';
  showMessage(describeError(error));
}

/** A fresh run from `settings` (and the URL updated to replay it). */
async function restart(): Promise<void> {
  const mine = ++generation;
  history.replaceState(null, '', `?${toSearch(settings)}`);
  busy = true;
  try {
    const run = await worker.configure(settings);
    if (mine !== generation) return;
    points = { train: run.train, test: run.test };
    chart.clear();
    draw(run.report);
  } catch (error) {
    fail(error);
  } finally {
    busy = false;
  }
}

async function trainEpochs(epochs: number): Promise<void> {
  if (busy) return;
  busy = true;
  const mine = generation;
  try {
    const report = await worker.train(epochs);
    if (mine === generation) draw(report);
  } catch (error) {
    fail(error);
  } finally {
    busy = false;
  }
}

function playLoop(): void {
  if (!playing) return;
  if (!busy) void trainEpochs(1);
  requestAnimationFrame(playLoop);
}

form.addEventListener('change', () => {
  const read = parseSettings(`?${new URLSearchParams([...new FormData(form)].map(([k, v]) => [k, String(v)])).toString()}`);
  showMessage(read.problems.join('\n'));
  settings = read.settings;
  showSettings();
  void restart();
});
playButton.addEventListener('click', () => {
  playing = !playing;
  playButton.textContent = playing ? 'Pause' : 'Play';
  if (playing) requestAnimationFrame(playLoop);
});
stepButton.addEventListener('click', () => void trainEpochs(1));
resetButton.addEventListener('click', () => void restart());

const initial = parseSettings(location.search);
settings = initial.settings;
for (const problem of initial.problems) addMessage(`URL: ${problem}`);
showSettings();
await restart();
for (const button of [playButton, stepButton, resetButton]) button.disabled = false;
document.body.dataset['ready'] = 'true';
