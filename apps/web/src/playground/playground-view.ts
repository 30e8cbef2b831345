// The Playground page: settings form ↔ URL, play / step / reset, and drawing what the worker
// reports (boundary heat map with the points, loss chart, numbers, the network view and "one step,
// slowly"). No training and no network math on this thread.
import * as Comlink from 'comlink';
import '../styles.css';
import { colorAt, DIVERGING, heatmapPixels } from '../shared/heatmap';
import { LiveChart } from '../shared/loss-chart';
import { watchFrames } from '../shared/fps-meter';
import { addMessage, describeError, element, formatNumber, showMessage, startPage } from '../shared/page';
import { toPixel, type Axis } from '../shared/plot';
import { gradientExtent, gradientsScene, stepScene, valuesScene } from './network-scenes';
import { NetworkView } from './network-view';
import type { PlaygroundWorkerApi } from './playground.worker';
import { EXTENT, type GradientReport, type NetworkReport, type PlaygroundReport, type PointSet } from './session';
import { SlowStep } from './slow-step-view';
import {
  ACTIVATIONS,
  DATASETS,
  L2_RATES,
  LEARNING_RATES,
  parseSettings,
  toSearch,
  type PlaygroundSettings,
} from './settings';

startPage();
const worker = Comlink.wrap<PlaygroundWorkerApi>(
  new Worker(new URL('./playground.worker.ts', import.meta.url), { type: 'module' }),
);
const form = element<HTMLFormElement>('pg-settings');
const [playButton, stepButton, resetButton] = ['pg-play', 'pg-step', 'pg-reset'].map((id) =>
  element<HTMLButtonElement>(id),
);
const canvas = element<HTMLCanvasElement>('pg-boundary');
const chart = new LiveChart({
  parent: element('pg-chart'),
  xLabel: 'epoch',
  width: Math.min(420, window.innerWidth - 64), // a phone's width minus the page's and the panel's padding
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

const networkView = new NetworkView(element('pg-network'));
const gradientsSwitch = element<HTMLInputElement>('pg-gradients');
/** The latest snapshots of the network, for redrawing without asking the worker again. */
let network: NetworkReport | null = null;
let gradients: GradientReport | null = null;
/** The gradients view's scale: the largest values since the run started, so fading colours show learning stopping. */
let gradientRange = { neuron: 0, edge: 0 };
const slow = new SlowStep({
  worker,
  elements: {
    back: element('pg-slow-back'),
    next: element('pg-slow-next'),
    nextPoint: element('pg-slow-point'),
    stage: element('pg-slow-stage'),
    text: element('pg-slow-text'),
    table: element('pg-slow-table'),
  },
  onStage: (step, stage, after) => {
    if (lastReport !== null) draw(lastReport, { chart: false }); // ring the chosen point
    element('pg-network-caption').textContent = `one step on point ${step.index + 1}: ${stage.kind}`;
    networkView.render(stepScene(step, stage, after));
  },
  onStepTaken: (report) => {
    draw(report, { chart: false }); // one step on one point is not an epoch
    void refreshNetwork();
  },
});
slow.reset();
watchFrames((fps) => {
  element('pg-fps').textContent = fps.toFixed(0);
  element('pg-fps').dataset['value'] = String(fps);
});

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

function drawPoints(
  context: CanvasRenderingContext2D,
  set: PointSet,
  outline: string,
  axis: { x: Axis; y: Axis },
): void {
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

let lastReport: PlaygroundReport | null = null;

function draw(report: PlaygroundReport, options: { chart?: boolean } = {}): void {
  lastReport = report;
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  const n = report.resolution;
  const image = document.createElement('canvas');
  [image.width, image.height] = [n, n];
  image
    .getContext('2d')!
    .putImageData(
      new ImageData(
        heatmapPixels({ values: report.boundary, columns: n, rows: n, palette: DIVERGING, alpha: 200 }),
        n,
        n,
      ),
      0,
      0,
    );
  context.clearRect(0, 0, width, height);
  context.imageSmoothingEnabled = true;
  context.drawImage(image, 0, 0, width, height);
  const axis = {
    x: { data: [-EXTENT, EXTENT], pixels: [0, width] } as Axis,
    y: { data: [-EXTENT, EXTENT], pixels: [height, 0] } as Axis,
  };
  if (points !== null) {
    drawPoints(context, points.train, '#ffffff', axis);
    drawPoints(context, points.test, '#1d2430', axis);
    const chosen = slow.index;
    if (chosen !== null) {
      context.strokeStyle = '#1d2430';
      context.lineWidth = 2.5;
      context.beginPath();
      context.arc(
        toPixel(axis.x, points.train.inputs[2 * chosen]!),
        toPixel(axis.y, points.train.inputs[2 * chosen + 1]!),
        8,
        0,
        2 * Math.PI,
      );
      context.stroke();
      context.lineWidth = 1;
    }
  }
  element('pg-epoch').textContent = String(report.epoch);
  element('pg-train-loss').textContent = formatNumber(report.trainLoss);
  element('pg-test-loss').textContent = formatNumber(report.testLoss);
  element('pg-train-accuracy').textContent = `${(100 * report.trainAccuracy).toFixed(1)}%`;
  element('pg-test-accuracy').textContent = `${(100 * report.testAccuracy).toFixed(1)}%`;
  element('pg-test-accuracy').dataset['value'] = String(report.testAccuracy);
  if (options.chart !== false) chart.add(report.epoch, [report.trainLoss, report.testLoss]);
}

/** While playing, the network view redraws at most this often (NOTE(network-rate)). */
const NETWORK_INTERVAL_MS = 100;
let networkDrawnAt = -Infinity;

/** Asks the worker for the network (and its gradients when the switch is on) and redraws it. */
async function refreshNetwork(): Promise<void> {
  networkDrawnAt = performance.now();
  const mine = generation;
  const fresh = await worker.network(20);
  const freshGradients = gradientsSwitch.checked ? await worker.gradients() : null;
  if (mine !== generation) return;
  [network, gradients] = [fresh, freshGradients];
  const host = element('pg-network');
  host.dataset['epoch'] = element('pg-epoch').textContent ?? '';
  if (freshGradients !== null) {
    const extent = gradientExtent(freshGradients);
    gradientRange = {
      neuron: Math.max(gradientRange.neuron, extent.neuron),
      edge: Math.max(gradientRange.edge, extent.edge),
    };
    host.dataset['gradientNorm'] = String(
      Math.hypot(...freshGradients.weights.flatMap((layer) => [...layer.weight, ...layer.bias])),
    );
    host.dataset['batchLoss'] = String(freshGradients.loss);
  }
  renderNetwork();
}

/** Draws the values or the gradients view — unless "one step, slowly" holds the view. */
function renderNetwork(): void {
  if (network === null || slow.index !== null) return;
  const scene =
    gradients !== null && gradientsSwitch.checked
      ? gradientsScene(network, gradients, gradientRange)
      : valuesScene(network, settings.activation);
  element('pg-network-caption').textContent = gradientsSwitch.checked
    ? `engine's ∂loss/∂z per neuron, ∂loss/∂w per edge, on the last minibatch (${gradients?.batchSize ?? '–'} points); scale: the largest since the start`
    : "each neuron's output over the plane; weights as lines";
  networkView.render(scene);
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
    gradientRange = { neuron: 0, edge: 0 };
    slow.reset();
    chart.clear();
    draw(run.report);
    await refreshNetwork();
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
    if (mine !== generation) return;
    slow.reset();
    draw(report);
    // NOTE(network-rate): while playing, the network view redraws at most NETWORK_INTERVAL_MS apart:
    // its ~100 tiles cost the page thread more than an epoch of a small network costs the worker.
    if (!playing || performance.now() - networkDrawnAt >= NETWORK_INTERVAL_MS) await refreshNetwork();
  } catch (error) {
    fail(error);
  } finally {
    busy = false;
  }
  if (!playing && element('pg-network').dataset['epoch'] !== element('pg-epoch').textContent) await refreshNetwork(); // paused mid-interval
}

function playLoop(): void {
  if (!playing) return;
  if (!busy) void trainEpochs(1);
  requestAnimationFrame(playLoop);
}

form.addEventListener('change', () => {
  const read = parseSettings(
    `?${new URLSearchParams([...new FormData(form)].map(([k, v]) => [k, String(v)])).toString()}`,
  );
  showMessage(read.problems.join('\n'));
  settings = read.settings;
  showSettings();
  void restart();
});
playButton.addEventListener('click', () => {
  playing = !playing;
  playButton.textContent = playing ? 'Pause' : 'Play';
  if (playing) requestAnimationFrame(playLoop);
  // paused between two epochs: draw the network of the last one (a running epoch does it when done)
  else if (!busy && element('pg-network').dataset['epoch'] !== element('pg-epoch').textContent)
    void refreshNetwork().catch(fail);
});
stepButton.addEventListener('click', () => void trainEpochs(1));
resetButton.addEventListener('click', () => void restart());
gradientsSwitch.addEventListener('change', () => {
  slow.reset(); // the switch brings back the network's own view
  void (busy ? renderNetwork() : refreshNetwork());
});

/** Picks the training point nearest to a click on the boundary for "one step, slowly" (training pauses). */
canvas.addEventListener('click', (event) => {
  if (points === null) return;
  const box = canvas.getBoundingClientRect();
  const x = -EXTENT + ((event.clientX - box.left) / box.width) * 2 * EXTENT;
  const y = EXTENT - ((event.clientY - box.top) / box.height) * 2 * EXTENT;
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < points.train.labels.length; i++) {
    const distance = (points.train.inputs[2 * i]! - x) ** 2 + (points.train.inputs[2 * i + 1]! - y) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [i, distance];
  }
  void pickPoint(best);
});

async function pickPoint(index: number): Promise<void> {
  if (playing) playButton.click();
  while (busy) await new Promise((resolve) => setTimeout(resolve, 20));
  await slow.pick(index).catch(fail);
}
element('pg-slow-point').addEventListener('click', () => {
  if (playing) playButton.click();
});

const initial = parseSettings(location.search);
settings = initial.settings;
for (const problem of initial.problems) addMessage(`URL: ${problem}`);
showSettings();
await restart();
for (const button of [playButton, stepButton, resetButton, element<HTMLButtonElement>('pg-slow-point')])
  button.disabled = false;
document.body.dataset['ready'] = 'true';
